import { Errors, errorMessage, isNocofloError, NocofloError } from '@nocoflo/sdk';

/** The facts an error message needs: what was being done, to which table. */
export interface ErrorScope {
  /** The datasource URL, without password. */
  url: string;
  /** e.g. `update`. */
  operation: string;
  /** The table, when there is one. */
  table?: string;
}

interface MysqlError {
  code?: string;
  errno?: number;
  sqlState?: string;
  sqlMessage?: string;
  hostname?: string;
}

type Hint = (error: MysqlError, message: string) => [reason: string, hint: string];

const CONNECTION_HINTS: Record<string, Hint> = {
  ER_ACCESS_DENIED_ERROR: () => [
    'the user name or password was refused',
    'Check the user and password in the URL (percent-encode special characters, e.g. @ as %40), and that the user may connect from this host.',
  ],
  ER_DBACCESS_DENIED_ERROR: (_e, message) => [
    message,
    'Grant the user access to the database (GRANT SELECT, INSERT, UPDATE, DELETE ON db.* TO …), or use another user.',
  ],
  ER_BAD_DB_ERROR: (_e, message) => [
    message,
    'Check the database name at the end of the URL, or create it (CREATE DATABASE name CHARACTER SET utf8mb4).',
  ],
  ER_CON_COUNT_ERROR: () => [
    'the server has no free connection slots',
    'Lower pool_max in the URL, close other clients, or raise max_connections on the server.',
  ],
  ECONNREFUSED: () => [
    'nothing accepts connections at that host and port',
    'Check that MySQL/MariaDB runs and listens there (`mysqladmin -h <host> -P <port> ping`), and the port in the URL (default 3306).',
  ],
  ENOTFOUND: (error) => [
    `the host ${error.hostname ?? ''} is unknown`.replace('  ', ' '),
    'Check the host name in the URL for typos, and that DNS resolves it from this machine.',
  ],
  EAI_AGAIN: (error) => [
    `the host name ${error.hostname ?? ''} could not be resolved`.replace('  ', ' '),
    'Check the host name and this machine’s DNS settings.',
  ],
  ETIMEDOUT: () => [
    'the connection timed out',
    'Check the host and port, and that no firewall drops the traffic; raise connect_timeout (seconds) in the URL for slow networks.',
  ],
  EHOSTUNREACH: () => ['the host cannot be reached', 'Check the host name and the network route to it.'],
  ECONNRESET: () => ['the server closed the connection', 'Check the server log and that the server is up.'],
  PROTOCOL_CONNECTION_LOST: () => [
    'the server closed the connection',
    'Check the server log (it may have restarted, or wait_timeout ended an idle connection).',
  ],
  HANDSHAKE_NO_SSL_SUPPORT: () => [
    'the server does not accept SSL connections',
    'Remove ssl=true / sslmode=require from the URL, or enable TLS on the server.',
  ],
  HANDSHAKE_SSL_ERROR: (_e, message) => [
    `the TLS handshake failed (${message})`,
    'Use sslmode=require to encrypt without verifying, or install the CA certificate (NODE_EXTRA_CA_CERTS).',
  ],
};

/** Whether a mysql2 error means the connection (not the statement) failed. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as MysqlError)?.code;
  return (
    (typeof code === 'string' && code in CONNECTION_HINTS) ||
    /certificate|self[- ]signed/i.test(errorMessage(error))
  );
}

/** `NCF_CONNECTION_FAILED` with a hint for the cause: credentials, database, host, port, TLS, timeout. */
export function connectionError(url: string, error: unknown): NocofloError {
  const mysqlError = (error ?? {}) as MysqlError;
  const message = mysqlError.sqlMessage ?? errorMessage(error);
  const known = mysqlError.code ? CONNECTION_HINTS[mysqlError.code] : undefined;
  let reason: string;
  let hint: string;
  if (known) [reason, hint] = known(mysqlError, message);
  else if (/certificate|self[- ]signed/i.test(message)) {
    reason = `the server's TLS certificate was not accepted (${message})`;
    hint =
      'Use sslmode=require to encrypt without verifying, or install the CA certificate (NODE_EXTRA_CA_CERTS).';
  } else {
    reason = message;
    hint = 'Check the URL, that the server runs and that the credentials are right.';
  }
  return NocofloError.create(Errors.ConnectionFailed, [url, reason, hint], { cause: error });
}

// Errors (by errno) meaning a value did not fit its column, in strict mode.
const INVALID_VALUE = new Set([1264, 1265, 1292, 1366, 1367, 1406, 1411, 3140, 4078]);
// Errors meaning the statement outlived statement_timeout (MariaDB, MySQL).
const TIMED_OUT = new Set([1969, 3024]);

/**
 * Turns whatever mysql2 threw into a NocofloError from the catalog: integrity violations
 * (SQLSTATE 23…) → `NCF_CONSTRAINT_VIOLATION`, values that do not fit → `NCF_INVALID_VALUE`,
 * read-only transactions → `NCF_READ_ONLY`, connection failures → `NCF_CONNECTION_FAILED`,
 * the rest → `NCF_DATASOURCE_ERROR`. NocofloErrors pass through unchanged.
 */
export function toNocofloError(error: unknown, scope: ErrorScope): NocofloError {
  if (isNocofloError(error)) return error;
  const mysqlError = (error ?? {}) as MysqlError;
  const message = mysqlError.sqlMessage ?? errorMessage(error);
  const table = scope.table ?? scope.url;
  const state = mysqlError.sqlState ?? '';
  const errno = mysqlError.errno ?? 0;
  if (state.startsWith('23') || errno === 4025) {
    return NocofloError.create(Errors.ConstraintViolation, [table, message], { cause: error });
  }
  if (INVALID_VALUE.has(errno) || (state.startsWith('22') && errno !== 1365)) {
    const column = /column '([^']*)'/i.exec(message)?.[1] ?? '(value)';
    return NocofloError.create(Errors.InvalidValue, [table, column, message], { cause: error });
  }
  if (errno === 1792 || state === '25006') {
    return NocofloError.create(Errors.ReadOnly, [table, message], { cause: error });
  }
  if (isConnectionError(error)) return connectionError(scope.url, error);
  if (TIMED_OUT.has(errno)) {
    return NocofloError.create(
      Errors.DatasourceError,
      [scope.operation, `${message}; raise statement_timeout (ms) in the URL for long queries`],
      { cause: error },
    );
  }
  if (/queue limit reached/i.test(message)) {
    // Saturated: refused now with 503, as the PostgreSQL datasource does, rather than queued.
    return NocofloError.create(
      Errors.DatasourceBusy,
      [
        scope.url,
        'every pooled connection is busy and the wait queue is full; raise pool_max or pool_queue in the URL, or retry later',
      ],
      { cause: error },
    );
  }
  return NocofloError.create(
    Errors.DatasourceError,
    [`${scope.operation}${scope.table ? ` on ${scope.table}` : ''}`, message],
    { cause: error },
  );
}
