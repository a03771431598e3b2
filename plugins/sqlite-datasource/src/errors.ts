import { Errors, errorMessage, isNocofloError, NocofloError } from '@nocoflo/sdk';

/** The facts an error message needs: what was being done, to which table. */
export interface ErrorScope {
  /** The datasource URL. */
  url: string;
  /** e.g. `update`. */
  operation: string;
  /** The table, when there is one. */
  table?: string;
}

const CONNECTION_CODES = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_NOTADB',
  'SQLITE_CORRUPT',
  'SQLITE_IOERR',
  'SQLITE_AUTH',
]);

/**
 * Turns whatever better-sqlite3 threw into a NocofloError from the catalog: constraint
 * failures → `NCF_CONSTRAINT_VIOLATION`, type mismatches → `NCF_INVALID_VALUE`, read-only
 * databases → `NCF_READ_ONLY`, unreadable files → `NCF_CONNECTION_FAILED`, the rest →
 * `NCF_DATASOURCE_ERROR`. NocofloErrors pass through unchanged.
 */
export function toNocofloError(error: unknown, scope: ErrorScope): NocofloError {
  if (isNocofloError(error)) return error;
  const code = (error as { code?: unknown })?.code;
  const message = errorMessage(error);
  const table = scope.table ?? scope.url;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_CONSTRAINT')) {
      return NocofloError.create(Errors.ConstraintViolation, [table, message], { cause: error });
    }
    if (code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code === 'SQLITE_RANGE') {
      const column = /column\s+(?:[\w$]+\.)?([\w$]+)/i.exec(message)?.[1] ?? '(value)';
      return NocofloError.create(Errors.InvalidValue, [table, column, message], { cause: error });
    }
    if (code.startsWith('SQLITE_READONLY')) {
      return NocofloError.create(Errors.ReadOnly, [table, message], { cause: error });
    }
    if (CONNECTION_CODES.has(code.replace(/_[A-Z]+$/, '')) || CONNECTION_CODES.has(code)) {
      return connectionError(scope.url, error);
    }
  }
  if (error instanceof RangeError && /too big|too large/i.test(message)) {
    return NocofloError.create(Errors.InvalidValue, [table, '(value)', message], { cause: error });
  }
  return NocofloError.create(
    Errors.DatasourceError,
    [`${scope.operation}${scope.table ? ` on ${scope.table}` : ''}`, message],
    {
      cause: error,
    },
  );
}

/** `NCF_CONNECTION_FAILED` with a hint for the cause: missing file or folder, not a database, no permission. */
export function connectionError(url: string, error: unknown): NocofloError {
  const code = String((error as { code?: unknown })?.code ?? '');
  const message = errorMessage(error);
  let reason = message;
  let hint: string;
  if (/does not exist|no such file|unable to open|cannot open|CANTOPEN/i.test(`${code} ${message}`)) {
    reason = `the database file could not be opened (${message})`;
    hint =
      'Check the path (relative paths are resolved against the host root) and that its folder exists; add ?mode=rwc to the URL to create a new database.';
  } else if (code === 'SQLITE_NOTADB' || /not a database/i.test(message)) {
    reason = 'the file is not a SQLite database';
    hint = 'Point the URL at a SQLite database file (created by SQLite 3), not another kind of file.';
  } else if (code === 'SQLITE_CORRUPT') {
    reason = 'the database file is corrupt';
    hint = 'Restore the file from a backup, or try `sqlite3 file.db ".recover"`.';
  } else if (/EACCES|permission|readonly/i.test(`${code} ${message}`)) {
    hint =
      'Give the host process read (and write) permission on the file and its folder, or open it with ?mode=ro.';
  } else {
    hint = 'Check the URL and the file; see the cause in the host log.';
  }
  return NocofloError.create(Errors.ConnectionFailed, [url, reason, hint], { cause: error });
}
