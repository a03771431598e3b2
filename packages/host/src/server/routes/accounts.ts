/**
 * Routes of accounts: sign-in and sign-out, the one-time setup link that creates the first
 * admin, and the admin users page (each action a form post, audited). Query strings, route
 * parameters and form bodies are zod schemas (`fastify-type-provider-zod`): a request of the
 * wrong shape (a role that is not one, a missing field, an overlong value) answers 400
 * `NCF_BAD_REQUEST` naming the field, before anything changes. What only the store can judge
 * (a password too short, a name taken) comes back on the page.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Errors, isNocofloError, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountStore } from '../../accounts/types.js';
import { ROLES } from '../../accounts/types.js';
import type { DatasourceConnections } from '../connections.js';
import { PAGE_HEADERS, toNocofloError } from '../errors.js';
import { renderSetup, renderSignIn, renderUsers } from '../html/account-pages.js';
import { personalisePage } from '../html/page-context.js';

/** Options of {@link accountRoutes}. */
export interface AccountRoutesOptions {
  /** Users, sessions, grants and tokens. */
  accounts: AccountStore;
  /** The datasources (grants name them). */
  connections: DatasourceConnections;
  /** The one-time setup token printed by `nocoflo serve` while no user exists. */
  setupToken?: string | undefined;
}

/** A form field: text of at most `max` characters (a browser sends every field as text). */
const text = (name: string, max: number) =>
  z.string(`"${name}" must be text`).max(max, `"${name}" is at most ${max} characters`);
/** A field that may be left out (or empty). */
const optionalText = (name: string, max: number) => text(name, max).optional().default('');
const role = z.enum(ROLES, `"role" must be one of ${ROLES.join(', ')}`);
const access = z.enum(['none', 'read', 'write'], '"access" must be none, read or write');
const userParams = z.object({ name: text('name', 64).min(1) });

/** Bodies and queries of the account routes (unknown fields, such as `_csrf`, are ignored). */
const schemas = {
  signInQuery: z.object({ next: optionalText('next', 2000) }),
  signIn: z.object({
    name: optionalText('name', 200),
    password: optionalText('password', 1000),
    next: optionalText('next', 2000),
  }),
  setupQuery: z.object({ token: optionalText('token', 200) }),
  setup: z.object({
    token: optionalText('token', 200),
    name: text('name', 200),
    password: text('password', 1000),
  }),
  addUser: z.object({
    name: text('name', 200),
    role: role.optional().default('viewer'),
    password: text('password', 1000),
  }),
  setRole: z.object({ role }),
  password: z.object({ password: text('password', 1000) }),
  grant: z.object({ datasource: text('datasource', 200).min(1), table: optionalText('table', 200), access }),
  removeGrant: z.object({ datasource: text('datasource', 200).min(1), table: text('table', 200).min(1) }),
  token: z.object({
    name: text('name', 200),
    role: role.or(z.literal('')).optional(),
    expires: optionalText('expires', 40).refine(
      (value) => value === '' || !Number.isNaN(Date.parse(value)),
      '"expires" must be a date',
    ),
  }),
  tokenParams: userParams.extend({ id: text('id', 200).min(1) }),
  empty: z.object({}),
};

const sendPage = (reply: FastifyReply, html: string, status = 200) =>
  reply
    .status(status)
    .headers(PAGE_HEADERS)
    .type('text/html; charset=utf-8')
    .send(personalisePage(reply, html));

/** Only a path on this server (no `//host`, no scheme) is followed after sign-in. */
function safeNext(next: string): string {
  return next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

const sameSecret = (a: string, b: string) =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** The account routes, as an encapsulated Fastify plugin. */
export const accountRoutes: FastifyPluginAsync<AccountRoutesOptions> = async (
  app: FastifyInstance,
  options: AccountRoutesOptions,
) => {
  const { accounts } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const pub = { config: { access: 'public' } } as const;
  const admin = { config: { access: 'admin' } } as const;

  api.get('/sign-in', { ...pub, schema: { querystring: schemas.signInQuery } }, async (request, reply) =>
    sendPage(reply, renderSignIn(safeNext(request.query.next || '/'))),
  );

  api.post('/sign-in', { ...pub, schema: { body: schemas.signIn } }, async (request, reply) => {
    const name = request.body.name.trim();
    const next = safeNext(request.body.next || '/');
    // A throttled address learns nothing about its guess, right or wrong.
    const wait = app.authThrottle.retryAfter(request);
    if (wait !== undefined) {
      app.authThrottle.fail(request, 'password');
      const error = NocofloError.create(Errors.RateLimited, [wait]).toJSON();
      reply.header('retry-after', String(wait));
      return sendPage(reply, renderSignIn(next, error, name), 429);
    }
    const user = await accounts.verifyPassword(name, request.body.password);
    if (!user) {
      // Counted against the address like a wrong token (`plugins/rate-limit.ts`).
      app.authThrottle.fail(request, 'password');
      await accounts.appendAudit({ actor: 'anonymous', action: 'auth.sign-in-failed', detail: { name } });
      const error = NocofloError.create(Errors.SignInRequired, ['this page']).toJSON();
      return sendPage(
        reply,
        renderSignIn(next, { ...error, message: 'The name or the password is wrong.' }, name),
        401,
      );
    }
    // A new session id at sign-in, so an id planted before cannot ride on it.
    await request.session.regenerate();
    request.session.userId = user.id;
    await accounts.appendAudit({ actor: `user:${user.name}`, action: 'auth.sign-in' });
    return reply.redirect(next, 303);
  });

  app.post('/sign-out', { config: { access: 'signed-in' } }, async (request, reply) => {
    await accounts.appendAudit({ actor: request.actor.label, action: 'auth.sign-out' });
    await request.session.destroy();
    return reply.redirect('/sign-in', 303);
  });

  const setupRefusal = async (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
  ): Promise<NocofloError | undefined> => {
    // 429 with Retry-After while the address is throttled.
    app.authThrottle.check(request, reply);
    // Clearly refused (409), on every host sharing the store, once any user exists.
    if ((await accounts.countUsers()) > 0) return NocofloError.create(Errors.SetupDone, []);
    if (!options.setupToken || !sameSecret(token, options.setupToken)) {
      app.authThrottle.fail(request, 'setup link');
      return NocofloError.create(Errors.NotAllowed, [
        'this link',
        'create the first admin (open the setup link `nocoflo serve` printed)',
      ]);
    }
    return undefined;
  };

  api.get('/setup', { ...pub, schema: { querystring: schemas.setupQuery } }, async (request, reply) => {
    const token = request.query.token;
    const refused = await setupRefusal(request, reply, token);
    if (refused) throw refused;
    return sendPage(reply, renderSetup(token));
  });

  api.post('/setup', { ...pub, schema: { body: schemas.setup } }, async (request, reply) => {
    const { token, name, password } = request.body;
    const refused = await setupRefusal(request, reply, token);
    if (refused) throw refused;
    let user: Awaited<ReturnType<AccountStore['createFirstAdmin']>>;
    try {
      user = await accounts.createFirstAdmin(name, password);
    } catch (error) {
      if (!isNocofloError(error)) throw error;
      return sendPage(reply, renderSetup(token, error.toJSON()), error.status);
    }
    // Another host's setup link (or this one, twice at once) won the race: nothing was made.
    if (!user) throw NocofloError.create(Errors.SetupDone, []);
    await request.session.regenerate();
    request.session.userId = user.id;
    await accounts.appendAudit({
      actor: `user:${user.name}`,
      action: 'user.setup',
      detail: { user: user.name },
    });
    return reply.redirect('/', 303);
  });

  const usersPage = async (
    _request: FastifyRequest,
    reply: FastifyReply,
    extra: { notice?: string; secret?: string; error?: NocofloError } = {},
  ) => {
    const users = await Promise.all(
      (await accounts.listUsers()).map(async (user) => ({
        user,
        grants: await accounts.listGrants(user.id),
        tokens: await accounts.listTokens(user.id),
      })),
    );
    return sendPage(
      reply,
      renderUsers({
        users,
        csrf: reply.generateCsrf(),
        datasources: options.connections.list().map((entry) => entry.id),
        ...(extra.notice ? { notice: extra.notice } : {}),
        ...(extra.secret ? { secret: extra.secret } : {}),
        ...(extra.error ? { error: extra.error.toJSON() } : {}),
      }),
      extra.error?.status ?? 200,
    );
  };

  app.get('/admin/users', admin, (request, reply) => usersPage(request, reply));

  /**
   * An admin action of the users page, its params and body checked by zod first (400 on a
   * wrong shape); then run, audited, and the page shown again with a notice or the error.
   */
  const action = <P extends z.ZodType, B extends z.ZodType>(
    path: string,
    schema: { params: P; body: B },
    run: (
      input: { params: z.output<P>; body: z.output<B> },
      request: FastifyRequest,
    ) => Promise<{ notice: string; secret?: string }>,
  ) =>
    api.post(path, { ...admin, schema }, async (request, reply) => {
      try {
        const done = await run(
          { params: request.params as z.output<P>, body: request.body as z.output<B> },
          request,
        );
        return await usersPage(request, reply, done);
      } catch (error) {
        return usersPage(request, reply, { error: toNocofloError(error) });
      }
    });

  const requireUser = async (name: string) => {
    const user = await accounts.findUser(name);
    if (!user) throw NocofloError.create(Errors.UserNotFound, [name]);
    return user;
  };
  const audit = (request: FastifyRequest, action: string, detail: Record<string, unknown>) =>
    accounts.appendAudit({ actor: request.actor.label, action, detail });

  action('/admin/users', { params: schemas.empty, body: schemas.addUser }, async ({ body }, request) => {
    const user = await accounts.createUser(body.name, body.role, body.password);
    await audit(request, 'user.add', { user: user.name, role: body.role });
    return { notice: `Added ${user.name} (${body.role}).` };
  });

  action(
    '/admin/users/:name/role',
    { params: userParams, body: schemas.setRole },
    async ({ params, body }, request) => {
      const user = await accounts.setRole(params.name, body.role);
      await audit(request, 'user.set-role', { user: user.name, role: body.role });
      return { notice: `${user.name} is now ${body.role}.` };
    },
  );

  action(
    '/admin/users/:name/password',
    { params: userParams, body: schemas.password },
    async ({ params, body }, request) => {
      const user = await accounts.setPassword(params.name, body.password);
      await audit(request, 'user.reset-password', { user: user.name });
      return { notice: `Password of ${user.name} changed; its sessions ended.` };
    },
  );

  action(
    '/admin/users/:name/remove',
    { params: userParams, body: schemas.empty },
    async ({ params }, request) => {
      const name = params.name;
      if (request.actor.name === name && request.actor.kind === 'user') {
        throw NocofloError.create(Errors.BadRequest, ['you cannot remove yourself; another admin can']);
      }
      if (!(await accounts.removeUser(name))) throw NocofloError.create(Errors.UserNotFound, [name]);
      await audit(request, 'user.remove', { user: name });
      return { notice: `Removed ${name}.` };
    },
  );

  action(
    '/admin/users/:name/grants',
    { params: userParams, body: schemas.grant },
    async ({ params, body }, request) => {
      const user = await requireUser(params.name);
      const table = body.table.trim() || '*';
      options.connections.entry(body.datasource);
      await accounts.setGrant(user.id, body.datasource, table, body.access);
      await audit(request, 'grant.set', {
        user: user.name,
        datasource: body.datasource,
        table,
        access: body.access,
      });
      return { notice: `${user.name} now has ${body.access} on ${body.datasource}.${table}.` };
    },
  );

  action(
    '/admin/users/:name/grants/remove',
    { params: userParams, body: schemas.removeGrant },
    async ({ params, body }, request) => {
      const user = await requireUser(params.name);
      await accounts.removeGrant(user.id, body.datasource, body.table);
      await audit(request, 'grant.remove', {
        user: user.name,
        datasource: body.datasource,
        table: body.table,
      });
      return { notice: `Removed the grant of ${user.name} on ${body.datasource}.${body.table}.` };
    },
  );

  action(
    '/admin/users/:name/tokens',
    { params: userParams, body: schemas.token },
    async ({ params, body }, request) => {
      const user = await requireUser(params.name);
      const { secret, token } = await accounts.createToken(user.id, body.name, {
        ...(body.role ? { role: body.role } : {}),
        ...(body.expires ? { expiresAt: new Date(body.expires).toISOString() } : {}),
      });
      await audit(request, 'token.create', { user: user.name, token: token.name });
      return { notice: `New token ${token.name} for ${user.name}.`, secret };
    },
  );

  action(
    '/admin/users/:name/tokens/:id/revoke',
    { params: schemas.tokenParams, body: schemas.empty },
    async ({ params }, request) => {
      if (!(await accounts.revokeToken(params.id))) {
        throw NocofloError.create(Errors.NotFound, ['POST', `token ${params.id}`]);
      }
      await audit(request, 'token.revoke', { user: params.name, token: params.id });
      return { notice: 'Token revoked.' };
    },
  );
};
