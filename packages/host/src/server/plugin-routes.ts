/**
 * Plugin HTTP routes: one catch-all under `/plugins/` that looks the route up in the host's
 * route registry on every request, so a route is there exactly while its plugin is
 * enabled. Who may call a route is decided by the server's auth plugin (the route rule
 * `plugin`) and the route's declared permission: admins hold every one, an API token the ones
 * it lists; a route without one needs the viewer role to read and the editor role to change.
 *
 * Scoped plugins are addressed as `/plugins/@scope/name/...` (or URL-encoded,
 * `/plugins/%40scope%2Fname/...`).
 */
import {
  Errors,
  errorMessage,
  isNocofloError,
  NocofloError,
  type RouteRequest,
  type RouteResponse,
} from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MetadataStore } from '../store/metadata.js';
import type { PluginHost } from '../types.js';
import { holdsPluginPermission } from './access/rules.js';
import { registerServerCore } from './plugins/standalone.js';
import type { ServerContext, ServerExtension } from './types.js';

/** Options of {@link pluginRoutesPlugin}. */
export interface PluginRoutesPluginOptions {
  /** The running host, whose route registry is consulted on every request. */
  host: PluginHost;
  /** Mount point. Default `/plugins`. */
  prefix?: string | undefined;
  /** Time limit for a route handler, in ms; a slower one answers 504. Default 30,000. */
  timeoutMs?: number | undefined;
}

/** Options of {@link registerPluginRoutes}. */
export interface PluginRoutesOptions {
  /** The running host, whose route registry is consulted on every request. */
  host: PluginHost;
  /** The admin token (when the instance has no auth plugin yet): it holds every permission. */
  adminToken: string;
  /** Where API tokens (with their permission sets) are looked up. */
  store?: MetadataStore | undefined;
  /** Mount point. Default `/plugins`. */
  prefix?: string;
  /** Time limit for a route handler, in ms; a slower one answers 504. Default 30,000. */
  timeoutMs?: number;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Splits `@scope/name/rest…` or `name/rest…` (either possibly URL-encoded) into plugin name and route path. */
export function splitPluginPath(wildcard: string): { plugin: string; path: string } | undefined {
  const segments = wildcard.split('/');
  const first = safeDecode(segments[0] ?? '');
  if (first === undefined || first === '') return undefined;
  if (first.includes('/')) return { plugin: first, path: `/${segments.slice(1).join('/')}` };
  if (first.startsWith('@')) {
    const second = safeDecode(segments[1] ?? '');
    if (!second) return undefined;
    return { plugin: `${first}/${second}`, path: `/${segments.slice(2).join('/')}` };
  }
  return { plugin: first, path: `/${segments.slice(1).join('/')}` };
}

class TimeoutError extends Error {}

/** Runs `fn`, rejecting with a TimeoutError when it takes longer than `ms`. */
async function withTimeout<T>(fn: () => T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(fn),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function send(reply: FastifyReply, response: RouteResponse | undefined): FastifyReply {
  const result = response ?? {};
  reply.status(result.status ?? 200);
  for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
  const body = result.body;
  if (body === undefined || body === null) return reply.send(body === null ? null : '');
  if (typeof body === 'string' || Buffer.isBuffer(body)) {
    if (!reply.hasHeader('content-type')) reply.type('text/plain; charset=utf-8');
    return reply.send(body);
  }
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/**
 * The plugin-route dispatcher as an encapsulated Fastify plugin: one catch-all route with
 * the `plugin` rule. It needs the server's auth plugin above it.
 */
export const pluginRoutesPlugin: FastifyPluginAsync<PluginRoutesPluginOptions> = async (
  app: FastifyInstance,
  options: PluginRoutesPluginOptions,
) => {
  const { host } = options;
  const prefix = options.prefix ?? '/plugins';
  const timeoutMs = options.timeoutMs ?? 30_000;

  const dispatch = async (request: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
    const url = request.url.replace(/\?.*$/, '');
    // Use the raw (still encoded) path, so an encoded "/" in a scoped name is not split.
    const raw = url.slice(prefix.length + 1);
    const target = splitPluginPath(raw);
    const match = target ? host.routes.match(target.plugin, request.method, target.path) : undefined;
    if (!target || !match) throw NocofloError.create(Errors.RouteNotFound, [request.method, url]);
    const { route } = match.route;

    // The auth plugin resolved the actor; the route's permission (or, without one, the
    // viewer / editor role) decides.
    const actor = request.actor;
    if (!holdsPluginPermission(actor, request.method, route.permission)) {
      // No credential at all: 401 (sign in, or send a token); a credential without the right: 403.
      if (actor.kind === 'anonymous') throw app.credentialRequired(request);
      throw NocofloError.create(Errors.Forbidden, [route.permission ?? 'editor or viewer role'], {
        details: { plugin: target.plugin, permission: route.permission ?? null },
      });
    }

    // The caller's credentials (possibly the admin token) never reach plugin code.
    const { authorization: _credentials, ...headers } = request.headers;
    const input: RouteRequest = {
      params: match.params,
      query: (request.query ?? {}) as Record<string, string | string[]>,
      body: request.body,
      headers: headers as Record<string, string | string[] | undefined>,
    };
    let response: RouteResponse;
    try {
      response = await withTimeout(() => route.handler(input), timeoutMs);
    } catch (error) {
      if (error instanceof TimeoutError) {
        throw NocofloError.create(Errors.PluginCallbackTimeout, [
          target.plugin,
          `route ${route.method} ${route.path}`,
          timeoutMs,
        ]);
      }
      if (isNocofloError(error)) throw error;
      throw NocofloError.create(
        Errors.PluginCallbackFailed,
        [target.plugin, `route ${route.method} ${route.path}`, errorMessage(error)],
        { cause: error },
      );
    }
    return send(reply, response);
  };

  app.route({
    method: [...METHODS],
    url: `${prefix}/*`,
    config: { access: 'plugin' },
    handler: dispatch,
  });
};

/**
 * Registers the plugin-route dispatcher on `app` (an embedder's Fastify instance, or a
 * test's): the server's error handler, rate limit and auth plugin (bearer tokens only) when
 * `app` has none yet, then the `pluginRoutesPlugin` Fastify plugin.
 *
 * @example
 * ```ts
 * import { createHost, registerPluginRoutes } from '@nocoflo/host';
 * import fastify from 'fastify';
 *
 * const host = await createHost();
 * await host.start();
 * const app = fastify();
 * await registerPluginRoutes(app, { host, adminToken: 's3cret' });
 * // A plugin's ctx.registerRoute({ method: 'GET', path: '/entries', handler }) now answers GET /plugins/<name>/entries.
 * ```
 */
export async function registerPluginRoutes(
  app: FastifyInstance,
  options: PluginRoutesOptions,
): Promise<void> {
  await registerServerCore(app, { host: options.host, adminToken: options.adminToken, store: options.store });
  await app.register(pluginRoutesPlugin, {
    host: options.host,
    prefix: options.prefix,
    timeoutMs: options.timeoutMs,
  });
}

/** The plugin routes as a server extension (see `server/extensions.ts`). */
export function pluginRoutesExtension(): ServerExtension {
  return async (app: FastifyInstance, ctx: ServerContext) => {
    await app.register(pluginRoutesPlugin, { host: ctx.host });
  };
}
