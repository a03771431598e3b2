/**
 * The admin API under `/admin`: list plugins, enable / disable / reload, install /
 * uninstall, get / set config, permissions and API tokens. Every route needs the admin
 * token (`Authorization: Bearer <token>`); errors are JSON with catalog codes; requests on
 * one plugin are serialised.
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
 * | GET, POST | /admin/tokens | API tokens (POST `{ name, permissions }` → 201 with the secret, once) |
 * | DELETE | /admin/tokens/:id | revokes a token |
 */
import { Errors, NocofloError, type PluginInfo, type PluginPermissions } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyRequest } from 'fastify';
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
import { bearerToken, isAdminToken } from '../access/actor.js';
import { type AuthRateLimit, registerAuthThrottle } from '../auth-throttle.js';
import type { ServerContext, ServerExtension } from '../types.js';
import { createApiToken } from './credentials.js';
import { installJsonErrors } from './errors.js';
import { KeyedMutex } from './keyed-mutex.js';

export { type Caller, createApiToken, hashSecret, holds, identifyCaller } from './credentials.js';
export { KeyedMutex } from './keyed-mutex.js';

/** Options of {@link registerAdminApi}. */
export interface AdminApiOptions {
  /** The running host. */
  host: PluginHost;
  /** The admin token every route requires. */
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

/** The body of `POST /admin/plugins/install` as JSON. */
interface InstallBody {
  spec?: unknown;
  /** The manifest permissions the operator approves (`{ addons, fsRead, env }`). */
  approvePermissions?: unknown;
}

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

/**
 * The admin check of a standalone admin API (registered without the server's auth plugin):
 * the admin token in `Authorization: Bearer`. Inside the server, the auth plugin has already
 * resolved the actor and the route rule `admin` has been enforced.
 */
function requireAdmin(request: FastifyRequest, adminToken: string): void {
  if ((request as { actor?: unknown }).actor !== undefined) return;
  const header = request.headers.authorization;
  if (header === undefined)
    throw NocofloError.create(Errors.Unauthorized, ['no Authorization header was sent']);
  const given = bearerToken(header);
  if (given === undefined) {
    throw NocofloError.create(Errors.Unauthorized, ['the Authorization header is not "Bearer <token>"']);
  }
  if (!isAdminToken(given, adminToken))
    throw NocofloError.create(Errors.Unauthorized, ['the token is wrong']);
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
 * Registers the admin API on `app`, in its own encapsulated scope (its own body parsers
 * and JSON error handler). Testable on its own with `fastify().inject(...)`.
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
  const { host, adminToken, store } = options;
  const audit: AdminAudit = options.audit ?? (async () => {});
  const prefix = options.prefix ?? '/admin';
  const locks = new KeyedMutex();
  const maxBytes = options.install?.maxBytes ?? 50 * 1024 * 1024;
  // createServer registered it already; the admin API used on its own gets its own.
  await registerAuthThrottle(app, { adminToken, store, logger: host.logger, limit: options.authRateLimit });

  await app.register(
    async (scope) => {
      installJsonErrors(scope, host);
      scope.addContentTypeParser(
        TARBALL_TYPES,
        { parseAs: 'buffer', bodyLimit: maxBytes },
        (_request, body, done) => done(null, body),
      );
      // Every admin route needs the admin role (the auth plugin enforces it before the handler).
      scope.addHook('onRoute', (route) => {
        route.config = { ...route.config, access: 'admin' };
      });
      scope.addHook('preHandler', async (request) => requireAdmin(request, adminToken));

      scope.get('/plugins', async () => {
        const plugins = host.list();
        return {
          available: plugins,
          loaded: plugins.filter((p) => LOADED_STATES.has(p.state)).map((p) => p.name),
          permissions: host.routes.permissions(),
        };
      });

      scope.get<{ Params: { name: string } }>('/plugins/:name', async (request) => {
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
        scope.post<{ Params: { name: string } }>(`/plugins/:name/${action}`, async (request) => {
          const name = request.params.name;
          return locks.run(name, async () => {
            requirePlugin(host, name);
            const plugin = await host[action](name);
            await audit(request, `plugin.${action}`, { plugin: name, state: plugin.state });
            return { plugin };
          });
        });
      }

      scope.post<{
        Params: { name: string };
        Body: { level?: unknown; trusted?: unknown; maxHeapMb?: unknown };
      }>('/plugins/:name/isolation', async (request) => {
        const name = request.params.name;
        const { level, trusted, maxHeapMb } = request.body ?? {};
        if (level !== null && !isIsolationLevel(level)) {
          throw NocofloError.create(Errors.BadRequest, [
            '"level" must be "worker", "process", "inline" (with "trusted": true) or null (the configured default)',
          ]);
        }
        if (maxHeapMb !== undefined && maxHeapMb !== null && typeof maxHeapMb !== 'number') {
          throw NocofloError.create(Errors.BadRequest, ['"maxHeapMb" must be a number of MB or null']);
        }
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
      });

      // The editor's view: values without secrets, which secrets are set, the JSON Schema
      // the form is generated from, and who changed the config when.
      scope.get<{ Params: { name: string } }>('/plugins/:name/config', async (request) => {
        const plugin = requirePlugin(host, request.params.name);
        const view = await host.configView(plugin.name);
        return {
          config: view.config ?? null,
          secrets: view.secrets,
          schema: view.schema ?? null,
          changes: store ? await store.listConfigChanges(plugin.name, 20) : [],
        };
      });

      scope.put<{ Params: { name: string }; Body: unknown }>('/plugins/:name/config', async (request) => {
        const name = request.params.name;
        if (request.body === undefined) {
          throw NocofloError.create(Errors.BadRequest, ['send the config as a JSON body']);
        }
        return locks.run(name, async () => {
          requirePlugin(host, name);
          const plugin = await host.setConfig(name, request.body, {
            actor: request.actor?.label ?? 'admin-token',
          });
          const view = await host.configView(name);
          // Which fields changed is in the config change log; values (and secrets) are not repeated here.
          await audit(request, 'config.set', { plugin: name });
          return { plugin, config: view.config ?? null, secrets: view.secrets };
        });
      });

      scope.post<{ Body: InstallBody | Buffer }>('/plugins/install', async (request, reply) => {
        let source: InstallSource;
        let approval: PluginPermissions | undefined;
        if (Buffer.isBuffer(request.body)) {
          const filename = request.headers['x-filename'];
          source = { data: request.body, ...(typeof filename === 'string' ? { filename } : {}) };
          approval = approvalOf(request.headers['x-approve-permissions']);
        } else {
          approval = approvalOf((request.body as InstallBody | undefined)?.approvePermissions);
          const spec = (request.body as InstallBody | undefined)?.spec;
          if (typeof spec !== 'string' || spec.trim() === '') {
            throw NocofloError.create(Errors.BadRequest, [
              'send { "spec": "<npm spec>" } as JSON, or the tarball itself as application/gzip',
            ]);
          }
          source = spec.trim();
        }
        // Installs run one at a time; the swap itself also holds the host's lifecycle lock.
        const plugin = await locks.run('\0install', () =>
          installPlugin(host, source, {
            ...options.install,
            ...(approval ? { approvePermissions: approval } : {}),
            approvedBy: request.actor?.label ?? 'admin-token',
          }),
        );
        await audit(request, 'plugin.install', { plugin: plugin.name, version: plugin.version });
        return reply.status(201).send({ plugin });
      });

      scope.delete<{ Params: { name: string } }>('/plugins/:name', async (request) => {
        const name = request.params.name;
        return locks.run(name, async () => {
          await uninstallPlugin(host, name, options.install);
          await audit(request, 'plugin.uninstall', { plugin: name });
          return { uninstalled: name };
        });
      });

      scope.get('/permissions', async () => ({ permissions: host.routes.permissions() }));

      scope.get('/tokens', async () => ({
        tokens: await requireStore(store, `${prefix}/tokens`).listApiTokens(),
      }));

      scope.post<{ Body: { name?: unknown; permissions?: unknown } }>('/tokens', async (request, reply) => {
        const target = requireStore(store, `${prefix}/tokens`);
        const { name, permissions } = request.body ?? {};
        if (typeof name !== 'string' || name.trim() === '') {
          throw NocofloError.create(Errors.BadRequest, ['"name" must be a non-empty string']);
        }
        if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string' && p.length > 0)) {
          throw NocofloError.create(Errors.BadRequest, ['"permissions" must be an array of permission keys']);
        }
        const { secret, token } = await createApiToken(target, name.trim(), permissions as string[]);
        await audit(request, 'token.create', { token: token.name, permissions: token.permissions });
        return reply.status(201).send({ token, secret });
      });

      scope.delete<{ Params: { id: string } }>('/tokens/:id', async (request) => {
        const target = requireStore(store, `${prefix}/tokens`);
        if (!(await target.deleteApiToken(request.params.id))) {
          throw NocofloError.create(Errors.NotFound, ['DELETE', `${prefix}/tokens/${request.params.id}`]);
        }
        await audit(request, 'token.revoke', { token: request.params.id });
        return { revoked: request.params.id };
      });
    },
    { prefix },
  );
}

/**
 * The admin API as a server extension (see `server/extensions.ts`), with the metadata
 * store taken from the server context when it has one.
 */
export function adminApiExtension(
  extra: { store?: MetadataStore; install?: InstallOptions } = {},
): ServerExtension {
  return (app: FastifyInstance, ctx: ServerContext) => {
    const fromContext = (ctx as ServerContext & { store?: unknown }).store;
    const store =
      extra.store ?? (isMetadataStore(fromContext as never) ? (fromContext as MetadataStore) : undefined);
    return registerAdminApi(app, {
      host: ctx.host,
      adminToken: ctx.adminToken,
      store,
      audit: async (request, action, detail) => {
        await ctx.accounts.appendAudit({ actor: request.actor?.label ?? 'admin-token', action, detail });
      },
      ...(extra.install ? { install: extra.install } : {}),
    });
  };
}
