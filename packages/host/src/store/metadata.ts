/**
 * The full metadata store of a nocoflo host: the plugin-state part the lifecycle relies on
 * ({@link PluginStateStore}) plus what operations need: plugin migration records, each
 * plugin's data namespace, per-table view preferences, API tokens, the config change log
 * and the store's settings.
 */
import type { AccountStore } from '../accounts/types.js';
import type { NamespaceMigration, PluginNamespace } from '../namespaces/types.js';
import type {
  PackageStore,
  PermissionApproval,
  PluginDataStore,
  PluginIsolationChange,
  PluginStateStore,
  StoredPluginTrust,
} from './types.js';

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
  /**
   * Where it ran: `plugin` (the plugin's own namespace) or `host` (the host's store, before
   * namespaces existed; its tables move to the plugin's namespace when the plugin next starts).
   */
  location: 'plugin' | 'host';
}

/** A migration about to be applied. */
export interface PendingMigration extends NamespaceMigration {
  /** sha256 of the file's bytes, hex. */
  checksum: string;
}

/** What {@link PluginDataStore.applyMigration} did. */
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

/** One recorded change of a plugin's config. */
export interface ConfigChange {
  /** Plugin name. */
  plugin: string;
  /** When (ISO 8601). */
  changedAt: string;
  /** Who: `admin-token`, `api-token:<name>`, `cli`, …. */
  actor: string;
  /** Dotted paths of the fields whose value changed (secret fields are named, never shown). */
  fields: string[];
}

/** The plugin-state store plus installed packages, migrations, namespaces, view preferences, API tokens and settings. */
export interface MetadataStore extends PluginStateStore, PackageStore, PluginDataStore {
  /** Where the store lives, for messages (a file path, or a URL without password). */
  readonly location: string;
  /** Every plugin's stored config, by plugin name. */
  readPluginConfigs(): Promise<Map<string, unknown>>;
  /** Every plugin's stored isolation choice and approved permissions, by name. */
  readPluginTrust(): Promise<Map<string, StoredPluginTrust>>;
  /** Stores a plugin's isolation level and heap limit; hosts sharing the store follow at once. */
  writePluginIsolation(name: string, change: PluginIsolationChange): Promise<void>;
  /** Stores the permissions an operator approved for a plugin (replacing an earlier approval). */
  writePermissionApproval(name: string, approval: Omit<PermissionApproval, 'at'>): Promise<void>;
  /** Forgets a plugin: its state, config and trust decisions (its migrations stay recorded, its namespace stays). */
  deletePlugin(name: string): Promise<void>;
  /**
   * Moves the objects that a plugin's migrations created in the host's store (before
   * namespaces existed; records with `location: 'host'`) into its namespace, keeping their
   * rows, and marks those records `plugin`. The objects are found by replaying the
   * migrations (whose checksums the caller has verified) in an empty scratch database.
   */
  adoptLegacyObjects(
    plugin: string,
    migrations: readonly PendingMigration[],
    namespace: PluginNamespace,
  ): Promise<string[]>;
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
  /** Records who changed a plugin's config. */
  recordConfigChange(change: ConfigChange): Promise<void>;
  /** A plugin's config changes, newest first (at most `limit`, default 50). */
  listConfigChanges(plugin: string, limit?: number): Promise<ConfigChange[]>;
  /** A store setting, or undefined. */
  readSetting(key: string): Promise<string | undefined>;
  /** Writes a store setting; with `onlyIfMissing`, keeps a value another host wrote first. Returns the value now stored. */
  writeSetting(key: string, value: string, options?: { onlyIfMissing?: boolean }): Promise<string>;
  /**
   * Replaces every stored plugin config in one transaction (`fn` maps name and config to
   * the new config): what key rotation re-encrypts secrets with. Nothing changes when `fn` throws.
   */
  rewritePluginConfigs(fn: (name: string, config: unknown) => unknown): Promise<number>;
  /** Users, sessions, grants, API tokens, per-user preferences and the audit trail. */
  accounts(): AccountStore;
}

/** Whether a store is a full {@link MetadataStore} (supports migrations, tokens, view preferences). */
export function isMetadataStore(store: PluginStateStore | undefined | null): store is MetadataStore {
  return (
    typeof store === 'object' &&
    store !== null &&
    typeof (store as Partial<MetadataStore>).applyMigration === 'function' &&
    typeof (store as Partial<MetadataStore>).insertApiToken === 'function'
  );
}
