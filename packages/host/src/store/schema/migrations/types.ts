import type { Kysely } from 'kysely';
import type { MetadataDialect } from '../../metadata.js';
import type { ColumnTypes } from '../codec.js';

/** What a host migration gets besides the database: the dialect and its column types. */
export interface HostMigrationContext {
  /** `sqlite` or `postgres`. */
  dialect: MetadataDialect;
  /** Column types for booleans, times and JSON in this dialect. */
  types: ColumnTypes;
}

/**
 * One step of the host store's schema, written once for both dialects with Kysely's schema
 * builder. Steps only move forward: a store is never migrated down (an older host refuses a
 * store that a newer one migrated).
 */
export interface HostMigration {
  /** Applies the step, inside the migrator's transaction. */
  // biome-ignore lint/suspicious/noExplicitAny: migrations see the schema as it was at their step, not today's types
  up(db: Kysely<any>, context: HostMigrationContext): Promise<void>;
}
