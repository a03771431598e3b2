import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type DatasourceDefinition,
  type DatasourceOpenOptions,
  defineDatasource,
  Errors,
  NocofloError,
} from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { SqliteDatasource } from './datasource.js';
import { connectionError } from './errors.js';
import { parseSqliteUrl } from './url.js';

/** Options of {@link openSqlite}: the host's open options. */
export type SqliteOpenOptions = DatasourceOpenOptions;

/**
 * Opens a SQLite database. The file must exist unless the URL says `?mode=rwc`; files
 * opened for writing switch to WAL; foreign keys are enforced; read-only opens use
 * SQLite's read-only mode (or `query_only` for in-memory databases).
 *
 * @example
 * ```ts
 * import { openSqlite } from '@nocoflo/sqlite-datasource';
 * const ds = await openSqlite('sqlite:./chinook.db', { readOnly: true });
 * const page = await ds.readPage('Album', { limit: 20, sort: [{ column: 'Title', direction: 'asc' }] });
 * await ds.close();
 * ```
 */
export async function openSqlite(url: string, options: SqliteOpenOptions = {}): Promise<SqliteDatasource> {
  const location = parseSqliteUrl(url, options.cwd ?? process.cwd());
  const readOnly = options.readOnly === true || location.readOnly;
  if (!location.memory && !existsSync(location.filename) && (readOnly || !location.create)) {
    const folderExists = existsSync(dirname(location.filename));
    throw NocofloError.create(Errors.ConnectionFailed, [
      url,
      `the database file ${location.filename} does not exist`,
      folderExists && !readOnly
        ? 'Check the path (relative paths are resolved against the host root), or add ?mode=rwc to the URL to create a new, empty database.'
        : `Check the path: ${folderExists ? 'the file' : `the folder ${dirname(location.filename)}`} does not exist (relative paths are resolved against the host root).`,
    ]);
  }
  let db: Database.Database;
  try {
    db = new Database(location.filename, {
      readonly: readOnly && !location.memory,
      fileMustExist: !location.create,
      timeout: location.busyTimeoutMs,
    });
  } catch (error) {
    throw connectionError(url, error);
  }
  try {
    // Reading the schema proves the file is a database (SQLite opens lazily).
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    db.pragma(`foreign_keys = ${location.foreignKeys ? 'ON' : 'OFF'}`);
    if (readOnly && location.memory) db.pragma('query_only = ON');
    if (!readOnly && !location.memory && location.wal) db.pragma('journal_mode = WAL');
  } catch (error) {
    db.close();
    throw connectionError(url, error);
  }
  return new SqliteDatasource(db, url, !readOnly);
}

/** The datasource factory the plugin contributes: `sqlite:` and `sqlite3:` URLs. */
export const sqliteDatasource: DatasourceDefinition = defineDatasource({
  name: 'sqlite',
  schemes: ['sqlite', 'sqlite3'],
  description:
    'SQLite database files (better-sqlite3): sqlite:./file.db, sqlite:///abs/path.db, sqlite::memory:',
  open: (url: string, options: DatasourceOpenOptions) => openSqlite(url, options),
});
