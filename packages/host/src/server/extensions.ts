/**
 * REGISTRATION POINT for server parts owned outside the server core (see
 * .helpers/SERVER-CONTRACT.md). `createServer` registers every extension listed here,
 * after the core routes, on every server it builds.
 *
 * The operations helper replaces `minimalAdminApi` with the full admin API
 * (`registerAdminApi` from './admin-api/index.js') and adds plugin routes
 * (`registerPluginRoutes` from './plugin-routes.js'). Both are `ServerExtension`s.
 */
import { adminApiExtension } from './admin-api/index.js';
import { pluginRoutesExtension } from './plugin-routes.js';
import type { ServerExtension } from './types.js';

/** Extensions every server gets. */
export const builtInExtensions: readonly ServerExtension[] = [adminApiExtension(), pluginRoutesExtension()];
