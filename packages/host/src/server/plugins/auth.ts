/**
 * Authentication and authorisation, as one Fastify plugin that applies to every route:
 *
 * - cookies (@fastify/cookie), sessions kept in the host's store (@fastify/session, a
 *   signed `HttpOnly`, `SameSite=Lax` cookie; no session work for a bearer request on the
 *   data, plugin and admin routes: `cookie-sessions.ts`), form bodies (@fastify/formbody) and CSRF
 *   tokens (@fastify/csrf-protection, kept in the session);
 * - every request gets an actor (`request.actor`): the admin token or an API token from
 *   `Authorization: Bearer`, else the session's user, else anonymous;
 * - every route declares what it needs (`config.access`, see `access/rules.ts`); the check
 *   runs before the handler: 401 without an actor, 403 when the actor may not;
 * - a write made with the session cookie needs the page's CSRF token; one made with a
 *   bearer token does not (a cross-site page cannot send one);
 * - a wrong bearer token counts against the client address (`plugins/rate-limit.ts`).
 *
 * This is the one place that decides who a request is and whether it may: the admin API,
 * plugin routes, data API and pages only declare their rule. Registered without a session
 * secret (the admin API or plugin routes used on their own), it knows bearer tokens only.
 */
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { AccountStore, Role } from '../../accounts/types.js';
import { secretRedactor } from '../../secrets/redact.js';
import { type Actor, anonymousActor, bearerActor, bearerToken, userActor } from '../access/actor.js';
import { isAdmin, mayData, type RouteAccess } from '../access/rules.js';
import { AccountSessionStore, SESSION_MAX_AGE_MS } from '../access/session-store.js';
import { cachedBearerActor, type TokenActorCache } from '../access/token-cache.js';
import { wantsPage } from '../errors.js';
import { cookieSessions } from './cookie-sessions.js';
import { type AuthThrottle, RATE_LIMIT_PLUGIN } from './rate-limit.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (see `access/rules.ts`). */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who the request speaks for. */
    actor: Actor;
  }
  interface Session {
    /** The signed-in user. */
    userId?: string;
  }
  interface FastifyInstance {
    /**
     * The 401 for a request that needs a credential and has none: sign in (a server with
     * sessions) or send a bearer token. Routes that decide their own access (plugin routes) use it.
     */
    credentialRequired(request: FastifyRequest): NocofloError;
    /** Every route registered so far with its access rule (undefined: none declared). */
    routeRules(): { method: string; url: string; access: RouteAccess | undefined }[];
  }
}

/** Options of {@link authPlugin}. */
export interface AuthOptions {
  /** The operator's admin token (acts as an admin). */
  adminToken: string;
  /** Users, sessions, grants and tokens; without it only the admin token is known. */
  accounts?: AccountStore | undefined;
  /**
   * The secret sessions are signed with (shared by hosts on one store). Without it there are
   * no sessions, cookies or CSRF tokens: only bearer tokens authenticate.
   */
  sessionSecret?: string | undefined;
  /**
   * A short-lived cache of API tokens' actors (`access/token-cache.ts`); its owner clears it
   * on every account change. Without it every bearer request reads the store.
   */
  tokenActors?: TokenActorCache | undefined;
  /** Role of a request with no credential; default none (it must sign in). */
  anonymousRole?: Role | undefined;
  /** Serve without any write path: `write` routes answer 403 to everyone. */
  readOnly?: boolean | undefined;
  /**
   * Signs every browser on a loopback connection in as this user (the demo's local admin),
   * so `npm start` opens straight into a working page.
   */
  autoSignIn?: string | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** The cookie that holds the signed session id. */
export const SESSION_COOKIE = 'nocoflo_session';

/** A route parameter that is a string (the datasource `ds`, the `table`), else undefined. */
function paramOf(request: FastifyRequest, name: 'ds' | 'table'): string | undefined {
  const value = (request.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/** Throws (or redirects a person's browser to sign in) unless the actor meets the rule. */
function enforce(
  request: FastifyRequest,
  reply: FastifyReply,
  rule: RouteAccess | undefined,
  options: { readOnly: boolean; sessions: boolean },
) {
  const actor = request.actor;
  // The not-found handler answers 404 to everyone; it reveals nothing a rule protects.
  if (rule === 'public' || rule === 'plugin' || request.is404) return undefined;
  if (rule === undefined) {
    throw NocofloError.create(Errors.NotAllowed, [
      actor.name,
      `use ${request.method} ${request.url} (it has no access rule)`,
    ]);
  }
  if (actor.role === undefined) {
    if (options.sessions && actor.via !== 'bearer' && wantsPage(request)) {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    throw credentialRequired(request, options.sessions);
  }
  const ds = paramOf(request, 'ds');
  const table = paramOf(request, 'table');
  const where = () => (table ? `table ${table} of ${ds}` : ds ? `datasource ${ds}` : 'data');
  if (rule === 'admin' && !isAdmin(actor)) {
    throw NocofloError.create(Errors.NotAllowed, [actor.name, 'administer this host (admins only)']);
  }
  if (rule === 'read' && !mayData(actor, 'read', ds, table)) {
    throw NocofloError.create(Errors.NotAllowed, [actor.name, `read ${where()}`]);
  }
  if (rule === 'write') {
    if (options.readOnly)
      throw NocofloError.create(Errors.NotAllowed, [actor.name, 'change anything: the server is read-only']);
    if (!mayData(actor, 'write', ds, table)) {
      throw NocofloError.create(Errors.NotAllowed, [actor.name, `change ${where()}`]);
    }
  }
  return undefined;
}

/** The 401 for a request with no (sufficient) credential. */
function credentialRequired(request: FastifyRequest, sessions: boolean): NocofloError {
  const actor = request.actor;
  if (!sessions || actor.via === 'bearer') {
    // Nobody can sign in here (or a token that holds only plugin permissions): a bearer token is the way.
    const header = request.headers.authorization;
    return NocofloError.create(Errors.Unauthorized, [
      header === undefined
        ? 'no Authorization header was sent'
        : actor.via === 'bearer'
          ? 'this API token holds only the plugin permissions it lists'
          : 'the Authorization header is not "Bearer <token>"',
    ]);
  }
  return NocofloError.create(Errors.SignInRequired, [
    `${request.method} ${request.url.replace(/\?.*$/, '')}`,
  ]);
}

async function resolveActor(
  request: FastifyRequest,
  reply: FastifyReply,
  throttle: AuthThrottle,
  options: AuthOptions,
): Promise<Actor> {
  const secret = bearerToken(request.headers.authorization);
  if (secret !== undefined) {
    const actor = options.tokenActors
      ? await cachedBearerActor(options.tokenActors, secret, options.adminToken, options.accounts)
      : await bearerActor(secret, options.adminToken, options.accounts);
    if (!actor) {
      // Counted (and logged) even while throttled; the answer says only "wait".
      const throttled = throttle.retryAfter(request) !== undefined;
      throttle.fail(request, 'bearer token');
      if (throttled) throttle.check(request, reply);
      throw NocofloError.create(Errors.Unauthorized, [
        'the bearer token is not the admin token or a valid API token (it may be revoked or expired, its owner removed, or its owner downgraded below the rights it carries)',
      ]);
    }
    // A right token from a throttled address is not confirmed either.
    throttle.check(request, reply);
    return actor;
  }
  const { accounts } = options;
  if (!accounts || !options.sessionSecret) return anonymousActor(options.anonymousRole);
  const userId = request.session.userId;
  if (userId) {
    const actor = await userActor(accounts, userId);
    if (actor) return actor;
    request.session.userId = undefined;
  }
  // A person's browser opening a page on this machine; its later calls carry the cookie.
  if (
    options.autoSignIn &&
    wantsPage(request) &&
    LOOPBACK_ADDRESSES.has(request.socket.remoteAddress ?? '')
  ) {
    const local = await accounts.findUser(options.autoSignIn);
    if (local) {
      request.session.userId = local.id;
      await accounts.appendAudit({
        actor: `user:${local.name}`,
        action: 'auth.sign-in',
        detail: { automatic: true, reason: 'local admin of the demo on a loopback connection' },
      });
      const actor = await userActor(accounts, local.id);
      if (actor) return actor;
    }
  }
  return anonymousActor(options.anonymousRole);
}

/**
 * Verifies the request's CSRF token with @fastify/csrf-protection. Its check answers a bad
 * token by sending the error on the reply it is given, synchronously; it is given a reply
 * whose `send` throws instead, so the one error handler answers (NCF_CSRF_REFUSED).
 */
function checkCsrf(app: FastifyInstance, request: FastifyRequest): void {
  let refused: string | undefined;
  const reply = {
    send: (error: Error) => {
      refused = /secret/i.test(error.message)
        ? 'this session has no CSRF token yet'
        : 'the CSRF token is missing or wrong';
    },
  } as unknown as FastifyReply;
  app.csrfProtection(request, reply, () => {});
  if (refused) throw NocofloError.create(Errors.CsrfRefused, [refused]);
}

/** The auth plugin's name, for `dependencies` and `hasPlugin`. */
export const AUTH_PLUGIN = 'nocoflo-auth';

/**
 * The auth plugin (shared with `fastify-plugin`: its hooks and decorations apply to every
 * route of the server it is registered on). Needs the rate-limit plugin registered first.
 */
export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, options: AuthOptions) => {
    const sessions = options.sessionSecret !== undefined && options.accounts !== undefined;
    if (options.sessionSecret) secretRedactor.add(options.sessionSecret);
    secretRedactor.add(options.adminToken);
    const routes: RouteOptions[] = [];
    app.decorate('routeRules', () =>
      routes.map((route) => ({
        method: Array.isArray(route.method) ? route.method.join(',') : String(route.method),
        url: route.url,
        access: (route.config as { access?: RouteAccess } | undefined)?.access,
      })),
    );
    app.addHook('onRoute', (route) => {
      routes.push(route);
    });

    if (sessions && options.accounts && options.sessionSecret) {
      await app.register(fastifyCookie);
      await app.register(fastifyFormbody);
      // @fastify/session, skipped for bearer requests on data, plugin and admin routes (cookie-sessions.ts).
      await app.register(cookieSessions, {
        secret: options.sessionSecret,
        cookieName: SESSION_COOKIE,
        store: new AccountSessionStore(options.accounts),
        saveUninitialized: false,
        cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: SESSION_MAX_AGE_MS },
        idGenerator: () => randomBytes(24).toString('base64url'),
      });
      await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
    }

    app.decorateRequest('actor', undefined as unknown as Actor);
    app.decorate('credentialRequired', (request: FastifyRequest) => credentialRequired(request, sessions));
    // Before validation: who may not call a route learns nothing from its schema errors.
    app.addHook('preValidation', async (request, reply) => {
      const actor = await resolveActor(request, reply, app.authThrottle, options);
      request.actor = options.readOnly ? { ...actor, readOnly: true } : actor;
      const rule = request.routeOptions.config?.access;
      const redirected = enforce(request, reply, rule, { readOnly: options.readOnly ?? false, sessions });
      if (redirected) return redirected;
      if (!SAFE_METHODS.has(request.method) && request.actor.via === 'session' && rule !== 'public') {
        checkCsrf(app, request);
      }
      return undefined;
    });
  },
  { name: AUTH_PLUGIN, fastify: '5.x', dependencies: [RATE_LIMIT_PLUGIN] },
);
