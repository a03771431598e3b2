import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import { definePlugin } from '@nocoflo/sdk';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerAdminApi } from '../../../src/server/admin-api/index.js';
import { registerPluginRoutes } from '../../../src/server/plugin-routes.js';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { goodPluginTarball, makeTarball, pluginEntry, pluginPackageJson } from '../fixtures/tarball.js';
import { tempDir } from '../helpers.js';

const TOKEN = 'admin-secret-for-tests';
const auth = { authorization: `Bearer ${TOKEN}` };
const enc = encodeURIComponent;

describe('admin API', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let store: MetadataStore;
  let host: PluginHost;
  let app: FastifyInstance;
  let pluginDir: string;
  const setups: unknown[] = [];

  beforeEach(async () => {
    setups.length = 0;
    dir = await tempDir();
    pluginDir = join(dir.path, 'plugins');
    await mkdir(pluginDir);
    writePluginDir(pluginDir, 'base', 'ops-base', {
      body: `permissions: [{ key: 'base.read', description: 'Read base entries' }],
        setup(ctx) {
          ctx.registerRoute({ method: 'GET', path: '/open', handler: () => ({ body: { open: true } }) });
          ctx.registerRoute({ method: 'GET', path: '/entries/:id', permission: 'base.read',
            handler: (req) => ({ body: { id: req.params.id, q: req.query } }) });
          ctx.registerRoute({ method: 'POST', path: '/echo', handler: (req) => ({ status: 201, body: req.body }) });
          ctx.registerRoute({ method: 'GET', path: '/text', handler: () => ({ body: 'plain', headers: { 'x-from': 'plugin' } }) });
          ctx.registerRoute({ method: 'GET', path: '/boom', handler: () => { throw new Error('kaput'); } });
          ctx.registerRoute({ method: 'GET', path: '/headers', handler: (req) => ({ body: req.headers }) });
          ctx.registerRoute({ method: 'GET', path: '/hang', handler: () => new Promise(() => {}) });
        },`,
    });
    writePluginDir(pluginDir, 'dependent', 'ops-dependent', {
      manifest: { dependencies: { 'ops-base': '^1.0.0' } },
    });
    store = await openMetadataStore(join(dir.path, 'data', 'metadata.db'));
    host = await createHost({
      root: dir.path,
      pluginDirs: ['plugins'],
      scanNodeModules: false,
      store,
      callbackTimeoutMs: 2_000,
    });
    await host.start();
    await host.register(
      definePlugin({
        config: z.object({ table: z.string().min(1), limit: z.number().int().positive().default(10) }),
        setup(ctx) {
          setups.push(ctx.config);
        },
      }),
      { name: '@ops/configured' },
    );
    app = fastify();
    await registerAdminApi(app, { host, adminToken: TOKEN, store, install: { pluginDir } });
    // A deadline only a hung handler reaches: a working one may take seconds on a busy machine
    // (a 300 ms deadline here once answered 504 to the /headers route under load). The hang
    // test below has a server of its own with a short one.
    await registerPluginRoutes(app, { host, adminToken: TOKEN, store, timeoutMs: 120_000 });
  });

  afterEach(async () => {
    await app.close();
    await host.stop();
    await dir.cleanup();
  });

  describe('admin token', () => {
    it.each([
      ['no header', {}, /no Authorization header/],
      ['a wrong token', { authorization: 'Bearer nope' }, /not the admin token or a valid API token/],
      ['a malformed header', { authorization: TOKEN }, /not "Bearer <token>"/],
    ])('answers 401 with %s and changes nothing', async (_label, headers, reason) => {
      const response = await app.inject({ method: 'POST', url: '/admin/plugins/ops-base/disable', headers });
      expect(response.statusCode).toBe(401);
      const body = response.json();
      expect(body.error.code).toBe('NCF_UNAUTHORIZED');
      expect(body.error.message).toMatch(reason);
      expect(body.error.hint).toMatch(/Bearer/);
      expect(host.get('ops-base')?.state).toBe('enabled');
      expect((await store.readPluginStates()).get('ops-base')?.enabled).toBe(true);
      // Reads need it too: config may hold secrets.
      expect((await app.inject({ url: '/admin/plugins', headers })).statusCode).toBe(401);
    });
  });

  it('lists available and loaded plugins with details', async () => {
    await host.disable('ops-dependent');
    const response = await app.inject({ url: '/admin/plugins', headers: auth });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.available.map((p: { name: string }) => p.name).sort()).toEqual([
      '@ops/configured',
      'ops-base',
      'ops-dependent',
    ]);
    expect(body.loaded.sort()).toEqual(['ops-base', 'ops-dependent']);
    expect(body.available.find((p: { name: string }) => p.name === 'ops-dependent').state).toBe('disabled');
    expect(body.permissions).toEqual([
      { key: 'base.read', description: 'Read base entries', plugin: 'ops-base' },
    ]);

    // Registered without its required config: failed, with the exact path and reason.
    const detail = await app.inject({ url: `/admin/plugins/${enc('@ops/configured')}`, headers: auth });
    expect(detail.json()).toMatchObject({
      plugin: { name: '@ops/configured', state: 'failed' },
      config: null,
      migrations: [],
    });
    expect(detail.json().plugin.error.code).toBe('NCF_CONFIG_INVALID');
    expect(detail.json().plugin.error.message).toMatch(/table: /);
  });

  it('answers 404 with the known names for an unknown plugin', async () => {
    const response = await app.inject({ method: 'POST', url: '/admin/plugins/nope/enable', headers: auth });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NCF_PLUGIN_NOT_FOUND');
    expect(response.json().error.message).toContain('ops-base');
  });

  it('disables and enables a plugin, persists the choice, and its routes come and go at once', async () => {
    expect((await app.inject({ url: '/plugins/ops-base/open', headers: auth })).json()).toEqual({
      open: true,
    });
    const off = await app.inject({ method: 'POST', url: '/admin/plugins/ops-base/disable', headers: auth });
    expect(off.statusCode).toBe(200);
    expect(off.json().plugin.state).toBe('disabled');
    expect(host.get('ops-dependent')?.state).not.toBe('enabled');
    expect((await store.readPluginStates()).get('ops-base')?.enabled).toBe(false);
    const gone = await app.inject({ url: '/plugins/ops-base/open', headers: auth });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('NCF_ROUTE_NOT_FOUND');

    const on = await app.inject({ method: 'POST', url: '/admin/plugins/ops-base/enable', headers: auth });
    expect(on.json().plugin.state).toBe('enabled');
    expect((await app.inject({ url: '/plugins/ops-base/open', headers: auth })).statusCode).toBe(200);
  });

  it('serialises concurrent requests on one plugin in arrival order', async () => {
    const actions = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? 'disable' : 'enable'));
    actions.push('disable');
    const responses = await Promise.all(
      actions.map((action) =>
        app.inject({ method: 'POST', url: `/admin/plugins/ops-base/${action}`, headers: auth }),
      ),
    );
    responses.forEach((response, i) => {
      expect(response.statusCode).toBe(200);
      expect(response.json().plugin.state).toBe(actions[i] === 'enable' ? 'enabled' : 'disabled');
    });
    expect(host.get('ops-base')?.state).toBe('disabled');
    expect((await store.readPluginStates()).get('ops-base')?.enabled).toBe(false);
  });

  describe('config', () => {
    it('rejects an invalid value with the exact path and reason, keeping the previous config running', async () => {
      const good = await app.inject({
        method: 'PUT',
        url: `/admin/plugins/${enc('@ops/configured')}/config`,
        headers: auth,
        payload: { table: 'orders' },
      });
      expect(good.statusCode).toBe(200);
      expect(good.json().plugin.state).toBe('enabled');
      expect(setups.at(-1)).toEqual({ table: 'orders', limit: 10 });
      const setupsBefore = setups.length;

      const bad = await app.inject({
        method: 'PUT',
        url: `/admin/plugins/${enc('@ops/configured')}/config`,
        headers: auth,
        payload: { table: 'orders', limit: -3 },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('NCF_CONFIG_INVALID');
      expect(bad.json().error.message).toMatch(/limit: .*(>0|positive|greater)/i);
      expect(bad.json().error.details.issues).toEqual([{ path: ['limit'], message: expect.any(String) }]);
      expect(await store.readPluginConfig('@ops/configured')).toEqual({ table: 'orders' });
      expect(setups.length).toBe(setupsBefore);
      expect(host.get('@ops/configured')?.state).toBe('enabled');

      const read = await app.inject({
        url: `/admin/plugins/${enc('@ops/configured')}/config`,
        headers: auth,
      });
      expect(read.json()).toMatchObject({ config: { table: 'orders' }, secrets: [] });
      expect(read.json().schema).toMatchObject({ type: 'object', required: ['table'] });
      // The rejected write left no trace; the accepted one is recorded with who and when.
      expect(read.json().changes).toEqual([
        { plugin: '@ops/configured', actor: 'admin-token', fields: ['table'], changedAt: expect.any(String) },
      ]);
    });

    it('reloads the plugin with a changed value', async () => {
      for (const table of ['a', 'b']) {
        await app.inject({
          method: 'PUT',
          url: `/admin/plugins/${enc('@ops/configured')}/config`,
          headers: auth,
          payload: { table },
        });
      }
      expect(setups).toEqual([
        { table: 'a', limit: 10 },
        { table: 'b', limit: 10 },
      ]);
    });

    it('answers 400 for a body that is not JSON', async () => {
      const response = await app.inject({
        method: 'PUT',
        url: '/admin/plugins/ops-base/config',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: '{ not json',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('NCF_BAD_REQUEST');
    });
  });

  describe('plugin routes and permissions', () => {
    it('answers 401 to a route without a permission for a caller without any credential', async () => {
      // One auth path decides for every route: a plugin route without a declared permission needs a role.
      const response = await app.inject({ url: '/plugins/ops-base/open' });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe('NCF_UNAUTHORIZED');
    });

    it('dispatches with params, query, body, status, headers and text bodies', async () => {
      const echo = await app.inject({
        method: 'POST',
        url: '/plugins/ops-base/echo',
        headers: auth,
        payload: { a: 1 },
      });
      expect(echo.statusCode).toBe(201);
      expect(echo.json()).toEqual({ a: 1 });
      const text = await app.inject({ url: '/plugins/ops-base/text', headers: auth });
      expect(text.body).toBe('plain');
      expect(text.headers['x-from']).toBe('plugin');
      const boom = await app.inject({ url: '/plugins/ops-base/boom', headers: auth });
      expect(boom.statusCode).toBe(500);
      expect(boom.json().error.message).toMatch(/ops-base.*kaput/);
    });

    it("never hands the caller's credentials to plugin code", async () => {
      const seen = (
        await app.inject({ url: '/plugins/ops-base/headers', headers: { ...auth, 'x-trace': 't1' } })
      ).json();
      expect(seen['x-trace']).toBe('t1');
      expect(seen.authorization).toBeUndefined();
      expect(JSON.stringify(seen)).not.toContain(TOKEN);
    });

    it('answers 504 when a route handler hangs, and keeps serving', async () => {
      // The same host's routes behind a short deadline, which the hung handler reaches
      // however fast or slow the machine is.
      const short = fastify();
      try {
        await registerPluginRoutes(short, { host, adminToken: TOKEN, store, timeoutMs: 300 });
        const hung = await short.inject({ url: '/plugins/ops-base/hang', headers: auth });
        expect(hung.statusCode).toBe(504);
        expect(hung.json().error.code).toBe('NCF_PLUGIN_CALLBACK_TIMEOUT');
      } finally {
        await short.close();
      }
      // The plugin keeps serving after its hung handler was given up on.
      expect((await app.inject({ url: '/plugins/ops-base/open', headers: auth })).statusCode).toBe(200);
    });

    it('requires the declared permission: 403 without it, 200 with the admin token or a granted API token', async () => {
      const url = '/plugins/ops-base/entries/7?x=1';
      const anonymous = await app.inject({ url });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error).toMatchObject({ code: 'NCF_UNAUTHORIZED' });
      expect((await app.inject({ url, headers: auth })).json()).toEqual({ id: '7', q: { x: '1' } });

      // Every token belongs to a user; the admin token is nobody, so it names the owner.
      await store.accounts().createUser('ops', 'admin', 'ops password 123');
      const created = await app.inject({
        method: 'POST',
        url: '/admin/tokens',
        headers: auth,
        payload: { name: 'reader', user: 'ops', role: 'viewer', permissions: ['base.read'] },
      });
      expect(created.statusCode).toBe(201);
      const { secret, token } = created.json();
      const other = (
        await app.inject({
          method: 'POST',
          url: '/admin/tokens',
          headers: auth,
          payload: { name: 'other', user: 'ops', role: 'viewer', permissions: ['x.y'] },
        })
      ).json();

      expect((await app.inject({ url, headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(
        200,
      );
      expect(
        (await app.inject({ url, headers: { authorization: `Bearer ${other.secret}` } })).statusCode,
      ).toBe(403);
      // A token acting as a viewer is no admin, whoever owns it.
      expect(
        (await app.inject({ url: '/admin/plugins', headers: { authorization: `Bearer ${secret}` } }))
          .statusCode,
      ).toBe(403);

      const listed = (await app.inject({ url: '/admin/tokens', headers: auth })).json();
      expect(listed.tokens.map((t: { name: string; user: string }) => `${t.name}@${t.user}`).sort()).toEqual([
        'other@ops',
        'reader@ops',
      ]);
      expect(JSON.stringify(listed)).not.toContain(secret);
      expect(
        (await app.inject({ method: 'DELETE', url: `/admin/tokens/${token.id}`, headers: auth })).statusCode,
      ).toBe(200);
      // A revoked token is no credential at all.
      expect((await app.inject({ url, headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(
        401,
      );

      const perms = (await app.inject({ url: '/admin/permissions', headers: auth })).json();
      expect(perms.permissions.map((p: { key: string }) => p.key)).toEqual(['base.read']);
    });

    it('rejects token requests without a name, or without an owner when the admin token makes them', async () => {
      await store.accounts().createUser('ops', 'admin', 'ops password 123');
      const response = await app.inject({
        method: 'POST',
        url: '/admin/tokens',
        headers: auth,
        payload: { name: '', user: 'ops' },
      });
      expect(response.statusCode).toBe(400);
      const ownerless = await app.inject({
        method: 'POST',
        url: '/admin/tokens',
        headers: auth,
        payload: { name: 'ci' },
      });
      expect(ownerless.statusCode).toBe(400);
      expect(ownerless.json().error.message).toMatch(/"user" must name the user the token acts for/);
      const nobody = await app.inject({
        method: 'POST',
        url: '/admin/tokens',
        headers: auth,
        payload: { name: 'ci', user: 'nobody' },
      });
      expect(nobody.statusCode).toBe(404);
      expect(nobody.json().error.code).toBe('NCF_USER_NOT_FOUND');
      expect(await store.accounts().listTokens()).toEqual([]);
    });
  });

  describe('install and uninstall', () => {
    const upload = (bytes: Buffer, filename = 'plugin.tgz') =>
      app.inject({
        method: 'POST',
        url: '/admin/plugins/install',
        headers: { ...auth, 'content-type': 'application/gzip', 'x-filename': filename },
        payload: bytes,
      });

    it('installs an uploaded tarball and starts it', async () => {
      const response = await upload(goodPluginTarball('@ops/hello', '1.0.0'));
      expect(response.statusCode).toBe(201);
      expect(response.json().plugin).toMatchObject({
        name: '@ops/hello',
        version: '1.0.0',
        state: 'enabled',
        source: 'directory',
      });
      expect(existsSync(join(pluginDir, '@ops+hello', 'package.json'))).toBe(true);
      expect(existsSync(join(pluginDir, '.nocoflo-install'))).toBe(false);
    });

    it.each([
      ['a "../" path', [{ path: 'package/../../evil.js', content: 'x' }], 'NCF_INSTALL_REJECTED'],
      ['an absolute path', [{ path: '/tmp/evil.js', content: 'x' }], 'NCF_INSTALL_REJECTED'],
      [
        'a symlink out',
        [{ path: 'package/evil', type: 'symlink' as const, linkpath: '../../..' }],
        'NCF_INSTALL_REJECTED',
      ],
      [
        'a broken manifest',
        [{ path: 'package/package.json', content: '{ "name": "@ops/bad", ' }],
        'NCF_PACKAGE_JSON_UNREADABLE',
      ],
      [
        'a manifest without host range',
        [
          {
            path: 'package/package.json',
            content: JSON.stringify({
              name: '@ops/bad',
              version: '1.0.0',
              keywords: ['nocoflo-plugin'],
              nocoflo: { entry: './index.js' },
            }),
          },
        ],
        'NCF_MANIFEST_INVALID',
      ],
      [
        'a plugin for another host',
        [
          {
            path: 'package/package.json',
            content: pluginPackageJson('@ops/future', '1.0.0', { nocoflo: { host: '>=99.0.0' } }),
          },
        ],
        'NCF_HOST_RANGE_UNSATISFIED',
      ],
      [
        'a missing plugin dependency',
        [
          {
            path: 'package/package.json',
            content: pluginPackageJson('@ops/needy', '1.0.0', {
              nocoflo: { dependencies: { '@ops/absent': '^1.0.0' } },
            }),
          },
        ],
        'NCF_DEPENDENCY_MISSING',
      ],
    ])('refuses %s with a clear error and leaves everything as it was', async (_label, entries, code) => {
      const before = (await readdir(pluginDir)).sort();
      const states = host.list().map((p) => [p.name, p.state]);
      const response = await upload(
        makeTarball([...entries, { path: 'package/index.js', content: pluginEntry() }]),
      );
      expect(response.json().error.code).toBe(code);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json().error.hint.length).toBeGreaterThan(10);
      expect((await readdir(pluginDir)).sort()).toEqual(before);
      expect(existsSync(join(pluginDir, '.nocoflo-install'))).toBe(false);
      expect(host.list().map((p) => [p.name, p.state])).toEqual(states);
    });

    it('refuses an oversized upload with 413 before reading it', async () => {
      const small = fastify();
      await registerAdminApi(small, {
        host,
        adminToken: TOKEN,
        store,
        install: { pluginDir, maxBytes: 256 },
      });
      const response = await small.inject({
        method: 'POST',
        url: '/admin/plugins/install',
        headers: { ...auth, 'content-type': 'application/gzip' },
        payload: Buffer.alloc(4096, 1),
      });
      expect(response.statusCode).toBe(413);
      await small.close();
    });

    it('upgrades in place, and keeps the previous version running when the new one fails to start', async () => {
      expect((await upload(goodPluginTarball('@ops/hello', '1.0.0'))).statusCode).toBe(201);
      const v2 = await upload(goodPluginTarball('@ops/hello', '2.0.0'));
      expect(v2.json().plugin).toMatchObject({ version: '2.0.0', state: 'enabled' });

      const broken = await upload(
        goodPluginTarball('@ops/hello', '3.0.0', {
          entry: pluginEntry("setup() { throw new Error('v3 cannot start'); },", '3.0.0'),
        }),
      );
      expect(broken.statusCode).toBe(500);
      expect(broken.json().error.code).toBe('NCF_INSTALL_FAILED');
      expect(broken.json().error.message).toMatch(/v3 cannot start/);
      expect(host.get('@ops/hello')).toMatchObject({ version: '2.0.0', state: 'enabled' });
      const onDisk = JSON.parse(await readFile(join(pluginDir, '@ops+hello', 'package.json'), 'utf8'));
      expect(onDisk.version).toBe('2.0.0');
      expect(existsSync(join(pluginDir, '.nocoflo-install'))).toBe(false);
    });

    it('removes a brand-new plugin that fails to start', async () => {
      const response = await upload(
        goodPluginTarball('@ops/fragile', '1.0.0', {
          entry: pluginEntry("setup() { throw new Error('nope'); },"),
        }),
      );
      expect(response.statusCode).toBe(500);
      expect(host.get('@ops/fragile')).toBeUndefined();
      expect(existsSync(join(pluginDir, '@ops+fragile'))).toBe(false);
    });

    it('installs from an npm spec (npm pack run in the app folder), and reports npm failures', async () => {
      const source = join(dir.path, 'src-plugin');
      writePluginDir(dir.path, 'src-plugin', '@ops/from-npm', { version: '1.4.0' });
      const response = await app.inject({
        method: 'POST',
        url: '/admin/plugins/install',
        headers: auth,
        payload: { spec: `file:${source}` },
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(response.json().plugin).toMatchObject({
        name: '@ops/from-npm',
        version: '1.4.0',
        state: 'enabled',
      });
      expect(existsSync(join(pluginDir, '@ops+from-npm', 'index.js'))).toBe(true);

      const missing = await app.inject({
        method: 'POST',
        url: '/admin/plugins/install',
        headers: auth,
        payload: { spec: `file:${join(dir.path, 'does-not-exist')}` },
      });
      expect(missing.json().error.code).toBe('NCF_INSTALL_FAILED');
      expect(missing.json().error.message).toMatch(/npm pack failed/);

      const option = await app.inject({
        method: 'POST',
        url: '/admin/plugins/install',
        headers: auth,
        payload: { spec: '--global' },
      });
      expect(option.statusCode).toBe(400);
      expect(option.json().error.code).toBe('NCF_INSTALL_REJECTED');
    });

    it("installs the plugin's own npm dependencies when the app lacks them", async () => {
      // A dependency only this plugin has, as a local npm tarball (no registry needed).
      const depTarball = join(dir.path, 'ops-private-dep-1.0.0.tgz');
      await writeFile(
        depTarball,
        makeTarball([
          {
            path: 'package/package.json',
            content: JSON.stringify({
              name: 'ops-private-dep',
              version: '1.0.0',
              type: 'module',
              main: 'index.js',
            }),
          },
          { path: 'package/index.js', content: "export const greeting = 'hello from a dependency';" },
        ]),
      );
      const withDep = makeTarball([
        {
          path: 'package/package.json',
          content: pluginPackageJson('@ops/with-dep', '1.0.0', {
            dependencies: { 'ops-private-dep': `file:${depTarball}` },
          }),
        },
        {
          path: 'package/index.js',
          content: `import { greeting } from 'ops-private-dep';
export default { [Symbol.for('nocoflo.plugin')]: true, setup(ctx) { ctx.registerRoute({ method: 'GET', path: '/hi', handler: () => ({ body: greeting }) }); } };`,
        },
      ]);
      const response = await upload(withDep);
      expect(response.statusCode, response.body).toBe(201);
      expect(
        existsSync(join(pluginDir, '@ops+with-dep', 'node_modules', 'ops-private-dep', 'index.js')),
      ).toBe(true);
      expect((await app.inject({ url: '/plugins/@ops/with-dep/hi', headers: auth })).body).toBe(
        'hello from a dependency',
      );
    });

    it('answers 400 for an install request without spec or tarball', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/admin/plugins/install',
        headers: auth,
        payload: {},
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('NCF_BAD_REQUEST');
    });

    it('answers 404 when uninstalling an unknown plugin', async () => {
      const response = await app.inject({ method: 'DELETE', url: '/admin/plugins/ops-nope', headers: auth });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('NCF_PLUGIN_NOT_FOUND');
    });

    it('refuses to uninstall while enabled plugins depend on it, listing them; then uninstalls', async () => {
      const refused = await app.inject({ method: 'DELETE', url: '/admin/plugins/ops-base', headers: auth });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('NCF_HAS_DEPENDENTS');
      expect(refused.json().error.message).toContain('ops-dependent');
      expect(refused.json().error.details.dependents).toEqual(['ops-dependent']);
      expect(existsSync(join(pluginDir, 'base'))).toBe(true);
      expect(host.get('ops-base')?.state).toBe('enabled');

      const registered = await app.inject({
        method: 'DELETE',
        url: `/admin/plugins/${enc('@ops/configured')}`,
        headers: auth,
      });
      expect(registered.statusCode).toBe(409);
      expect(registered.json().error.code).toBe('NCF_UNINSTALL_REFUSED');

      expect(
        (await app.inject({ method: 'DELETE', url: '/admin/plugins/ops-dependent', headers: auth }))
          .statusCode,
      ).toBe(200);
      const done = await app.inject({ method: 'DELETE', url: '/admin/plugins/ops-base', headers: auth });
      expect(done.statusCode).toBe(200);
      expect(host.get('ops-base')).toBeUndefined();
      expect(existsSync(join(pluginDir, 'base'))).toBe(false);
      expect((await app.inject({ url: '/plugins/ops-base/open', headers: auth })).statusCode).toBe(404);
    });
  });
});
