/**
 * The HTTP server: web app, data API, view assets, and the registered extensions (admin
 * API, plugin routes). It does not listen; the caller does.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { adminTokenCheck } from './auth.js';
import { DatasourceConnections } from './connections.js';
import { installErrorHandlers } from './errors.js';
import { builtInExtensions } from './extensions.js';
import { toJson } from './json.js';
import { crossSitePlugin } from './plugins/cross-site.js';
import { MemoryViewPreferences } from './preferences.js';
import { registerAssetRoutes } from './routes/assets.js';
import { registerDataApi } from './routes/data-api.js';
import { registerPages } from './routes/pages.js';
import type { ServerContext, ServerOptions } from './types.js';

/**
 * Builds the server for a started host.
 *
 * @example
 * ```ts
 * import { createHost, createServer } from '@nocoflo/host';
 *
 * const host = await createHost({ root: process.cwd() });
 * await host.start();
 * const app = await createServer({ host, datasources: ['sqlite:./shop.db'], adminToken: 'secret' });
 * await app.listen({ port: 3000 });
 * ```
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const { host } = options;
  const app = Fastify({
    logger: options.logRequests ?? false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    bodyLimit: 10 * 1024 * 1024,
  });
  app.setReplySerializer((payload) => toJson(payload));
  installErrorHandlers(app, host);
  // First: a request for a name the operator did not allow, or a cross-site write, reaches nothing.
  await app.register(crossSitePlugin, { allowedHosts: options.allowedHosts });

  const connections = new DatasourceConnections(host, options.datasources);
  const preferences = options.preferences ?? options.store ?? new MemoryViewPreferences();
  const ctx: ServerContext = {
    host,
    adminToken: options.adminToken,
    connections,
    requireAdmin: adminTokenCheck(options.adminToken),
    ...(options.store ? { store: options.store } : {}),
  };

  registerAssetRoutes(app, host);
  registerDataApi(app, host, connections);
  registerPages(app, host, connections, preferences);
  for (const extension of [...builtInExtensions, ...(options.extensions ?? [])]) await extension(app, ctx);

  app.addHook('onClose', async () => {
    await connections.closeAll();
  });
  return app;
}
