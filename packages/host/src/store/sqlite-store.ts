/**
 * The default metadata store: one SQLite file in the app's data folder. WAL journal with
 * `synchronous=FULL`, and every change in a transaction, so a process killed at any moment
 * leaves the file readable, with each change either fully there or not at all.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Errors, errorMessage, NocofloError } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { crashPoint } from './crash-point.js';
import type {
  AppliedMigration,
  ApplyMigrationOutcome,
  MetadataStore,
  PendingMigration,
  StoredApiToken,
} from './metadata.js';
import type { StoredPluginState } from './types.js';

/** Schema changes of the store itself, applied in order; `PRAGMA user_version` counts them. */
const SCHEMA: readonly string[] = [
  `CREATE TABLE plugin_state (
     name TEXT PRIMARY KEY,
     version TEXT NOT NULL,
     enabled INTEGER NOT NULL,
     first_seen_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE plugin_config (
     name TEXT PRIMARY KEY,
     config TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE plugin_migrations (
     plugin TEXT NOT NULL,
     id TEXT NOT NULL,
     file TEXT NOT NULL,
     checksum TEXT NOT NULL,
     applied_at TEXT NOT NULL,
     PRIMARY KEY (plugin, id)
   );
   CREATE TABLE view_preferences (
     key TEXT PRIMARY KEY,
     view TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     secret_hash TEXT NOT NULL UNIQUE,
     permissions TEXT NOT NULL,
     created_at TEXT NOT NULL
   );`,
];

interface StateRow {
  name: string;
  version: string;
  enabled: number;
  first_seen_at: string;
  updated_at: string;
}

interface TokenRow {
  id: string;
  name: string;
  permissions: string;
  created_at: string;
}

const toToken = (row: TokenRow): StoredApiToken => ({
  id: row.id,
  name: row.name,
  permissions: JSON.parse(row.permissions) as string[],
  createdAt: row.created_at,
});

/** A {@link MetadataStore} in a SQLite file (better-sqlite3). One host at a time writes it. */
export class SqliteMetadataStore implements MetadataStore {
  /** @inheritDoc */
  readonly dialect = 'sqlite' as const;
  /** @inheritDoc */
  readonly location: string;
  readonly #db: Database.Database;
  #closed = false;

  private constructor(path: string, db: Database.Database) {
    this.location = path;
    this.#db = db;
  }

  /**
   * Opens (creating when missing) the store file and brings its schema up to date.
   *
   * @throws NocofloError `NCF_METADATA_STORE_FAILED` when the file cannot be opened or is not a store.
   */
  static open(path: string): SqliteMetadataStore {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const opened = new Database(path, { timeout: 5_000 });
      db = opened;
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA.length) {
        throw new Error(
          `it was written by a newer nocoflo (schema ${version}, this one knows ${SCHEMA.length})`,
        );
      }
      const upgrade = db.transaction(() => {
        for (let step = version; step < SCHEMA.length; step++) opened.exec(SCHEMA[step] as string);
        opened.pragma(`user_version = ${SCHEMA.length}`);
      });
      upgrade.immediate();
      return new SqliteMetadataStore(path, db);
    } catch (error) {
      db?.close();
      throw NocofloError.create(Errors.MetadataStoreFailed, [path, 'open', errorMessage(error)], {
        cause: error,
      });
    }
  }

  #run<T>(operation: string, fn: () => T): T {
    if (this.#closed) {
      throw NocofloError.create(Errors.MetadataStoreFailed, [
        this.location,
        operation,
        'the store is closed',
      ]);
    }
    try {
      return fn();
    } catch (error) {
      if (error instanceof NocofloError) throw error;
      throw NocofloError.create(Errors.MetadataStoreFailed, [this.location, operation, errorMessage(error)], {
        cause: error,
      });
    }
  }

  /** @inheritDoc */
  async readPluginStates(): Promise<Map<string, StoredPluginState>> {
    return this.#run('read plugin states', () => {
      const rows = this.#db.prepare('SELECT * FROM plugin_state ORDER BY name').all() as StateRow[];
      return new Map(
        rows.map((row) => [
          row.name,
          {
            name: row.name,
            version: row.version,
            enabled: row.enabled === 1,
            firstSeenAt: row.first_seen_at,
            updatedAt: row.updated_at,
          },
        ]),
      );
    });
  }

  /** @inheritDoc */
  async writePluginState(name: string, version: string, enabled: boolean): Promise<void> {
    this.#run('write plugin state', () => {
      const now = new Date().toISOString();
      this.#db
        .prepare(
          `INSERT INTO plugin_state (name, version, enabled, first_seen_at, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET version = excluded.version, enabled = excluded.enabled,
             updated_at = excluded.updated_at
           WHERE plugin_state.version IS NOT excluded.version OR plugin_state.enabled IS NOT excluded.enabled`,
        )
        .run(name, version, enabled ? 1 : 0, now, now);
    });
  }

  /** @inheritDoc */
  async readPluginConfig(name: string): Promise<unknown> {
    return this.#run('read plugin config', () => {
      const row = this.#db.prepare('SELECT config FROM plugin_config WHERE name = ?').get(name) as
        | { config: string }
        | undefined;
      return row === undefined ? undefined : JSON.parse(row.config);
    });
  }

  /** @inheritDoc */
  async readPluginConfigs(): Promise<Map<string, unknown>> {
    return this.#run('read plugin configs', () => {
      const rows = this.#db.prepare('SELECT name, config FROM plugin_config ORDER BY name').all() as {
        name: string;
        config: string;
      }[];
      return new Map(rows.map((row) => [row.name, JSON.parse(row.config) as unknown]));
    });
  }

  /** @inheritDoc */
  async writePluginConfig(name: string, config: unknown): Promise<void> {
    this.#run('write plugin config', () => {
      if (config === undefined) {
        this.#db.prepare('DELETE FROM plugin_config WHERE name = ?').run(name);
        return;
      }
      this.#db
        .prepare(
          `INSERT INTO plugin_config (name, config, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`,
        )
        .run(name, JSON.stringify(config), new Date().toISOString());
    });
  }

  /** @inheritDoc */
  async deletePlugin(name: string): Promise<void> {
    this.#run('forget plugin', () => {
      this.#db.transaction(() => {
        this.#db.prepare('DELETE FROM plugin_state WHERE name = ?').run(name);
        this.#db.prepare('DELETE FROM plugin_config WHERE name = ?').run(name);
      })();
    });
  }

  /** @inheritDoc */
  async appliedMigrations(plugin: string): Promise<AppliedMigration[]> {
    return this.#run('read applied migrations', () => {
      const rows = this.#db
        .prepare(
          'SELECT plugin, id, file, checksum, applied_at FROM plugin_migrations WHERE plugin = ? ORDER BY id',
        )
        .all(plugin) as { plugin: string; id: string; file: string; checksum: string; applied_at: string }[];
      return rows.map((row) => ({
        plugin: row.plugin,
        id: row.id,
        file: row.file,
        checksum: row.checksum,
        appliedAt: row.applied_at,
      }));
    });
  }

  /**
   * Runs the migration and records it in one IMMEDIATE transaction (which also keeps two
   * processes from applying it twice). The SQL must not contain BEGIN/COMMIT itself.
   * Throws the database error as is; the migration runner wraps it.
   */
  async applyMigration(plugin: string, migration: PendingMigration): Promise<ApplyMigrationOutcome> {
    if (this.#closed) {
      throw NocofloError.create(Errors.MetadataStoreFailed, [
        this.location,
        'apply migration',
        'the store is closed',
      ]);
    }
    const apply = this.#db.transaction((): ApplyMigrationOutcome => {
      const existing = this.#db
        .prepare('SELECT checksum FROM plugin_migrations WHERE plugin = ? AND id = ?')
        .get(plugin, migration.id);
      if (existing !== undefined) return 'already-applied';
      this.#db.exec(migration.sql);
      crashPoint('migration:before-commit');
      this.#db
        .prepare(
          'INSERT INTO plugin_migrations (plugin, id, file, checksum, applied_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(plugin, migration.id, migration.file, migration.checksum, new Date().toISOString());
      return 'applied';
    });
    return apply.immediate();
  }

  /** @inheritDoc */
  async readViewPreference(key: string): Promise<string | undefined> {
    return this.#run('read view preference', () => {
      const row = this.#db.prepare('SELECT view FROM view_preferences WHERE key = ?').get(key) as
        | { view: string }
        | undefined;
      return row?.view;
    });
  }

  /** @inheritDoc */
  async writeViewPreference(key: string, view: string | undefined): Promise<void> {
    this.#run('write view preference', () => {
      if (view === undefined) {
        this.#db.prepare('DELETE FROM view_preferences WHERE key = ?').run(key);
        return;
      }
      this.#db
        .prepare(
          `INSERT INTO view_preferences (key, view, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET view = excluded.view, updated_at = excluded.updated_at`,
        )
        .run(key, view, new Date().toISOString());
    });
  }

  /** @inheritDoc */
  async listViewPreferences(): Promise<Map<string, string>> {
    return this.#run('read view preferences', () => {
      const rows = this.#db.prepare('SELECT key, view FROM view_preferences ORDER BY key').all() as {
        key: string;
        view: string;
      }[];
      return new Map(rows.map((row) => [row.key, row.view]));
    });
  }

  /** @inheritDoc */
  async insertApiToken(token: StoredApiToken, secretHash: string): Promise<void> {
    this.#run('store API token', () => {
      this.#db
        .prepare(
          'INSERT INTO api_tokens (id, name, secret_hash, permissions, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(token.id, token.name, secretHash, JSON.stringify(token.permissions), token.createdAt);
    });
  }

  /** @inheritDoc */
  async findApiToken(secretHash: string): Promise<StoredApiToken | undefined> {
    return this.#run('read API token', () => {
      const row = this.#db
        .prepare('SELECT id, name, permissions, created_at FROM api_tokens WHERE secret_hash = ?')
        .get(secretHash) as TokenRow | undefined;
      return row === undefined ? undefined : toToken(row);
    });
  }

  /** @inheritDoc */
  async listApiTokens(): Promise<StoredApiToken[]> {
    return this.#run('read API tokens', () =>
      (
        this.#db
          .prepare('SELECT id, name, permissions, created_at FROM api_tokens ORDER BY created_at, id')
          .all() as TokenRow[]
      ).map(toToken),
    );
  }

  /** @inheritDoc */
  async deleteApiToken(id: string): Promise<boolean> {
    return this.#run(
      'revoke API token',
      () => this.#db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0,
    );
  }

  /** Closes the file (checkpointing the WAL). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
