/**
 * @fastify/session, minus its work for requests that speak with a bearer token.
 *
 * Its `onRequest` hook gives every request a session, a new one (24 random bytes, an HMAC of
 * the id) when no cookie came, and its `onSend` hook may save it. A request with
 * `Authorization: Bearer` is decided by its token alone (`plugins/auth.ts` never reads its
 * session), so on the routes that serve data, plugins and the admin API (`read`, `write`,
 * `admin`, `plugin`: the hot paths of scripts and of the rows API) it gets an empty,
 * never-saved session object instead. The routes that use the session itself (sign-in,
 * sign-out, setup: `public` and `signed-in`) keep @fastify/session's own behaviour for
 * every request.
 */
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { bearerToken } from '../access/actor.js';
import type { RouteAccess } from '../access/rules.js';

/** Access rules whose routes never use the session of a bearer request. */
const BEARER_ONLY: ReadonlySet<RouteAccess | undefined> = new Set(['read', 'write', 'admin', 'plugin']);

/** Whether @fastify/session's hooks may skip `request`. */
export function sessionless(request: FastifyRequest): boolean {
  return (
    BEARER_ONLY.has(request.routeOptions.config?.access) &&
    bearerToken(request.headers.authorization) !== undefined
  );
}

type FastifySessionOptions = fastifySession.FastifySessionOptions;
type Hook = (request: FastifyRequest, ...rest: unknown[]) => unknown;

/** `hook`, except that a sessionless request gets an empty session and nothing else. */
function skipping(name: string, hook: Hook): Hook {
  if (name === 'onRequest') {
    return function onRequest(this: unknown, request, ...rest) {
      if (!sessionless(request)) return hook.call(this, request, ...rest);
      // What @fastify/session itself gives a request outside its cookie path: no id, never saved.
      (request as { session: unknown }).session = {};
      (rest.at(-1) as () => void)();
      return undefined;
    };
  }
  // onSend saves nothing for a session without an id; it runs as it is.
  return hook;
}

/**
 * @fastify/session registered with its hooks wrapped by {@link skipping}. It is registered
 * under @fastify/session's own name, so plugins that depend on it (CSRF protection) find it.
 */
export const cookieSessions = fp<FastifySessionOptions>(
  (app: FastifyInstance, options, done) => {
    const wrapped = new Proxy(app, {
      get(target, key) {
        if (key === 'addHook')
          return (name: string, hook: Hook) =>
            target.addHook(name as 'onRequest', skipping(name, hook) as never);
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    (fastifySession as unknown as FastifyPluginCallback<FastifySessionOptions>)(wrapped, options, done);
  },
  { name: '@fastify/session', fastify: '5.x', dependencies: ['@fastify/cookie'] },
);
