/**
 * Finding what a plugin's migrations created, for moving the tables that releases before
 * namespaces left in the host's store: the migrations are replayed in an empty scratch
 * database and whatever they leave there is theirs. Host tables are never taken, whatever
 * a migration did.
 */
import Database from 'better-sqlite3';
import { HOST_TABLE_NAMES } from '../store/schema/tables.js';
import { checkPluginSql } from './sql-guard.js';
import type { NamespaceMigration } from './types.js';

/** One SQLite schema object a plugin's migrations create. */
export interface SqliteObject {
  type: 'table' | 'index' | 'view' | 'trigger';
  name: string;
}

/** The objects the migrations leave in an empty SQLite database, in creation order. */
export function replaySqliteMigrations(
  plugin: string,
  migrations: readonly NamespaceMigration[],
): SqliteObject[] {
  const scratch = new Database(':memory:');
  try {
    for (const migration of migrations) {
      checkPluginSql(migration.sql, 'sqlite', plugin, migration.file);
      scratch.exec(migration.sql);
    }
    return (
      scratch
        .prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid")
        .all() as SqliteObject[]
    ).filter((object) => !HOST_TABLE_NAMES.includes(object.name));
  } finally {
    scratch.close();
  }
}
