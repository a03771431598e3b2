/**
 * Authentication and authorisation, as one Fastify plugin that applies to every route:
 *
 * - cookies (@fastify/cookie), sessions kept in the host's store (@fastify/session, a
 *   signed `HttpOnly`, `SameSite=Lax` cookie), form bodies (@fastify/formbody) and CSRF
 *   tokens (@fastify/csrf-protection, kept in the session);
 * - every request gets an actor (`request.actor`): the admin token or an API token from
 *   `Authorization: Bearer`, else the session's user, else anonymous;
 * - every route declares what it needs (`config.access`, see `access/rules.ts`); the check
 *   runs before the handler: 401 without an actor, 403 when the actor may not;
 * - a write made with the session cookie needs the page's CSRF token; one made with a
 *   bearer token does not (a cross-site page cannot send one).
 */
import { randomBytes } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifySession from '@fastify/session';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import type { AccountStore, Role } from '../../accounts/types.js';
import { secretRedactor } from '../../secrets/redact.js';
import { type Actor, anonymousActor, bearerActor, bearerToken, userActor } from '../access/actor.js';
import { isAdmin, mayData, type RouteAccess } from '../access/rules.js';
import { AccountSessionStore, SESSION_MAX_AGE_MS } from '../access/session-store.js';
import { wantsPage } from '../errors.js';

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
    /** Every route registered so far with its access rule (undefined: none declared). */
    routeRules(): { method: string; url: string; access: RouteAccess | undefined }[];
  }
}

/** Options of {@link authPlugin}. */
export interface AuthOptions {
  /** The operator's admin token (acts as an admin). */
  adminToken: string;
  /** Users, sessions, grants and tokens. */
  accounts: AccountStore;
  /** The secret sessions are signed with (shared by hosts on one store). */
  sessionSecret: string;
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

function paramsOf(request: FastifyRequest): { ds?: string; table?: string } {
  const params = (request.params ?? {}) as Record<string, unknown>;
  return {
    ...(typeof params.ds === 'string' ? { ds: params.ds } : {}),
    ...(typeof params.table === 'string' ? { table: params.table } : {}),
  };
}

/** Throws (or redirects a person's browser to sign in) unless the actor meets the rule. */
function enforce(
  request: FastifyRequest,
  reply: FastifyReply,
  rule: RouteAccess | undefined,
  readOnly: boolean,
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
    if (wantsPage(request)) {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303);
    }
    throw NocofloError.create(Errors.SignInRequired, [
      `${request.method} ${request.url.replace(/\?.*$/, '')}`,
    ]);
  }
  const { ds, table } = paramsOf(request);
  const where = table ? `table ${table} of ${ds}` : ds ? `datasource ${ds}` : 'data';
  if (rule === 'admin' && !isAdmin(actor)) {
    throw NocofloError.create(Errors.NotAllowed, [actor.name, 'administer this host (admins only)']);
  }
  if (rule === 'read' && !mayData(actor, 'read', ds, table)) {
    throw NocofloError.create(Errors.NotAllowed, [actor.name, `read ${where}`]);
  }
  if (rule === 'write') {
    if (readOnly)
      throw NocofloError.create(Errors.NotAllowed, [actor.name, 'change anything: the server is read-only']);
    if (!mayData(actor, 'write', ds, table)) {
      throw NocofloError.create(Errors.NotAllowed, [actor.name, `change ${where}`]);
    }
  }
  return undefined;
}

async function resolveActor(request: FastifyRequest, options: AuthOptions): Promise<Actor> {
  const secret = bearerToken(request.headers.authorization);
  if (secret !== undefined) {
    const actor = await bearerActor(secret, options.adminToken, options.accounts);
    if (!actor)
      throw NocofloError.create(Errors.Unauthorized, [
        'the bearer token is not the admin token or a valid API token',
      ]);
    return actor;
  }
  const userId = request.session.userId;
  if (userId) {
    const actor = await userActor(options.accounts, userId);
    if (actor) return actor;
    request.session.userId = undefined;
  }
  // A person's browser opening a page on this machine; its later calls carry the cookie.
  if (
    options.autoSignIn &&
    wantsPage(request) &&
    LOOPBACK_ADDRESSES.has(request.socket.remoteAddress ?? '')
  ) {
    const local = await options.accounts.findUser(options.autoSignIn);
    if (local) {
      request.session.userId = local.id;
      await options.accounts.appendAudit({
        actor: `user:${local.name}`,
        action: 'auth.sign-in',
        detail: { automatic: true, reason: 'local admin of the demo on a loopback connection' },
      });
      const actor = await userActor(options.accounts, local.id);
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

/**
 * The auth plugin (not encapsulated: its hooks and decorations apply to every route of the
 * server it is registered on).
 */
export const authPlugin = fp<AuthOptions>(
  async (app: FastifyInstance, options: AuthOptions) => {
    secretRedactor.add(options.sessionSecret);
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

    await app.register(fastifyCookie);
    await app.register(fastifyFormbody);
    await app.register(fastifySession, {
      secret: options.sessionSecret,
      cookieName: SESSION_COOKIE,
      store: new AccountSessionStore(options.accounts),
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: SESSION_MAX_AGE_MS },
      idGenerator: () => randomBytes(24).toString('base64url'),
    });
    await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });

    app.decorateRequest('actor', undefined as unknown as Actor);
    // Before validation: who may not call a route learns nothing from its schema errors.
    app.addHook('preValidation', async (request, reply) => {
      request.actor = await resolveActor(request, options);
      const rule = request.routeOptions.config?.access;
      const redirected = enforce(request, reply, rule, options.readOnly ?? false);
      if (redirected) return redirected;
      if (!SAFE_METHODS.has(request.method) && request.actor.via === 'session' && rule !== 'public') {
        checkCsrf(app, request);
      }
      return undefined;
    });
  },
  { name: 'nocoflo-auth', fastify: '5.x' },
);
