/**
 * The metadata store: plugin state and config (what the lifecycle needs), applied plugin
 * migrations, per-table view preferences and API tokens. SQLite file by default,
 * PostgreSQL for several hosts.
 */
export { CONFIG_FILE_NAME, type ConfigFile, readConfigFile } from './config-file.js';
export { crashPoint } from './crash-point.js';
export { MemoryStore } from './memory-store.js';
export {
  type AppliedMigration,
  type ApplyMigrationOutcome,
  type ConfigChange,
  isMetadataStore,
  type MetadataDialect,
  type MetadataStore,
  type PendingMigration,
  type StoredApiToken,
} from './metadata.js';
export { defaultMetadataStorePath, type OpenMetadataStoreOptions, openMetadataStore } from './open.js';
export {
  type ExternalChange,
  PostgresMetadataStore,
  type PostgresStoreOptions,
  pluginNamespaceName,
  redactUrl,
} from './postgres-store.js';
export { SqliteMetadataStore } from './sqlite-store.js';
export {
  type ExternalChangeKind,
  type InstalledPackage,
  isPackageStore,
  isPluginDataStore,
  type PackageStore,
  type PermissionApproval,
  type PluginDataStore,
  type PluginIsolationChange,
  type PluginStateStore,
  type StoredPackage,
  type StoredPluginState,
  type StoredPluginTrust,
} from './types.js';
