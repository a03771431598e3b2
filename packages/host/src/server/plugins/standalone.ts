/**
 * What a part of the server registered on its own (the admin API or plugin routes on an
 * embedder's Fastify instance, as in tests) needs from the server core: the one error
 * handler, the rate limit and the auth plugin. Inside `createServer` they are registered
 * already, and nothing is added.
 */
import type { FastifyInstance } from 'fastify';
import type { MetadataStore } from '../../store/metadata.js';
import type { PluginHost } from '../../types.js';
import { ERROR_HANDLER_PLUGIN, errorHandlerPlugin } from '../errors.js';
import { AUTH_PLUGIN, authPlugin } from './auth.js';
import { type AuthRateLimit, RATE_LIMIT_PLUGIN, rateLimitPlugin } from './rate-limit.js';

/** Options of {@link registerServerCore}. */
export interface ServerCoreOptions {
  /** The running host (its logger). */
  host: PluginHost;
  /** The admin token. */
  adminToken: string;
  /** Where API tokens are looked up; without it only the admin token authenticates. */
  store?: MetadataStore | undefined;
  /** Failed authentications allowed per client address. */
  authRateLimit?: AuthRateLimit | undefined;
}

/**
 * Registers on `app` whichever of the error handler, rate limit and (bearer-only) auth
 * plugins it does not have yet.
 */
export async function registerServerCore(app: FastifyInstance, options: ServerCoreOptions): Promise<void> {
  if (!app.hasPlugin(ERROR_HANDLER_PLUGIN)) {
    // An embedder's instance keeps its own not-found handler.
    await app.register(errorHandlerPlugin, { logger: options.host.logger, notFound: false });
  }
  if (!app.hasPlugin(RATE_LIMIT_PLUGIN)) {
    await app.register(rateLimitPlugin, { logger: options.host.logger, limit: options.authRateLimit });
  }
  if (!app.hasPlugin(AUTH_PLUGIN)) {
    await app.register(authPlugin, { adminToken: options.adminToken, accounts: options.store?.accounts() });
  }
}
