/**
 * The nocoflo web server: UI, data API, view assets, and the registration point for the
 * admin API and plugin routes.
 */
export {
  ADMIN_TOKEN_FILE,
  type ResolveAdminTokenOptions,
  type ResolvedAdminToken,
  resolveAdminToken,
} from './admin-token.js';
export { DatasourceConnections, type DatasourceEntry, datasourceId } from './connections.js';
export { createServer } from './create-server.js';
export { type AuthRateLimit, DEFAULT_AUTH_RATE_LIMIT } from './plugins/rate-limit.js';
export { MemoryViewPreferences, preferenceKey } from './preferences.js';
export type { ServerContext, ServerExtension, ServerOptions, ViewPreferences } from './types.js';
