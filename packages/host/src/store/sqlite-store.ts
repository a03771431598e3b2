/**
 * The default metadata store: one SQLite file in the app's data folder, readable by the
 * host's user only (0600). WAL journal with `synchronous=FULL`, and every change in a
 * transaction, so a process killed at any moment leaves the file readable, with each change
 * either fully there or not at all. Each plugin's data lives in a file of its own
 * (`<plugin dataDir>/data.sqlite`), never in this one.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Errors, errorMessage, NocofloError } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { replaySqliteMigrations, type SqliteObject } from '../namespaces/legacy-objects.js';
import { SqliteNamespace } from '../namespaces/sqlite-namespace.js';
import type { NamespaceOptions, PluginNamespace } from '../namespaces/types.js';
import { KyselyMetadataStore, type StoreTransaction } from './kysely-store.js';
import type { PendingMigration } from './metadata.js';
import { migrateHostStore } from './schema/migrate.js';
import type { HostTables } from './schema/tables.js';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Keeps the store file and its WAL companions readable by the host's user only. */
function restrictFiles(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/** A {@link MetadataStore} in a SQLite file (better-sqlite3). One host at a time writes it. */
export class SqliteMetadataStore extends KyselyMetadataStore {
  /** @inheritDoc */
  readonly dialect = 'sqlite' as const;
  readonly #raw: Database.Database;

  private constructor(path: string, raw: Database.Database, db: Kysely<HostTables>) {
    super(path, db, 'sqlite');
    this.#raw = raw;
  }

  /**
   * Opens (creating when missing) the store file and brings its schema up to date.
   *
   * @throws NocofloError `NCF_METADATA_STORE_FAILED` when the file cannot be opened, is not a
   * store, or was migrated by a newer nocoflo.
   */
  static async open(path: string): Promise<SqliteMetadataStore> {
    let raw: Database.Database | undefined;
    let db: Kysely<HostTables> | undefined;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      raw = new Database(path, { timeout: 5_000 });
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = FULL');
      raw.pragma('foreign_keys = ON');
      if (path !== ':memory:') restrictFiles(path);
      const version = raw.pragma('user_version', { simple: true }) as number;
      const hasKyselyTable = raw
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'host_migrations'")
        .get();
      if (version > 1 && !hasKyselyTable) {
        throw new Error(
          `it has schema version ${version} but no host_migrations table: it is not a nocoflo store`,
        );
      }
      db = new Kysely<HostTables>({ dialect: new SqliteDialect({ database: raw }) });
      await migrateHostStore(db, 'sqlite');
      return new SqliteMetadataStore(path, raw, db);
    } catch (error) {
      if (db) await db.destroy().catch(() => {});
      else raw?.close();
      throw NocofloError.create(Errors.MetadataStoreFailed, [path, 'open', errorMessage(error)], {
        cause: error,
      });
    }
  }

  /** @internal */
  protected async writeTransaction<T>(fn: (trx: StoreTransaction) => Promise<T>): Promise<T> {
    // IMMEDIATE takes the write lock up front, so a second process (the CLI) waits its turn
    // instead of failing on a lock upgrade.
    return this.db.connection().execute(async (connection) => {
      await sql`BEGIN IMMEDIATE`.execute(connection);
      try {
        const result = await fn(connection);
        await sql`COMMIT`.execute(connection);
        return result;
      } catch (error) {
        await sql`ROLLBACK`.execute(connection).catch(() => {});
        throw error;
      }
    });
  }

  /** @internal */
  protected withMigrationLock<T>(_plugin: string, fn: (conn: StoreTransaction) => Promise<T>): Promise<T> {
    // An IMMEDIATE transaction excludes every other writer of the file; the record commits with it.
    return this.writeTransaction(fn);
  }

  /** @inheritDoc */
  async openNamespace(plugin: string, options: NamespaceOptions): Promise<PluginNamespace> {
    const namespace = SqliteNamespace.open(plugin, options);
    try {
      await this.run('record namespace', () =>
        this.writeTransaction((trx) => this.recordNamespace(trx, plugin, 'sqlite-file', namespace.path)),
      );
    } catch (error) {
      await namespace.close();
      throw error;
    }
    return namespace;
  }

  /**
   * Copies the plugin's legacy objects (tables with their rows, indexes, views, triggers)
   * into its file in one transaction there, then drops them here and marks the records, in
   * one transaction here. A crash between the two repeats the copy (it replaces what a
   * previous attempt left) and finishes.
   */
  async adoptLegacyObjects(
    plugin: string,
    migrations: readonly PendingMigration[],
    namespace: PluginNamespace,
  ): Promise<string[]> {
    if (!(namespace instanceof SqliteNamespace))
      throw new Error('a SQLite store adopts into SQLite namespaces only');
    const replayed = replaySqliteMigrations(plugin, migrations);
    const present = new Map(
      (
        this.#raw
          .prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
          .all() as (SqliteObject & { sql: string | null })[]
      ).map((object) => [object.name, object]),
    );
    const objects = replayed
      .map((object) => present.get(object.name))
      .filter((object): object is SqliteObject & { sql: string | null } => object?.type !== undefined);
    if (objects.length > 0) {
      namespace.withConnection((target) => {
        target.prepare('ATTACH DATABASE ? AS legacy').run(this.location);
        try {
          target.transaction(() => {
            for (const object of [...objects].reverse()) {
              target.exec(`DROP ${object.type.toUpperCase()} IF EXISTS main.${quote(object.name)}`);
            }
            for (const object of objects.filter((o) => o.type === 'table')) {
              if (object.sql) target.exec(object.sql);
              target.exec(
                `INSERT INTO main.${quote(object.name)} SELECT * FROM legacy.${quote(object.name)}`,
              );
            }
            for (const object of objects.filter((o) => o.type !== 'table'))
              if (object.sql) target.exec(object.sql);
          })();
        } finally {
          target.exec('DETACH DATABASE legacy');
        }
      });
    }
    await this.run('adopt legacy tables', () =>
      this.writeTransaction(async (trx) => {
        for (const object of [...objects].reverse()) {
          if (object.type === 'index') continue; // dropped with its table
          await sql.raw(`DROP ${object.type.toUpperCase()} IF EXISTS ${quote(object.name)}`).execute(trx);
        }
        await this.markAdopted(trx, plugin);
      }),
    );
    return objects.map((object) => object.name);
  }

  /** @internal */
  protected async closeConnections(): Promise<void> {
    await this.db.destroy();
    if (this.#raw.open) this.#raw.close();
  }
}
