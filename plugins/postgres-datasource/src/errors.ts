import {
  type ColumnSchema,
  Errors,
  errorMessage,
  isNocofloError,
  NocofloError,
  type Row,
} from '@nocoflo/sdk';

/** The facts an error message needs: what was being done, to which table. */
export interface ErrorScope {
  /** The datasource URL, without password. */
  url: string;
  /** e.g. `update`. */
  operation: string;
  /** The table, when there is one. */
  table?: string;
}

interface PgError {
  code?: string;
  column?: string;
  detail?: string;
  message?: string;
  hostname?: string;
}

const CONNECTION_HINTS: Record<string, (url: string, error: PgError) => [reason: string, hint: string]> = {
  '28P01': () => [
    'the password was refused',
    'Check the user name and password in the URL (percent-encode special characters, e.g. @ as %40).',
  ],
  '28000': (_url, error) => [
    `the server refused the login (${error.message})`,
    'Check the user name, and that pg_hba.conf allows this user to connect from this host to this database.',
  ],
  '3D000': (_url, error) => [
    error.message ?? 'the database does not exist',
    'Check the database name at the end of the URL, or create it (`createdb <name>`); list databases with `psql -l`.',
  ],
  '53300': () => [
    'the server has no free connection slots',
    'Lower pool_max in the URL, close other clients, or raise max_connections on the server.',
  ],
  '57P03': () => ['the server is starting up or shutting down', 'Wait a moment and try again.'],
  ECONNREFUSED: () => [
    'nothing accepts connections at that host and port',
    'Check that PostgreSQL runs and listens there (`pg_isready -h <host> -p <port>`), and the port in the URL (default 5432).',
  ],
  ENOTFOUND: (_url, error) => [
    `the host ${error.hostname ?? ''} is unknown`.replace('  ', ' '),
    'Check the host name in the URL for typos, and that DNS resolves it from this machine.',
  ],
  EAI_AGAIN: (_url, error) => [
    `the host name ${error.hostname ?? ''} could not be resolved`.replace('  ', ' '),
    'Check the host name and this machine’s DNS settings.',
  ],
  ETIMEDOUT: () => [
    'the connection timed out',
    'Check the host and port, and that no firewall drops the traffic; raise connect_timeout (seconds) in the URL for slow networks.',
  ],
  EHOSTUNREACH: () => ['the host cannot be reached', 'Check the host name and the network route to it.'],
  ECONNRESET: () => [
    'the server closed the connection',
    'Check the server log; with sslmode=require, check that the server accepts SSL.',
  ],
};

const CONNECTION_CODES = new Set(Object.keys(CONNECTION_HINTS));

/** Whether a pg error means the connection (not the query) failed. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as PgError)?.code;
  const message = errorMessage(error);
  return (
    (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08'))) ||
    /timeout expired|Connection terminated|SSL|self[- ]signed|certificate/i.test(message)
  );
}

/** `NCF_CONNECTION_FAILED` with a hint for the cause: password, role, database, host, port, SSL, timeout. */
export function connectionError(url: string, error: unknown): NocofloError {
  const pgError = (error ?? {}) as PgError;
  const message = errorMessage(error);
  const known = pgError.code ? CONNECTION_HINTS[pgError.code] : undefined;
  let reason: string;
  let hint: string;
  if (known) [reason, hint] = known(url, { ...pgError, message });
  else if (/does not support SSL/i.test(message)) {
    reason = 'the server does not accept SSL connections';
    hint = 'Remove sslmode=require (or ssl=true) from the URL, or enable ssl on the server.';
  } else if (/self[- ]signed|certificate/i.test(message)) {
    reason = `the server's SSL certificate was not accepted (${message})`;
    hint =
      'Use sslmode=require to encrypt without verifying, or install the CA certificate (NODE_EXTRA_CA_CERTS).';
  } else if (/timeout expired/i.test(message)) {
    reason = 'the connection timed out';
    hint = 'Check the host and port; raise connect_timeout (seconds) in the URL for slow networks.';
  } else {
    reason = message;
    hint = 'Check the URL, that the server runs and that the credentials are right.';
  }
  return NocofloError.create(Errors.ConnectionFailed, [url, reason, hint], { cause: error });
}

/**
 * Turns whatever pg threw into a NocofloError from the catalog, by SQLSTATE: integrity
 * violations (23…) → `NCF_CONSTRAINT_VIOLATION`, data exceptions (22…) → `NCF_INVALID_VALUE`,
 * read-only transactions → `NCF_READ_ONLY`, connection failures → `NCF_CONNECTION_FAILED`,
 * the rest → `NCF_DATASOURCE_ERROR`. NocofloErrors pass through unchanged.
 */
export function toNocofloError(error: unknown, scope: ErrorScope): NocofloError {
  if (isNocofloError(error)) return error;
  const pgError = (error ?? {}) as PgError;
  const code = pgError.code ?? '';
  const message = errorMessage(error);
  const table = scope.table ?? scope.url;
  const detail = pgError.detail ? `${message} (${pgError.detail})` : message;
  if (code.startsWith('23'))
    return NocofloError.create(Errors.ConstraintViolation, [table, detail], { cause: error });
  // Data exceptions mean a value did not fit, except arithmetic failing inside a view or expression.
  if (code.startsWith('22') && code !== '22012') {
    return NocofloError.create(Errors.InvalidValue, [table, pgError.column ?? '(value)', message], {
      cause: error,
    });
  }
  if (code === '25006') return NocofloError.create(Errors.ReadOnly, [table, message], { cause: error });
  if (isConnectionError(error)) return connectionError(scope.url, error);
  if (code === '57014') {
    return NocofloError.create(
      Errors.DatasourceError,
      [scope.operation, `${message}; raise statement_timeout (ms) in the URL for long queries`],
      { cause: error },
    );
  }
  return NocofloError.create(
    Errors.DatasourceError,
    [`${scope.operation}${scope.table ? ` on ${scope.table}` : ''}`, message],
    { cause: error },
  );
}

/** The type a data-exception message names: `value too long for type character varying(10)`. */
const NAMED_TYPE = /for type ([a-z][a-z0-9 ]*(?:\(\d+(?:,\s*\d+)?\))?)(?::\s*"(.*)")?/i;

/**
 * The column a PostgreSQL data exception is about. PostgreSQL names the column only for
 * some errors (not for "value too long" or "invalid input syntax"), so the statement's
 * written columns are matched against the type (and the value) the message names; a
 * statement that writes one column needs no matching. Undefined when it stays ambiguous.
 */
export function columnOfDataError(
  error: unknown,
  columns: readonly ColumnSchema[],
  written: Readonly<Row>,
): string | undefined {
  const pgError = (error ?? {}) as PgError;
  if (pgError.column) return pgError.column;
  if (!pgError.code?.startsWith('22')) return undefined;
  const candidates = columns.filter((c) => Object.hasOwn(written, c.name));
  if (candidates.length === 1) return candidates[0]?.name;
  const match = NAMED_TYPE.exec(errorMessage(error));
  let found = candidates;
  if (match?.[1]) {
    const type = match[1].toLowerCase().replace(/\s+/g, ' ');
    found = found.filter(
      (c) => c.nativeType.toLowerCase() === type || c.nativeType.toLowerCase().startsWith(`${type}(`),
    );
    const length = /\((\d+)\)$/.exec(type)?.[1];
    if (length && found.length > 1) {
      found = found.filter((c) => String(written[c.name] ?? '').length > Number(length));
    }
    if (match[2] !== undefined && found.length > 1) {
      found = found.filter((c) => String(written[c.name]) === match[2]);
    }
  } else if (pgError.code === '22003') {
    found = found.filter((c) => /numeric|integer|int|real|double|decimal/i.test(c.nativeType));
  }
  return found.length > 0 && found.length <= 3 ? found.map((c) => c.name).join(' or ') : undefined;
}

/**
 * Names the column on a data exception thrown by a write, so the message says
 * "invoice.billing_postal_code" rather than "invoice.(value)".
 */
export function withColumn(
  error: unknown,
  columns: readonly ColumnSchema[],
  written: Readonly<Row>,
): unknown {
  const column = columnOfDataError(error, columns, written);
  if (column && error && typeof error === 'object' && !(error as PgError).column) {
    (error as PgError).column = column;
  }
  return error;
}
