/**
 * REGISTRATION POINT for server parts owned outside the server core (see
 * .helpers/SERVER-CONTRACT.md). `createServer` registers every extension listed here,
 * after the core routes, on every server it builds.
 *
 * Listed: the admin API (`./admin-api/`) and plugin routes (`./plugin-routes.ts`), both
 * owned by the operations side; each is a `ServerExtension` and finds the metadata store
 * in the context.
 */
import { adminApiExtension } from './admin-api/index.js';
import { pluginRoutesExtension } from './plugin-routes.js';
import type { ServerExtension } from './types.js';

/** Extensions every server gets. */
export const builtInExtensions: readonly ServerExtension[] = [adminApiExtension(), pluginRoutesExtension()];
