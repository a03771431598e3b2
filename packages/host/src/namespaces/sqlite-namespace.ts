/**
 * A plugin's namespace with the SQLite store: a database file of its own in its data folder
 * (`<dataDir>/data.sqlite`), opened by the host. The host's metadata file is never opened by
 * plugin SQL: `ATTACH` and the like are refused before they run (see `sql-guard.ts`), and
 * the file's `user_version` is the mark of the last migration that committed in it.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  Errors,
  errorMessage,
  NocofloError,
  type PluginQueryResult,
  type PluginStatement,
  type SqlValue,
} from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { crashPoint } from '../store/crash-point.js';
import { checkPluginSql } from './sql-guard.js';
import {
  migrationNumber,
  type NamespaceMigrateOutcome,
  type NamespaceMigration,
  type NamespaceOptions,
  type PluginNamespace,
} from './types.js';

/** The file name of a plugin's SQLite namespace inside its data folder. */
export const SQLITE_NAMESPACE_FILE = 'data.sqlite';

/** Where a plugin's SQLite namespace lives, given its data folder. */
export function sqliteNamespacePath(dataDir: string): string {
  return join(dataDir, SQLITE_NAMESPACE_FILE);
}

/** better-sqlite3 binds neither booleans nor dates: plain equivalents. */
function bindable(value: SqlValue): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value);
  return value;
}

/** Copies rows out of driver objects into plain ones (Buffers become Uint8Arrays). */
function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    out[key] = Buffer.isBuffer(value) ? new Uint8Array(value) : value;
  }
  return out;
}

/** A plugin's SQLite file. */
export class SqliteNamespace implements PluginNamespace {
  readonly dialect = 'sqlite' as const;
  readonly plugin: string;
  readonly location: string;
  readonly path: string;
  #db: Database.Database | undefined;

  private constructor(plugin: string, path: string, db: Database.Database) {
    this.plugin = plugin;
    this.path = path;
    this.location = `file ${path}`;
    this.#db = db;
  }

  /**
   * Opens (creating when missing) the plugin's file; `:memory:` as `dataDir` gives a
   * namespace that lives as long as the host (the in-memory store's).
   *
   * @throws NocofloError `NCF_NAMESPACE_FAILED` when the file cannot be opened.
   */
  static open(plugin: string, options: NamespaceOptions | { memory: true }): SqliteNamespace {
    const path = 'memory' in options ? ':memory:' : sqliteNamespacePath(options.dataDir);
    try {
      if (!('memory' in options)) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
      const db = new Database(path, { timeout: 5_000 });
      if (path !== ':memory:') {
        db.pragma('journal_mode = WAL');
        chmodSync(path, 0o600);
      }
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      // Plugin SQL may not open other files; trusted_schema off keeps a tampered schema
      // (views, triggers) from calling risky functions.
      db.pragma('trusted_schema = OFF');
      return new SqliteNamespace(plugin, path, db);
    } catch (error) {
      throw NocofloError.create(
        Errors.NamespaceFailed,
        [plugin, `file ${path}`, 'open', errorMessage(error)],
        {
          cause: error,
        },
      );
    }
  }

  #open(operation: string): Database.Database {
    if (!this.#db) {
      throw NocofloError.create(Errors.NamespaceFailed, [
        this.plugin,
        this.location,
        operation,
        'it is closed',
      ]);
    }
    return this.#db;
  }

  #fail(where: string, error: unknown): NocofloError {
    if (error instanceof NocofloError) return error;
    return NocofloError.create(Errors.DatasourceError, [`${this.plugin}'s ${where}`, errorMessage(error)], {
      cause: error,
    });
  }

  #run(db: Database.Database, sql: string, params: readonly SqlValue[] | undefined): PluginQueryResult {
    checkPluginSql(sql, 'sqlite', this.plugin, 'ctx.database');
    const statement = db.prepare(sql);
    const values = (params ?? []).map(bindable);
    if (statement.reader) {
      const rows = (statement.all(...values) as Record<string, unknown>[]).map(plainRow);
      // A write with RETURNING reads too: one row per row it changed, as PostgreSQL counts.
      const write = /^\s*(WITH\b[\s\S]*\b)?(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql);
      return { rows, rowCount: write ? rows.length : 0 };
    }
    const info = statement.run(...values);
    return { rows: [], rowCount: info.changes };
  }

  async query(sql: string, params?: readonly SqlValue[]): Promise<PluginQueryResult> {
    const db = this.#open('query');
    try {
      return this.#run(db, sql, params);
    } catch (error) {
      throw this.#fail('query', error);
    }
  }

  async transaction(statements: readonly PluginStatement[]): Promise<PluginQueryResult[]> {
    const db = this.#open('run a transaction');
    try {
      return db.transaction(() => statements.map((s) => this.#run(db, s.sql, s.params)))();
    } catch (error) {
      throw this.#fail('transaction', error);
    }
  }

  async migrate(migration: NamespaceMigration): Promise<NamespaceMigrateOutcome> {
    const db = this.#open('migrate');
    checkPluginSql(migration.sql, 'sqlite', this.plugin, migration.file);
    const number = migrationNumber(migration.id);
    const apply = db.transaction((): NamespaceMigrateOutcome => {
      if ((db.pragma('user_version', { simple: true }) as number) >= number) return 'already-applied';
      db.exec(migration.sql);
      db.pragma(`user_version = ${number}`);
      crashPoint('namespace-migration:before-commit');
      return 'applied';
    });
    return apply.immediate();
  }

  /** Runs `fn` with the file's connection, for the host's own work on it (moving legacy tables in). */
  withConnection<T>(fn: (db: Database.Database) => T): T {
    return fn(this.#open('adopt legacy tables'));
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    db?.close();
  }
}
