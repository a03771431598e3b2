/**
 * The full metadata store of a nocoflo host: the plugin-state part the lifecycle relies on
 * ({@link PluginStateStore}) plus what operations need: applied plugin migrations, per-table
 * view preferences and API tokens with permission sets.
 */
import type { PluginStateStore } from './types.js';

/** The SQL dialect of a metadata store; plugin migrations may ship one file per dialect. */
export type MetadataDialect = 'sqlite' | 'postgres';

/** One plugin migration recorded as applied. */
export interface AppliedMigration {
  /** Plugin name. */
  plugin: string;
  /** Migration id: the file name without dialect suffix and `.sql`, e.g. `0001_create_audit`. */
  id: string;
  /** File the SQL came from, relative to the plugin folder. */
  file: string;
  /** sha256 of the applied file's bytes, hex. */
  checksum: string;
  /** When it was applied (ISO 8601). */
  appliedAt: string;
}

/** A migration about to be applied. */
export interface PendingMigration {
  /** Migration id (see {@link AppliedMigration.id}). */
  id: string;
  /** File the SQL comes from, relative to the plugin folder. */
  file: string;
  /** sha256 of the file's bytes, hex. */
  checksum: string;
  /** The SQL to run. */
  sql: string;
}

/** What {@link MetadataStore.applyMigration} did. */
export type ApplyMigrationOutcome = 'applied' | 'already-applied';

/** An API token as stored: the secret itself is never stored, only its sha256. */
export interface StoredApiToken {
  /** Stable id, used to revoke it. */
  id: string;
  /** Label chosen by the operator. */
  name: string;
  /** Permission keys it grants; `*` grants every permission. */
  permissions: string[];
  /** When it was created (ISO 8601). */
  createdAt: string;
}

/** The plugin-state store plus migrations, view preferences and API tokens. */
export interface MetadataStore extends PluginStateStore {
  /** The SQL dialect, which picks `.sqlite.sql` / `.postgres.sql` migration variants. */
  readonly dialect: MetadataDialect;
  /** Where the store lives, for messages (a file path, or a URL without password). */
  readonly location: string;
  /** Every plugin's stored config, by plugin name. */
  readPluginConfigs(): Promise<Map<string, unknown>>;
  /** Forgets a plugin: its state and config (its migrations stay recorded). */
  deletePlugin(name: string): Promise<void>;
  /** Migrations recorded as applied for a plugin, in id order. */
  appliedMigrations(plugin: string): Promise<AppliedMigration[]>;
  /**
   * Runs a migration's SQL and records it, in one transaction: either both happen or
   * neither. A migration another process applied meanwhile is not run twice.
   */
  applyMigration(plugin: string, migration: PendingMigration): Promise<ApplyMigrationOutcome>;
  /** The view chosen for a table (key: datasource URL and table), or undefined. */
  readViewPreference(key: string): Promise<string | undefined>;
  /** Stores the view chosen for a table; `undefined` forgets it. */
  writeViewPreference(key: string, view: string | undefined): Promise<void>;
  /** Every stored view preference, key → view name. */
  listViewPreferences(): Promise<Map<string, string>>;
  /** Stores an API token (by the sha256 of its secret). */
  insertApiToken(token: StoredApiToken, secretHash: string): Promise<void>;
  /** The token whose secret hashes to `secretHash`, or undefined. */
  findApiToken(secretHash: string): Promise<StoredApiToken | undefined>;
  /** Every stored API token (without secrets). */
  listApiTokens(): Promise<StoredApiToken[]>;
  /** Revokes a token; returns whether it existed. */
  deleteApiToken(id: string): Promise<boolean>;
}

/** Whether a store is a full {@link MetadataStore} (supports migrations, tokens, view preferences). */
export function isMetadataStore(store: PluginStateStore | undefined | null): store is MetadataStore {
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof (store as Partial<MetadataStore>).applyMigration === 'function' &&
    typeof (store as Partial<MetadataStore>).appliedMigrations === 'function'
  );
}
