/**
 * `@nocoflo/sqlite-datasource`: SQLite databases as nocoflo datasources, through
 * better-sqlite3. Opens `sqlite:` and `sqlite3:` URLs.
 *
 * @packageDocumentation
 */
import { definePlugin } from '@nocoflo/sdk';
import { sqliteDatasource } from './definition.js';

export { SqliteDatasource } from './datasource.js';
export { openSqlite, type SqliteOpenOptions, sqliteDatasource } from './definition.js';
export { normaliseSqliteType } from './types.js';
export { parseSqliteUrl, type SqliteLocation } from './url.js';

/** The plugin: contributes the `sqlite` datasource for `sqlite:` and `sqlite3:` URLs. */
export default definePlugin({ datasources: [sqliteDatasource] });
