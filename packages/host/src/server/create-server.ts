/**
 * The HTTP server, built from Fastify plugins: the error handler, cross-site checks, rate
 * limit and auth (shared with `fastify-plugin`: their hooks and decorators apply to every
 * route), then each part in its own encapsulated plugin: assets, accounts, the data API,
 * audit, pages, and the registered extensions (admin API, plugin routes). Route schemas are
 * zod schemas, validated through `fastify-type-provider-zod` (set on the root, so every
 * part inherits it). It does not listen; the caller does.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { scheduleAuditRetention } from '../accounts/audit-retention.js';
import type { AccountStore } from '../accounts/types.js';
import { createPinoLogger, isHostLogger } from '../logging/pino-logger.js';
import type { MetadataStore } from '../store/metadata.js';
import { SqliteMetadataStore } from '../store/sqlite-store.js';
import { invalidating, TokenActorCache } from './access/token-cache.js';
import { DatasourceConnections } from './connections.js';
import { errorHandlerPlugin } from './errors.js';
import { builtInExtensions } from './extensions.js';
import { toJson } from './json.js';
import { authPlugin } from './plugins/auth.js';
import { crossSitePlugin } from './plugins/cross-site.js';
import { rateLimitPlugin } from './plugins/rate-limit.js';
import { MemoryViewPreferences } from './preferences.js';
import { accountRoutes } from './routes/accounts.js';
import { assetRoutes } from './routes/assets.js';
import { auditRoutes } from './routes/audit.js';
import { dataApiRoutes } from './routes/data-api.js';
import { exportRoutes } from './routes/export.js';
import { pageRoutes } from './routes/pages.js';
import { viewSettingsRoutes } from './routes/view-settings.js';
import { RowWrites } from './row-writes.js';
import type { ServerContext, ServerOptions } from './types.js';

/**
 * The zod compilers as Fastify's compiler factories (Fastify types those after Ajv's and
 * fast-json-stringify's; what it does with them is call the compiler they return).
 */
const zodCompilers = {
  buildValidator: () => validatorCompiler,
  buildSerializer: () => serializerCompiler,
} as unknown as NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;

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
  // One logger: the host's pino (Fastify logs through it); a host with another logger gets a
  // redacting pino of its own for request logs. Requests are logged only when asked.
  const pinoLogger = isHostLogger(host.logger)
    ? host.logger.pino
    : options.logRequests
      ? createPinoLogger()
      : undefined;
  const app = Fastify({
    ...(pinoLogger ? { loggerInstance: pinoLogger } : { logger: false }),
    // Fastify 5.12+ takes request-logging choices through a log controller (the top-level
    // option is deprecated and printed a warning at every start).
    logController: new LogController({ disableRequestLogging: !options.logRequests }),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    bodyLimit: 10 * 1024 * 1024,
    // Every route schema is zod's: given the zod compilers up front, Fastify does not load
    // its default ones (Ajv and fast-json-stringify, about a hundred modules at every start).
    schemaController: { compilersFactory: zodCompilers },
  }) as unknown as FastifyInstance;
  app.setReplySerializer((payload) => toJson(payload));
  const connections = new DatasourceConnections(host, options.datasources);
  // The one error handler (and not-found handler) of every scope.
  await app.register(errorHandlerPlugin, {
    logger: host.logger,
    scrub: (text) => connections.scrub(text),
  });
  // First: a request for a name the operator did not allow, or a cross-site write, reaches nothing.
  await app.register(crossSitePlugin, { allowedHosts: options.allowedHosts });
  // Failed authentications per client address (the auth plugin and sign-in count them).
  await app.register(rateLimitPlugin, { logger: host.logger, limit: options.authRateLimit });

  const opened = await openAccounts(options.store);
  const { sessionSecret, close } = opened;
  // API tokens' actors are cached briefly; every change made through this server clears them.
  const tokenActors = new TokenActorCache();
  const accounts = invalidating(opened.accounts, tokenActors);
  await app.register(authPlugin, {
    adminToken: options.adminToken,
    accounts,
    tokenActors,
    sessionSecret,
    anonymousRole: options.readOnly ? 'viewer' : undefined,
    readOnly: options.readOnly,
    autoSignIn: options.autoSignIn,
  });

  const preferences = options.preferences ?? options.store ?? new MemoryViewPreferences();
  const ctx: ServerContext = {
    host,
    connections,
    accounts,
    ...(options.store ? { store: options.store } : {}),
  };

  await app.register(assetRoutes, { host });
  await app.register(accountRoutes, { accounts, connections, setupToken: options.setupToken });
  // Read-only: no write route exists at all (not even for admins), so nothing can write data.
  const writes = options.readOnly ? undefined : new RowWrites(connections, accounts);
  await app.register(dataApiRoutes, { host, connections, writes });
  await app.register(exportRoutes, { connections });
  await app.register(auditRoutes, { accounts, writes, retentionDays: options.auditRetentionDays });
  const stopRetention = scheduleAuditRetention(accounts, {
    fallbackDays: options.auditRetentionDays,
    logger: host.logger,
  });
  await app.register(pageRoutes, { host, connections, preferences, accounts });
  await app.register(viewSettingsRoutes, { connections, preferences, accounts });
  // Each extension in its own encapsulated scope.
  for (const extension of [...builtInExtensions, ...(options.extensions ?? [])]) {
    await app.register(async (scope) => extension(scope, ctx));
  }

  app.addHook('onClose', async () => {
    stopRetention();
    await connections.closeAll();
    await close?.();
  });
  return app;
}
