/**
 * `@nocoflo/host`: the nocoflo plugin host, its web server and its operations tooling.
 *
 * - {@link createHost}: discover, validate, order and run plugins.
 * - {@link createServer}: the web app, data API and admin API over a host.
 * - {@link openMetadataStore}: where operator choices, config and migrations persist; each
 *   plugin's own data lives in a namespace of its own ({@link PluginNamespace}).
 * - {@link loadKeyring} / {@link rotateSecretKey}: the key that secret config fields are sealed with.
 *
 * @packageDocumentation
 */
export {
  type Access,
  type AccountStore,
  type ApiToken,
  type AuditEntry,
  type AuditFilter,
  type CreatedToken,
  type Grant,
  ROLES,
  type Role,
  type StoredSession,
  type User,
} from './accounts/index.js';
export { createHost } from './create-host.js';
export { type DiscoveredPlugin, discoverPlugins } from './discovery/discover-plugins.js';
export {
  type InstallOptions,
  type InstallSource,
  installPlugin,
  PACKAGE_MARKER,
  type PermissionApprover,
  type PermissionRequest,
  packageIntegrity,
  recoverInstalls,
  uninstallPlugin,
} from './install/index.js';
export type { InstallHost } from './install/install.js';
export {
  createHostLogger,
  type HostLogger,
  type HostLoggerOptions,
} from './logging/pino-logger.js';
export {
  type ApplyPluginMigrationsOptions,
  type ApplyPluginMigrationsResult,
  applyPluginMigrations,
} from './migrations/index.js';
export { pluginDataDir } from './namespaces/plugin-data-dir.js';
export type {
  NamespaceMigrateOutcome,
  NamespaceMigration,
  NamespaceOptions,
  PluginNamespace,
} from './namespaces/types.js';
export type { IsolationOptions, RestartClock, RestartOptions } from './runtime/isolation-options.js';
export {
  generateKeyText,
  keyringOf,
  type LoadKeyringOptions,
  loadKeyring,
  SECRET_KEY_FILE,
  type SecretKey,
  type SecretKeyring,
} from './secrets/keyring.js';
export type { ConfigIssue, PluginConfigView } from './secrets/plugin-configs.js';
export { type RotationResult, rotateSecretKey } from './secrets/rotate.js';
export { AdminClient, type PluginDetail, type PluginList } from './server/admin-api/client.js';
export { type AdminApiOptions, type AdminAudit, registerAdminApi } from './server/admin-api/index.js';
export type { DatasourceConnections, DatasourceEntry } from './server/connections.js';
export {
  type AuthRateLimit,
  createServer,
  DEFAULT_AUTH_RATE_LIMIT,
  type ResolveAdminTokenOptions,
  type ResolvedAdminToken,
  resolveAdminToken,
  type ServerContext,
  type ServerExtension,
  type ServerOptions,
  type ViewPreferences,
} from './server/index.js';
export { type PluginRoutesOptions, registerPluginRoutes } from './server/plugin-routes.js';
export {
  type AppliedMigration,
  CONFIG_FILE_NAME,
  type ConfigChange,
  type ConfigFile,
  defaultMetadataStorePath,
  isMetadataStore,
  MemoryStore,
  type MetadataStore,
  openMetadataStore,
  PostgresMetadataStore,
  pluginNamespaceName,
  readConfigFile,
  SqliteMetadataStore,
  type StoredApiToken,
} from './store/index.js';
export type { ApplyMigrationOutcome, MetadataDialect, PendingMigration } from './store/metadata.js';
export type { OpenMetadataStoreOptions } from './store/open.js';
export type { ExternalChange, PostgresStoreOptions } from './store/postgres-store.js';
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
} from './store/types.js';
export type {
  DatasourceRegistry,
  HostEvents,
  HostOptions,
  OpenDatasourceOptions,
  PluginHost,
  RegisteredDatasource,
  RegisteredManifest,
  RegisteredRoute,
  ResolvedView,
  RouteRegistry,
  SetIsolationOptions,
  ViewRegistry,
} from './types.js';
export { HOST_VERSION } from './version.js';
export { type PluginWatcher, type WatchOptions, watchPlugins } from './watch/index.js';
