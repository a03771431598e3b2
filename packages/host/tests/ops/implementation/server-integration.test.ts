// The admin API and plugin routes as the nocoflo server registers them (server extensions),
// with the metadata store handed over through the server context.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../../../src/server/index.js';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { goodPluginTarball } from '../fixtures/tarball.js';
import { tempDir } from '../helpers.js';

const TOKEN = 'server-integration-token';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin API and plugin routes inside createServer', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let store: MetadataStore;
  let host: PluginHost;
  let app: FastifyInstance;

  beforeEach(async () => {
    dir = await tempDir();
    await mkdir(join(dir.path, 'plugins'));
    writePluginDir(join(dir.path, 'plugins'), 'notes', '@ops/notes', {
      body: `permissions: [{ key: 'notes.read', description: 'Read notes' }],
        setup(ctx) { ctx.registerRoute({ method: 'GET', path: '/list', permission: 'notes.read', handler: () => ({ body: ['n1'] }) }); },`,
    });
    store = await openMetadataStore(join(dir.path, '.nocoflo', 'metadata.db'));
    host = await createHost({ root: dir.path, scanNodeModules: false, store });
    await host.start();
    app = await createServer({ host, datasources: [], adminToken: TOKEN, store });
  });
  afterEach(async () => {
    await app.close();
    await host.stop();
    await dir.cleanup();
  });

  it('serves the admin API with the store from the server context', async () => {
    expect((await app.inject({ url: '/admin/plugins' })).statusCode).toBe(401);
    const list = await app.inject({ url: '/admin/plugins', headers: auth });
    expect(list.json().available.map((p: { name: string }) => p.name)).toEqual(['@ops/notes']);

    await store.accounts().createUser('ops', 'admin', 'ops password 123');
    const created = await app.inject({
      method: 'POST',
      url: '/admin/tokens',
      headers: auth,
      payload: { name: 'reader', user: 'ops', role: 'viewer', permissions: ['notes.read'] },
    });
    expect(created.statusCode).toBe(201);
    const reader = { authorization: `Bearer ${created.json().secret}` };

    // Anonymous callers must sign in first (401); a signed-in actor without the permission gets 403.
    expect((await app.inject({ url: '/plugins/@ops/notes/list' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/plugins/@ops/notes/list', headers: reader })).json()).toEqual(['n1']);
    expect((await app.inject({ url: '/plugins/%40ops%2Fnotes/list', headers: reader })).statusCode).toBe(200);

    const off = await app.inject({
      method: 'POST',
      url: `/admin/plugins/${encodeURIComponent('@ops/notes')}/disable`,
      headers: auth,
    });
    expect(off.json().plugin.state).toBe('disabled');
    expect((await app.inject({ url: '/plugins/@ops/notes/list', headers: reader })).statusCode).toBe(404);
  });

  it('records install, enable / disable, config changes and uninstall in the audit trail, with who did them', async () => {
    const { definePlugin } = await import('@nocoflo/sdk');
    const { z } = await import('zod');
    await host.register(definePlugin({ config: z.object({ table: z.string().default('orders') }) }), {
      name: '@ops/configured',
    });
    const accounts = store.accounts();
    await accounts.createUser('root', 'admin', 'root password 1');
    const rootToken = {
      authorization: `Bearer ${(await accounts.createToken((await accounts.findUser('root'))?.id ?? '', 'ops')).secret}`,
    };
    const enc = encodeURIComponent;
    const installed = await app.inject({
      method: 'POST',
      url: '/admin/plugins/install',
      headers: { ...auth, 'content-type': 'application/gzip', 'x-filename': 'hello.tgz' },
      payload: goodPluginTarball('@ops/hello', '1.0.0'),
    });
    expect(installed.statusCode).toBe(201);
    for (const action of ['disable', 'enable']) {
      const done = await app.inject({
        method: 'POST',
        url: `/admin/plugins/${enc('@ops/hello')}/${action}`,
        headers: rootToken,
      });
      expect(done.statusCode).toBe(200);
    }
    const config = await app.inject({
      method: 'PUT',
      url: `/admin/plugins/${enc('@ops/configured')}/config`,
      headers: rootToken,
      payload: { table: 'customers' },
    });
    expect(config.statusCode).toBe(200);
    const removed = await app.inject({
      method: 'DELETE',
      url: `/admin/plugins/${enc('@ops/hello')}`,
      headers: auth,
    });
    expect(removed.statusCode).toBe(200);

    const trail = (await accounts.listAudit({ limit: 500 }))
      .filter((e) => e.action.startsWith('plugin.') || e.action === 'config.set')
      .reverse()
      .map((e) => [e.action, e.actor, e.detail?.plugin]);
    expect(trail).toEqual([
      ['plugin.install', 'admin-token', '@ops/hello'],
      ['plugin.disable', 'token:ops@root', '@ops/hello'],
      ['plugin.enable', 'token:ops@root', '@ops/hello'],
      ['config.set', 'token:ops@root', '@ops/configured'],
      ['plugin.uninstall', 'admin-token', '@ops/hello'],
    ]);
  });
});
