// The admin API's install body carries the operator's approval of the permissions a plugin's
// manifest asks for (`approvePermissions`, JSON): without it such a plugin is refused and
// nothing is installed; with it the plugin installs; an upgrade asking for more is refused
// again until that is approved too. (The CLI's --approve-permissions is tested in
// cli-isolation.test.ts; the install logic itself in plugin-trust.test.ts.)
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerAdminApi } from '../../../src/server/admin-api/index.js';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { tempDir } from '../helpers.js';

const TOKEN = 'admin-secret-for-approval-tests';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin API: POST /admin/plugins/install with approvePermissions', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let store: MetadataStore;
  let host: PluginHost;
  let app: FastifyInstance;
  let pluginDir: string;

  /** A plugin source folder asking for `permissions`, installed by an npm `file:` spec. */
  const source = (version: string, permissions: Record<string, unknown>) =>
    `file:${writePluginDir(join(dir.path, 'sources'), `asks-${version}`, '@ops/asks', {
      version,
      manifest: { permissions },
    })}`;
  const install = (payload: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/admin/plugins/install', headers: auth, payload });

  beforeEach(async () => {
    dir = await tempDir();
    pluginDir = join(dir.path, 'plugins');
    await mkdir(pluginDir);
    store = await openMetadataStore(join(dir.path, 'data', 'metadata.db'));
    host = await createHost({ root: dir.path, pluginDirs: ['plugins'], scanNodeModules: false, store });
    await host.start();
    app = fastify();
    await registerAdminApi(app, {
      host,
      adminToken: TOKEN,
      store,
      install: { pluginDir, installDependencies: false },
    });
  });

  afterEach(async () => {
    await app.close();
    await host.stop();
    await store.close();
    await dir.cleanup();
  });

  it('refuses without approval (403, nothing installed), installs with it, and asks again for more', async () => {
    const v1 = source('1.0.0', { env: ['TZ'] });
    const refused = await install({ spec: v1 });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: 'NCF_PERMISSIONS_NOT_APPROVED',
      details: { plugin: '@ops/asks', permissions: { env: ['TZ'] }, beyond: ['env TZ'] },
    });
    expect(host.get('@ops/asks')).toBeUndefined();
    expect(existsSync(join(pluginDir, '@ops+asks'))).toBe(false);

    const approved = await install({
      spec: v1,
      approvePermissions: { addons: false, fsRead: [], env: ['TZ'] },
    });
    expect(approved.statusCode, approved.body).toBe(201);
    expect(approved.json().plugin).toMatchObject({
      name: '@ops/asks',
      version: '1.0.0',
      state: 'enabled',
      runtime: { approval: { version: '1.0.0', by: 'admin-token' } },
    });
    expect((await store.readPluginTrust()).get('@ops/asks')?.approved?.permissions.env).toEqual(['TZ']);

    // An upgrade asking for more: refused without a new approval, the running version stays.
    const v2 = source('2.0.0', { env: ['TZ', 'HOME'] });
    const more = await install({ spec: v2 });
    expect(more.statusCode, more.body).toBe(403);
    expect(more.json().error).toMatchObject({
      code: 'NCF_PERMISSIONS_NOT_APPROVED',
      details: { beyond: ['env HOME'] },
    });
    expect(host.get('@ops/asks')).toMatchObject({ version: '1.0.0', state: 'enabled' });

    // An approval that falls short of the request is no approval.
    const short = await install({ spec: v2, approvePermissions: { env: ['TZ'] } });
    expect(short.json().error?.code).toBe('NCF_PERMISSIONS_NOT_APPROVED');
    expect(host.get('@ops/asks')).toMatchObject({ version: '1.0.0' });

    const upgraded = await install({ spec: v2, approvePermissions: { env: ['TZ', 'HOME'] } });
    expect(upgraded.statusCode, upgraded.body).toBe(201);
    expect(upgraded.json().plugin).toMatchObject({
      version: '2.0.0',
      state: 'enabled',
      runtime: { approval: { version: '2.0.0' } },
    });
  });

  it('answers 400 NCF_BAD_REQUEST to an approvePermissions that is not a permissions object', async () => {
    const response = await install({ spec: source('1.0.0', { env: ['TZ'] }), approvePermissions: 'yes' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('NCF_BAD_REQUEST');
    expect(response.json().error.message).toMatch(/approvePermissions/);
    expect(host.get('@ops/asks')).toBeUndefined();
  });
});
