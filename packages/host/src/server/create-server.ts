/**
 * The HTTP server: web app, data API, view assets, accounts, and the registered extensions
 * (admin API, plugin routes). It does not listen; the caller does.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AccountStore } from '../accounts/types.js';
import type { MetadataStore } from '../store/metadata.js';
import { SqliteMetadataStore } from '../store/sqlite-store.js';
import { registerAuthThrottle } from './auth-throttle.js';
import { DatasourceConnections } from './connections.js';
import { installErrorHandlers } from './errors.js';
import { builtInExtensions } from './extensions.js';
import { toJson } from './json.js';
import { authPlugin } from './plugins/auth.js';
import { crossSitePlugin } from './plugins/cross-site.js';
import { MemoryViewPreferences } from './preferences.js';
import { registerAccountRoutes } from './routes/accounts.js';
import { registerAssetRoutes } from './routes/assets.js';
import { registerAuditRoutes } from './routes/audit.js';
import { registerDataApi } from './routes/data-api.js';
import { registerExportRoute } from './routes/export.js';
import { registerPages } from './routes/pages.js';
import { RowWrites } from './row-writes.js';
import type { ServerContext, ServerOptions } from './types.js';

/** Store setting holding the secret sessions are signed with (shared by hosts on one store). */
const SESSION_SECRET_SETTING = 'session_secret';

/** The account store: the metadata store's, else one in memory for this server's lifetime. */
async function openAccounts(
  store: MetadataStore | undefined,
): Promise<{ accounts: AccountStore; sessionSecret: string; close?: () => Promise<void> }> {
  if (store) {
    const sessionSecret = await store.writeSetting(
      SESSION_SECRET_SETTING,
      randomBytes(32).toString('base64url'),
      {
        onlyIfMissing: true,
      },
    );
    return { accounts: store.accounts(), sessionSecret };
  }
  const memory = await SqliteMetadataStore.open(':memory:');
  return {
    accounts: memory.accounts(),
    sessionSecret: randomBytes(32).toString('base64url'),
    close: () => memory.close(),
  };
}

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
  const connections = new DatasourceConnections(host, options.datasources);
  installErrorHandlers(app, host, (text) => connections.scrub(text));
  // First: a request for a name the operator did not allow, or a cross-site write, reaches nothing.
  await app.register(crossSitePlugin, { allowedHosts: options.allowedHosts });
  // Before any route: every route registered afterwards, in every scope, is throttled.
  await registerAuthThrottle(app, {
    adminToken: options.adminToken,
    store: options.store,
    logger: host.logger,
    limit: options.authRateLimit,
  });

  const { accounts, sessionSecret, close } = await openAccounts(options.store);
  await app.register(authPlugin, {
    adminToken: options.adminToken,
    accounts,
    sessionSecret,
    anonymousRole: options.readOnly ? 'viewer' : undefined,
    readOnly: options.readOnly,
    autoSignIn: options.autoSignIn,
  });

  const preferences = options.preferences ?? options.store ?? new MemoryViewPreferences();
  const ctx: ServerContext = {
    host,
    adminToken: options.adminToken,
    connections,
    accounts,
    ...(options.store ? { store: options.store } : {}),
  };

  registerAssetRoutes(app, host);
  registerAccountRoutes(app, { accounts, connections, setupToken: options.setupToken });
  // Read-only: no write route exists at all (not even for admins), so nothing can write data.
  const writes = options.readOnly ? undefined : new RowWrites(connections, accounts);
  await registerDataApi(app, host, connections, writes);
  registerExportRoute(app, connections);
  registerAuditRoutes(app, accounts, writes);
  registerPages(app, host, connections, preferences, accounts);
  for (const extension of [...builtInExtensions, ...(options.extensions ?? [])]) await extension(app, ctx);

  app.addHook('onClose', async () => {
    await connections.closeAll();
    await close?.();
  });
  return app;
}
