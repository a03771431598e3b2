/**
 * Brings a host store's schema up to date with Kysely's `Migrator`: the same steps on
 * SQLite and PostgreSQL, each recorded in `host_migrations`, all in one transaction, under
 * the migrator's lock (an advisory lock on PostgreSQL, so hosts starting together migrate once).
 */
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { MetadataDialect } from '../metadata.js';
import { columnTypes } from './codec.js';
import { HOST_MIGRATIONS } from './migrations/index.js';
import type { HostTables } from './tables.js';

/** The table the migrator records host migrations in (and its lock table). */
export const HOST_MIGRATION_TABLE = 'host_migrations';

/** Options of {@link migrateHostStore}. */
export interface MigrateHostStoreOptions {
  /** PostgreSQL schema holding the store. */
  schema?: string;
}

/**
 * Applies the host migrations this version knows and the store lacks.
 *
 * @throws Error when the store was migrated by a newer host (it records a step this version
 * does not know), or a step fails (nothing of the run is kept).
 */
export async function migrateHostStore(
  db: Kysely<HostTables>,
  dialect: MetadataDialect,
  options: MigrateHostStoreOptions = {},
): Promise<string[]> {
  const context = { dialect, types: columnTypes(dialect) };
  const migrations: Record<string, Migration> = Object.fromEntries(
    Object.entries(HOST_MIGRATIONS).map(([name, step]) => [
      name,
      { up: (trx) => step.up(options.schema ? trx.withSchema(options.schema) : trx, context) },
    ]),
  );
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: HOST_MIGRATION_TABLE,
    migrationLockTableName: `${HOST_MIGRATION_TABLE}_lock`,
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const message = error instanceof Error ? error.message : String(error);
    const missing = /previously executed migration (\S+) is missing/.exec(message);
    if (missing) {
      throw new Error(
        `it was migrated by a newer nocoflo (store migration ${missing[1]} is unknown to this version); run that version, or restore a backup made before the upgrade`,
      );
    }
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(failed ? `store migration ${failed.migrationName} failed: ${message}` : message, {
      cause: error,
    });
  }
  if (dialect === 'sqlite') {
    // Releases before Kysely read user_version and refuse a store newer than they know.
    await sql.raw(`PRAGMA user_version = ${Object.keys(HOST_MIGRATIONS).length}`).execute(db);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
