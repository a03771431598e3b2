/**
 * Routes of accounts: sign-in and sign-out, the one-time setup link that creates the first
 * admin, and the admin users page (each action a form post, audited).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Errors, isNocofloError, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { assertRole } from '../../accounts/kysely-account-store.js';
import type { Access, AccountStore, Role } from '../../accounts/types.js';
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

type Form = Record<string, string | undefined>;

const sendPage = (reply: FastifyReply, html: string, status = 200) =>
  reply
    .status(status)
    .headers(PAGE_HEADERS)
    .type('text/html; charset=utf-8')
    .send(personalisePage(reply, html));

const field = (body: unknown, name: string): string => {
  const value = (body as Form | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};

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
  const pub = { config: { access: 'public' } } as const;
  const admin = { config: { access: 'admin' } } as const;

  app.get<{ Querystring: { next?: string } }>('/sign-in', pub, async (request, reply) =>
    sendPage(reply, renderSignIn(safeNext(request.query.next ?? '/'))),
  );

  app.post('/sign-in', pub, async (request, reply) => {
    const name = field(request.body, 'name').trim();
    const next = safeNext(field(request.body, 'next') || '/');
    // A throttled address learns nothing about its guess, right or wrong.
    const wait = app.authThrottle.retryAfter(request);
    if (wait !== undefined) {
      app.authThrottle.fail(request, 'password');
      const error = NocofloError.create(Errors.RateLimited, [wait]).toJSON();
      reply.header('retry-after', String(wait));
      return sendPage(reply, renderSignIn(next, error, name), 429);
    }
    const user = await accounts.verifyPassword(name, field(request.body, 'password'));
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
    if ((await accounts.countUsers()) > 0) {
      return NocofloError.create(Errors.NotFound, [
        'GET',
        '/setup (the first admin exists: sign in instead)',
      ]);
    }
    if (!options.setupToken || !sameSecret(token, options.setupToken)) {
      app.authThrottle.fail(request, 'setup link');
      return NocofloError.create(Errors.NotAllowed, [
        'this link',
        'create the first admin (open the setup link `nocoflo serve` printed)',
      ]);
    }
    return undefined;
  };

  app.get<{ Querystring: { token?: string } }>('/setup', pub, async (request, reply) => {
    const token = request.query.token ?? '';
    const refused = await setupRefusal(request, reply, token);
    if (refused) throw refused;
    return sendPage(reply, renderSetup(token));
  });

  app.post('/setup', pub, async (request, reply) => {
    const token = field(request.body, 'token');
    const refused = await setupRefusal(request, reply, token);
    if (refused) throw refused;
    let user: Awaited<ReturnType<AccountStore['createUser']>>;
    try {
      user = await accounts.createUser(field(request.body, 'name'), 'admin', field(request.body, 'password'));
    } catch (error) {
      if (!isNocofloError(error)) throw error;
      return sendPage(reply, renderSetup(token, error.toJSON()), error.status);
    }
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

  /** Runs an admin action from the users page: audited, then the page again with a notice or the error. */
  const action = <P extends Record<string, string>>(
    path: string,
    run: (
      request: FastifyRequest<{ Params: P }>,
      actor: string,
    ) => Promise<{ notice: string; secret?: string }>,
  ) =>
    app.post<{ Params: P }>(path, admin, async (request, reply) => {
      try {
        const done = await run(request, request.actor.label);
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

  action('/admin/users', async (request, actor) => {
    const role = field(request.body, 'role') || 'viewer';
    assertRole(role);
    const user = await accounts.createUser(
      field(request.body, 'name'),
      role,
      field(request.body, 'password'),
    );
    await accounts.appendAudit({ actor, action: 'user.add', detail: { user: user.name, role } });
    return { notice: `Added ${user.name} (${role}).` };
  });

  action<{ name: string }>('/admin/users/:name/role', async (request, actor) => {
    const role = field(request.body, 'role');
    assertRole(role);
    const user = await accounts.setRole(request.params.name, role as Role);
    await accounts.appendAudit({ actor, action: 'user.set-role', detail: { user: user.name, role } });
    return { notice: `${user.name} is now ${role}.` };
  });

  action<{ name: string }>('/admin/users/:name/password', async (request, actor) => {
    const user = await accounts.setPassword(request.params.name, field(request.body, 'password'));
    await accounts.appendAudit({ actor, action: 'user.reset-password', detail: { user: user.name } });
    return { notice: `Password of ${user.name} changed; its sessions ended.` };
  });

  action<{ name: string }>('/admin/users/:name/remove', async (request, actor) => {
    const name = request.params.name;
    if (request.actor.name === name && request.actor.kind === 'user') {
      throw NocofloError.create(Errors.BadRequest, ['you cannot remove yourself; another admin can']);
    }
    if (!(await accounts.removeUser(name))) throw NocofloError.create(Errors.UserNotFound, [name]);
    await accounts.appendAudit({ actor, action: 'user.remove', detail: { user: name } });
    return { notice: `Removed ${name}.` };
  });

  action<{ name: string }>('/admin/users/:name/grants', async (request, actor) => {
    const user = await requireUser(request.params.name);
    const datasource = field(request.body, 'datasource');
    const table = field(request.body, 'table').trim() || '*';
    const access = field(request.body, 'access') as Access;
    options.connections.entry(datasource);
    await accounts.setGrant(user.id, datasource, table, access);
    await accounts.appendAudit({
      actor,
      action: 'grant.set',
      detail: { user: user.name, datasource, table, access },
    });
    return { notice: `${user.name} now has ${access} on ${datasource}.${table}.` };
  });

  action<{ name: string }>('/admin/users/:name/grants/remove', async (request, actor) => {
    const user = await requireUser(request.params.name);
    const datasource = field(request.body, 'datasource');
    const table = field(request.body, 'table');
    await accounts.removeGrant(user.id, datasource, table);
    await accounts.appendAudit({
      actor,
      action: 'grant.remove',
      detail: { user: user.name, datasource, table },
    });
    return { notice: `Removed the grant of ${user.name} on ${datasource}.${table}.` };
  });

  action<{ name: string }>('/admin/users/:name/tokens', async (request, actor) => {
    const user = await requireUser(request.params.name);
    const role = field(request.body, 'role');
    const expires = field(request.body, 'expires');
    const { secret, token } = await accounts.createToken(user.id, field(request.body, 'name'), {
      ...(role ? { role: role as Role } : {}),
      ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
    });
    await accounts.appendAudit({
      actor,
      action: 'token.create',
      detail: { user: user.name, token: token.name },
    });
    return { notice: `New token ${token.name} for ${user.name}.`, secret };
  });

  action<{ name: string; id: string }>('/admin/users/:name/tokens/:id/revoke', async (request, actor) => {
    if (!(await accounts.revokeToken(request.params.id))) {
      throw NocofloError.create(Errors.NotFound, ['POST', `token ${request.params.id}`]);
    }
    await accounts.appendAudit({
      actor,
      action: 'token.revoke',
      detail: { user: request.params.name, token: request.params.id },
    });
    return { notice: 'Token revoked.' };
  });
};
