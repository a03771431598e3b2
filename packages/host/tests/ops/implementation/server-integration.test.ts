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
});
