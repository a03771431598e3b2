/**
 * The admin API under `/admin`: list plugins, enable / disable / reload, install /
 * uninstall, get / set config, permissions and API tokens. Every route declares the `admin`
 * rule, which the server's auth plugin enforces (the admin token, or a signed-in admin or
 * an admin's API token); parameters and bodies are validated by zod schemas through
 * `fastify-type-provider-zod`; errors are the server's JSON shape with catalog codes;
 * requests on one plugin are serialised.
 *
 * | method | path | does |
 * |---|---|---|
 * | GET | /admin/plugins | `{ available, loaded, permissions }` |
 * | GET | /admin/plugins/:name | `{ plugin, config, secrets, migrations }` (secret values never) |
 * | POST | /admin/plugins/:name/enable, /disable, /reload | `{ plugin }` |
 * | GET | /admin/plugins/:name/config | `{ config, secrets, schema, changes }`: the config editor's view |
 * | PUT | /admin/plugins/:name/config | `{ plugin, config, secrets }`; 400 `NCF_CONFIG_INVALID` with `details.issues` |
 * | POST | /admin/plugins/:name/isolation | `{ level, trusted?, maxHeapMb? }` → `{ plugin }`, restarted at the new level |
 * | POST | /admin/plugins/install | JSON `{ spec, approvePermissions? }`, or a tarball body (`application/gzip`, approval in the `x-approve-permissions` header as JSON) → 201 `{ plugin }`; 403 `NCF_PERMISSIONS_NOT_APPROVED` with `details.permissions` when the plugin asks for permissions not approved |
 * | DELETE | /admin/plugins/:name | uninstall → `{ uninstalled }` |
 * | GET | /admin/permissions | permissions declared by enabled plugins |
 * | GET | /admin/tokens | API tokens, each with its owner (`user`), role, permissions and expiry (never a secret) |
 * | POST | /admin/tokens | `{ name, user?, role?, permissions?, expiresAt? }` → 201 `{ token, secret }` (the secret shown this once). The owner is `user`, else the signed-in admin (the admin token is nobody: it must name one); role and permissions at most the owner's (400 otherwise) |
 * | DELETE | /admin/tokens/:id | revokes a token |
 */
import { Errors, NocofloError, type PluginInfo, type PluginPermissions } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountStore } from '../../accounts/types.js';
import { ROLES } from '../../accounts/types.js';
import {
  type InstallOptions,
  type InstallSource,
  installPlugin,
  uninstallPlugin,
} from '../../install/index.js';
import { parseApproval } from '../../lifecycle/permission-approval.js';
import { isIsolationLevel } from '../../runtime/types.js';
import type { MetadataStore } from '../../store/metadata.js';
import { isMetadataStore } from '../../store/metadata.js';
import type { PluginHost } from '../../types.js';
import type { AuthRateLimit } from '../plugins/rate-limit.js';
import { registerServerCore } from '../plugins/standalone.js';
import type { ServerContext, ServerExtension } from '../types.js';
import { KeyedMutex } from './keyed-mutex.js';

export { KeyedMutex } from './keyed-mutex.js';

/** Options of {@link adminApiPlugin}. */
export interface AdminApiPluginOptions {
  /** The running host. */
  host: PluginHost;
  /** The metadata store, for applied migrations and API tokens (those routes answer 404 without one). */
  store?: MetadataStore | undefined;
  /** Users and their API tokens; default the metadata store's. */
  accounts?: AccountStore | undefined;
  /** Install options (plugin directory, archive limits). */
  install?: InstallOptions | undefined;
  /** Path prefix of the routes (`prefix` of `register`), for messages. Default `/admin`. */
  prefix?: string | undefined;
  /** Records each change in the audit trail (plugin actions, config, install, tokens). */
  audit?: AdminAudit | undefined;
}

/** Options of {@link registerAdminApi}. */
export interface AdminApiOptions {
  /** The running host. */
  host: PluginHost;
  /** The admin token every route requires (when the instance has no auth plugin yet). */
  adminToken: string;
  /** The metadata store, for applied migrations and API tokens (those routes answer 404 without one). */
  store?: MetadataStore | undefined;
  /** Install options (plugin directory, archive limits). */
  install?: InstallOptions;
  /** Path prefix. Default `/admin`. */
  prefix?: string;
  /** Failed authentications allowed per client address (see `createServer`). Default 10 per minute. */
  authRateLimit?: AuthRateLimit;
  /** Records each change in the audit trail (plugin actions, config, install, tokens). */
  audit?: AdminAudit;
}

/** Records an admin change: who (from the request), what, and about what. */
export type AdminAudit = (
  request: FastifyRequest,
  action: string,
  detail: Record<string, unknown>,
) => Promise<void>;

/** States in which a plugin's code is loaded in the host. */
const LOADED_STATES = new Set(['loaded', 'setup', 'enabled', 'disabled']);
const TARBALL_TYPES = [
  'application/gzip',
  'application/x-gzip',
  'application/octet-stream',
  'application/x-tar',
];

/** `:name` of the plugin routes. */
const nameParams = z.object({ name: z.string().min(1) });
/** `:id` of the token routes. */
const idParams = z.object({ id: z.string().min(1) });
/** `POST /tokens`. */
const tokenBody = z.object({
  name: z.string().trim().min(1, '"name" must be a non-empty string'),
  user: z.string().trim().min(1, '"user" must be the name of the user the token acts for').optional(),
  role: z.enum(ROLES, `"role" must be one of ${ROLES.join(', ')}`).optional(),
  permissions: z
    .array(z.string().min(1), '"permissions" must be an array of permission keys')
    .optional()
    .default([]),
  expiresAt: z
    .string('"expiresAt" must be a date (ISO 8601)')
    .refine((value) => !Number.isNaN(Date.parse(value)), '"expiresAt" must be a date (ISO 8601)')
    .optional(),
});
/** `POST /plugins/install`: an npm spec as JSON (with the permissions approved), or the tarball's bytes. */
const installBody = z.union([
  z.instanceof(Buffer),
  z.object({ spec: z.string().trim().min(1), approvePermissions: z.unknown().optional() }),
]);
/** `POST /plugins/:name/isolation`. */
const isolationBody = z.object({
  level: z.unknown().refine((level) => level === null || isIsolationLevel(level), {
    message:
      '"level" must be "worker", "process", "inline" (with "trusted": true) or null (the configured default)',
  }),
  trusted: z.boolean().optional(),
  maxHeapMb: z.number('"maxHeapMb" must be a number of MB or null').nullable().optional(),
});

/** The approval sent with an install: absent, or a permissions object (anything else is refused). */
function approvalOf(value: unknown): PluginPermissions | undefined {
  if (value === undefined || value === null) return undefined;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  const approval = parseApproval(parsed);
  if (!approval) {
    throw NocofloError.create(Errors.BadRequest, [
      'approvePermissions must be the permissions approved, as { "addons": boolean, "fsRead": [paths], "env": [names] }',
    ]);
  }
  return approval;
}

function requirePlugin(host: PluginHost, name: string): PluginInfo {
  const info = host.get(name);
  if (!info) throw NocofloError.create(Errors.PluginNotFound, [name, host.list().map((p) => p.name)]);
  return info;
}

function requireStore(store: MetadataStore | undefined, what: string): MetadataStore {
  if (!store) {
    throw NocofloError.create(Errors.NotFound, [
      'GET',
      `${what} (this server runs without a metadata store)`,
    ]);
  }
  return store;
}

/**
 * The admin API as an encapsulated Fastify plugin (register it with a `prefix`, `/admin` in
 * the server): its own body parser for tarballs, the zod type provider, and every route
 * with the `admin` rule. It needs the server's auth plugin above it.
 */
export const adminApiPlugin: FastifyPluginAsync<AdminApiPluginOptions> = async (
  scope: FastifyInstance,
  options: AdminApiPluginOptions,
) => {
  const { host, store } = options;
  const audit: AdminAudit = options.audit ?? (async () => {});
  const prefix = options.prefix ?? '/admin';
  const locks = new KeyedMutex();
  const maxBytes = options.install?.maxBytes ?? 50 * 1024 * 1024;
  scope.setValidatorCompiler(validatorCompiler);
  scope.setSerializerCompiler(serializerCompiler);
  scope.addContentTypeParser(
    TARBALL_TYPES,
    { parseAs: 'buffer', bodyLimit: maxBytes },
    (_request, body, done) => done(null, body),
  );
  // Every admin route needs the admin role (the auth plugin enforces it before the handler).
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'admin' };
  });
  const api = scope.withTypeProvider<ZodTypeProvider>();

  api.get('/plugins', async () => {
    const plugins = host.list();
    return {
      available: plugins,
      loaded: plugins.filter((p) => LOADED_STATES.has(p.state)).map((p) => p.name),
      permissions: host.routes.permissions(),
    };
  });

  api.get('/plugins/:name', { schema: { params: nameParams } }, async (request) => {
    const plugin = requirePlugin(host, request.params.name);
    const view = await host.configView(plugin.name);
    return {
      plugin,
      config: view.config ?? null,
      secrets: view.secrets,
      migrations: store ? await store.appliedMigrations(plugin.name) : [],
    };
  });

  for (const action of ['enable', 'disable', 'reload'] as const) {
    api.post(`/plugins/:name/${action}`, { schema: { params: nameParams } }, async (request) => {
      const name = request.params.name;
      return locks.run(name, async () => {
        requirePlugin(host, name);
        const plugin = await host[action](name);
        await audit(request, `plugin.${action}`, { plugin: name, state: plugin.state });
        return { plugin };
      });
    });
  }

  api.post(
    '/plugins/:name/isolation',
    { schema: { params: nameParams, body: isolationBody } },
    async (request) => {
      const name = request.params.name;
      const { trusted, maxHeapMb } = request.body;
      const level = request.body.level as Parameters<PluginHost['setIsolation']>[1];
      return locks.run(name, async () => {
        requirePlugin(host, name);
        const plugin = await host.setIsolation(name, level, {
          trusted: trusted === true,
          ...(maxHeapMb !== undefined ? { maxHeapMb } : {}),
        });
        await audit(request, 'plugin.isolation', {
          plugin: name,
          level,
          ...(trusted === true ? { trusted: true } : {}),
          ...(maxHeapMb !== undefined ? { maxHeapMb } : {}),
        });
        return { plugin };
      });
    },
  );

  // The editor's view: values without secrets, which secrets are set, the JSON Schema
  // the form is generated from, and who changed the config when.
  api.get('/plugins/:name/config', { schema: { params: nameParams } }, async (request) => {
    const plugin = requirePlugin(host, request.params.name);
    const view = await host.configView(plugin.name);
    return {
      config: view.config ?? null,
      secrets: view.secrets,
      schema: view.schema ?? null,
      changes: store ? await store.listConfigChanges(plugin.name, 20) : [],
    };
  });

  // The body is the plugin's own config; its schema (the plugin's zod schema) is checked by the host.
  api.put('/plugins/:name/config', { schema: { params: nameParams, body: z.unknown() } }, async (request) => {
    const name = request.params.name;
    if (request.body === undefined) {
      throw NocofloError.create(Errors.BadRequest, ['send the config as a JSON body']);
    }
    return locks.run(name, async () => {
      requirePlugin(host, name);
      const plugin = await host.setConfig(name, request.body, { actor: request.actor.label });
      const view = await host.configView(name);
      // Which fields changed is in the config change log; values (and secrets) are not repeated here.
      await audit(request, 'config.set', { plugin: name });
      return { plugin, config: view.config ?? null, secrets: view.secrets };
    });
  });

  api.post('/plugins/install', { schema: { body: installBody.optional() } }, async (request, reply) => {
    const body = request.body;
    let source: InstallSource;
    let approval: PluginPermissions | undefined;
    if (Buffer.isBuffer(body)) {
      const filename = request.headers['x-filename'];
      source = { data: body, ...(typeof filename === 'string' ? { filename } : {}) };
      approval = approvalOf(request.headers['x-approve-permissions']);
    } else if (body !== undefined) {
      source = body.spec;
      approval = approvalOf(body.approvePermissions);
    } else {
      throw NocofloError.create(Errors.BadRequest, [
        'send { "spec": "<npm spec>" } as JSON, or the tarball itself as application/gzip',
      ]);
    }
    // Installs run one at a time; the swap itself also holds the host's lifecycle lock.
    const plugin = await locks.run('\0install', () =>
      installPlugin(host, source, {
        ...options.install,
        ...(approval ? { approvePermissions: approval } : {}),
        approvedBy: request.actor.label,
      }),
    );
    await audit(request, 'plugin.install', { plugin: plugin.name, version: plugin.version });
    return reply.status(201).send({ plugin });
  });

  api.delete('/plugins/:name', { schema: { params: nameParams } }, async (request) => {
    const name = request.params.name;
    return locks.run(name, async () => {
      await uninstallPlugin(host, name, options.install);
      await audit(request, 'plugin.uninstall', { plugin: name });
      return { uninstalled: name };
    });
  });

  api.get('/permissions', async () => ({ permissions: host.routes.permissions() }));

  const requireAccounts = (what: string): AccountStore =>
    options.accounts ?? requireStore(store, what).accounts();

  api.get('/tokens', async () => {
    const accounts = requireAccounts(`${prefix}/tokens`);
    const names = new Map((await accounts.listUsers()).map((user) => [user.id, user.name]));
    const tokens = await accounts.listTokens();
    return {
      tokens: tokens.map((token) => ({
        ...token,
        user: token.userId ? (names.get(token.userId) ?? null) : null,
      })),
    };
  });

  api.post('/tokens', { schema: { body: tokenBody } }, async (request, reply) => {
    const accounts = requireAccounts(`${prefix}/tokens`);
    const { name, user, role, permissions, expiresAt } = request.body;
    // Every token belongs to a user: the one named, else the admin signed in (or whose token
    // this is). The operator's admin token is nobody's, so it must name the owner.
    const owner = user
      ? await accounts.findUser(user)
      : request.actor.userId
        ? await accounts.getUser(request.actor.userId)
        : undefined;
    if (!owner) {
      if (user) throw NocofloError.create(Errors.UserNotFound, [user]);
      throw NocofloError.create(Errors.BadRequest, [
        '"user" must name the user the token acts for (the admin token is no user; a signed-in admin owns the tokens it makes unless it names another)',
      ]);
    }
    // A token made with a token carries no more than the token making it.
    if (request.actor.kind === 'token' && owner.id === request.actor.userId) {
      const limit = request.actor.role;
      if (limit && ROLES.indexOf(role ?? owner.role) > ROLES.indexOf(limit)) {
        throw NocofloError.create(Errors.BadRequest, [
          `a token acting as ${limit} cannot make a token acting as ${role ?? owner.role}`,
        ]);
      }
    }
    const { secret, token } = await accounts.createToken(owner.id, name, {
      role: role ?? owner.role,
      permissions,
      ...(expiresAt ? { expiresAt } : {}),
    });
    await audit(request, 'token.create', {
      token: token.name,
      user: owner.name,
      role: token.role,
      permissions: token.permissions,
      ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
    });
    return reply.status(201).send({ token: { ...token, user: owner.name }, secret });
  });

  api.delete('/tokens/:id', { schema: { params: idParams } }, async (request) => {
    const accounts = requireAccounts(`${prefix}/tokens`);
    if (!(await accounts.revokeToken(request.params.id))) {
      throw NocofloError.create(Errors.NotFound, ['DELETE', `${prefix}/tokens/${request.params.id}`]);
    }
    await audit(request, 'token.revoke', { token: request.params.id });
    return { revoked: request.params.id };
  });
};

/**
 * Registers the admin API on `app` (an embedder's Fastify instance, or a test's): the
 * server's error handler, rate limit and auth plugin (bearer tokens only) when `app` has
 * none yet, then the `adminApiPlugin` Fastify plugin under `prefix`.
 *
 * @example
 * ```ts
 * import { createHost, registerAdminApi } from '@nocoflo/host';
 * import fastify from 'fastify';
 *
 * const host = await createHost();
 * await host.start();
 * const app = fastify();
 * await registerAdminApi(app, { host, adminToken: 's3cret' });
 * const response = await app.inject({
 *   method: 'POST',
 *   url: '/admin/plugins/%40acme%2Faudit/disable',
 *   headers: { authorization: 'Bearer s3cret' },
 * });
 * console.log(response.statusCode);
 * ```
 */
export async function registerAdminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  await registerServerCore(app, {
    host: options.host,
    adminToken: options.adminToken,
    store: options.store,
    authRateLimit: options.authRateLimit,
  });
  const prefix = options.prefix ?? '/admin';
  await app.register(adminApiPlugin, {
    prefix,
    host: options.host,
    store: options.store,
    install: options.install,
    audit: options.audit,
  });
}

/**
 * The admin API as a server extension (see `server/extensions.ts`), with the metadata
 * store taken from the server context when it has one.
 */
export function adminApiExtension(
  extra: { store?: MetadataStore; install?: InstallOptions } = {},
): ServerExtension {
  return async (app: FastifyInstance, ctx: ServerContext) => {
    const fromContext = (ctx as ServerContext & { store?: unknown }).store;
    const store =
      extra.store ?? (isMetadataStore(fromContext as never) ? (fromContext as MetadataStore) : undefined);
    await app.register(adminApiPlugin, {
      prefix: '/admin',
      host: ctx.host,
      store,
      // The same users and tokens the server's auth plugin knows.
      accounts: ctx.accounts,
      audit: async (request, action, detail) => {
        await ctx.accounts.appendAudit({ actor: request.actor.label, action, detail });
      },
      ...(extra.install ? { install: extra.install } : {}),
    });
  };
}
