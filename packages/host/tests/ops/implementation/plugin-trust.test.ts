// Issue #13, operator side: where a plugin runs is the operator's choice, stored in the
// metadata store (SQLite and PostgreSQL) and honoured at the next start and at once; the
// permissions a plugin's manifest asks for are approved on install, and again when an
// upgrade asks for more.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, installPlugin, MemoryStore, type PluginHost } from '@nocoflo/host';
import { isNocofloError, type PluginState } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { goodPluginTarball } from '../fixtures/tarball.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, tempDir, uniqueSchema } from '../helpers.js';

const hasPostgres = await postgresAvailable();

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (isNocofloError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  throw new Error('expected a rejection');
}

/** Every state `plugin` passes through from now on. */
function statesOf(host: PluginHost, plugin: string): PluginState[] {
  const seen: PluginState[] = [];
  host.on('stateChange', (change) => {
    if (change.plugin === plugin) seen.push(change.to);
  });
  return seen;
}

for (const backend of [
  { name: 'sqlite' as const, skip: false },
  { name: 'postgres' as const, skip: !hasPostgres },
]) {
  describe.skipIf(backend.skip)(`isolation set by the operator (${backend.name} store)`, () => {
    let dir: { path: string; cleanup: () => Promise<void> };
    let storeUrl: string;
    let schema = '';
    let hosts: PluginHost[] = [];
    beforeEach(async () => {
      dir = await tempDir();
      const pluginDir = join(dir.path, 'plugins');
      await mkdir(pluginDir);
      if (backend.name === 'postgres') {
        schema = uniqueSchema('ncf_isoops');
        storeUrl = `${POSTGRES_URL}?schema=${schema}`;
      } else storeUrl = join(dir.path, '.nocoflo', 'metadata.db');
      writePluginDir(pluginDir, 'hello', 'hello');
      writePluginDir(pluginDir, 'other', 'other');
    });
    afterEach(async () => {
      for (const host of hosts) await host.stop();
      hosts = [];
      if (schema) await dropSchema(schema);
      await dir.cleanup();
    });

    const start = async (config: { plugins?: Record<string, 'inline' | 'worker' | 'process'> } = {}) => {
      const store = await openMetadataStore(storeUrl);
      const host = await createHost({
        root: dir.path,
        pluginDirs: ['plugins'],
        scanNodeModules: false,
        store,
        isolation: { ...(config.plugins ? { plugins: config.plugins } : {}) },
      });
      hosts.push(host);
      await host.start();
      return { host, store };
    };

    it('restarts a running plugin at the new level at once, and the next start keeps it', async () => {
      const { host } = await start();
      expect(host.get('hello')?.runtime).toMatchObject({ isolation: 'worker', isolationSource: 'default' });
      const states = statesOf(host, 'hello');

      const moved = await host.setIsolation('hello', 'process', { maxHeapMb: 128 });
      expect(moved.state).toBe('enabled');
      expect(moved.runtime).toMatchObject({
        isolation: 'process',
        isolationSource: 'operator',
        maxHeapMb: 128,
      });
      // It was taken down and brought up again, without a host restart.
      expect(states).toContain('torn_down');
      expect(states.at(-1)).toBe('enabled');
      // The other plugin was not touched.
      expect(host.get('other')?.runtime).toMatchObject({ isolation: 'worker', maxHeapMb: 256 });

      await host.stop();
      hosts = [];
      const again = await start({ plugins: { hello: 'worker' } });
      // The stored setting wins over the config file's level.
      expect(again.host.get('hello')).toMatchObject({
        state: 'enabled',
        runtime: { isolation: 'process', isolationSource: 'operator', maxHeapMb: 128 },
      });
      const trust = await (again.store as MetadataStore).readPluginTrust();
      expect(trust.get('hello')).toMatchObject({ isolation: 'process', maxHeapMb: 128 });

      // Dropping the stored level: the config file's applies again, at once.
      const back = await again.host.setIsolation('hello', null, { maxHeapMb: null });
      expect(back.runtime).toMatchObject({ isolation: 'worker', isolationSource: 'config', maxHeapMb: 256 });
      expect(back.state).toBe('enabled');
    });

    it('runs a plugin inline only when the operator names it trusted', async () => {
      const { host, store } = await start();
      const refused = await rejection(host.setIsolation('hello', 'inline'));
      expect(refused.code).toBe('NCF_ISOLATION_REFUSED');
      expect(host.get('hello')?.runtime?.isolation).toBe('worker');
      expect((await (store as MetadataStore).readPluginTrust()).get('hello')?.isolation).toBeUndefined();

      const badHeap = await rejection(host.setIsolation('hello', 'worker', { maxHeapMb: 2 }));
      expect(badHeap.code).toBe('NCF_ISOLATION_REFUSED');

      const trusted = await host.setIsolation('hello', 'inline', { trusted: true });
      expect(trusted).toMatchObject({ state: 'enabled', runtime: { isolation: 'inline' } });
      expect(trusted.runtime?.maxHeapMb).toBeUndefined();
    });

    it('a failed plugin is started again at its new level (the operator acted)', async () => {
      const { host } = await start();
      await host.setIsolation('hello', 'worker');
      // A plugin that fails in setup, at the worker level…
      writePluginDir(join(dir.path, 'plugins'), 'hello', 'hello', {
        body: `setup() { throw new Error('broken at setup'); },`,
      });
      const failed = await host.reload('hello');
      expect(failed.state).toBe('failed');
      // …fixed on disk, then moved: set-isolation starts it again.
      writePluginDir(join(dir.path, 'plugins'), 'hello', 'hello');
      const moved = await host.setIsolation('hello', 'process');
      expect(moved).toMatchObject({ state: 'enabled', runtime: { isolation: 'process' } });
    });
  });

  describe.skipIf(backend.skip)(`permission approval on install (${backend.name} store)`, () => {
    let dir: { path: string; cleanup: () => Promise<void> };
    let storeUrl: string;
    let schema = '';
    let host: PluginHost | undefined;
    beforeEach(async () => {
      dir = await tempDir();
      await mkdir(join(dir.path, 'plugins'));
      if (backend.name === 'postgres') {
        schema = uniqueSchema('ncf_approve');
        storeUrl = `${POSTGRES_URL}?schema=${schema}`;
      } else storeUrl = join(dir.path, '.nocoflo', 'metadata.db');
      host = await createHost({
        root: dir.path,
        pluginDirs: ['plugins'],
        scanNodeModules: false,
        store: await openMetadataStore(storeUrl),
      });
      await host.start();
    });
    afterEach(async () => {
      await host?.stop();
      host = undefined;
      if (schema) await dropSchema(schema);
      await dir.cleanup();
    });

    const tarball = (version: string, permissions: Record<string, unknown>) => ({
      data: goodPluginTarball('@ops/asks', version, {
        manifest: { entry: './index.js', host: '>=0.0.0', permissions },
      }),
      filename: `asks-${version}.tgz`,
    });

    it('refuses a plugin asking for permissions nobody approved, and changes nothing', async () => {
      const refused = await rejection(
        installPlugin(host!, tarball('1.0.0', { env: ['TZ'], addons: true }), { installDependencies: false }),
      );
      expect(refused.code).toBe('NCF_PERMISSIONS_NOT_APPROVED');
      expect(refused.details).toMatchObject({
        plugin: '@ops/asks',
        permissions: { addons: true, env: ['TZ'], fsRead: [] },
        beyond: ['native addons', 'env TZ'],
      });
      expect(host!.get('@ops/asks')).toBeUndefined();
      expect(existsSync(join(dir.path, 'plugins', '@ops+asks'))).toBe(false);
    });

    it('installs once approved, stores the approval, and asks again only for what an upgrade adds', async () => {
      const installed = await installPlugin(host!, tarball('1.0.0', { env: ['TZ'] }), {
        installDependencies: false,
        approvePermissions: { addons: false, fsRead: [], env: ['TZ'] },
        approvedBy: 'test-operator',
      });
      expect(installed).toMatchObject({
        state: 'enabled',
        runtime: { permissions: { env: ['TZ'] }, approval: { version: '1.0.0', by: 'test-operator' } },
      });
      const store = await openMetadataStore(storeUrl);
      try {
        expect((await store.readPluginTrust()).get('@ops/asks')?.approved).toMatchObject({
          version: '1.0.0',
          by: 'test-operator',
          permissions: { env: ['TZ'], addons: false, fsRead: [] },
        });
      } finally {
        await store.close();
      }

      // The same permissions again: no approval needed.
      const same = await installPlugin(host!, tarball('1.1.0', { env: ['TZ'] }), {
        installDependencies: false,
      });
      expect(same).toMatchObject({ version: '1.1.0', state: 'enabled' });

      // More: refused without approval; the running version stays.
      const more = tarball('2.0.0', { env: ['TZ', 'HOME'], fsRead: ['/srv/maps'] });
      const refused = await rejection(installPlugin(host!, more, { installDependencies: false }));
      expect(refused.code).toBe('NCF_PERMISSIONS_NOT_APPROVED');
      expect((refused.details as { beyond: string[] }).beyond).toEqual(['read /srv/maps', 'env HOME']);
      expect(host!.get('@ops/asks')).toMatchObject({ version: '1.1.0', state: 'enabled' });

      // An approver is asked with what is new, and its yes installs the upgrade.
      const asked: string[][] = [];
      const upgraded = await installPlugin(host!, more, {
        installDependencies: false,
        approvePermissions: (request) => {
          asked.push([...request.beyond]);
          // The last approval covers 1.1.0, which asked for the same as 1.0.0.
          return request.previous?.version === '1.1.0';
        },
      });
      expect(asked).toEqual([['read /srv/maps', 'env HOME']]);
      expect(upgraded).toMatchObject({
        version: '2.0.0',
        state: 'enabled',
        runtime: { approval: { version: '2.0.0' } },
      });
    });

    it('an approval that falls short of the request is no approval', async () => {
      const refused = await rejection(
        installPlugin(host!, tarball('1.0.0', { env: ['TZ', 'HOME'] }), {
          installDependencies: false,
          approvePermissions: { addons: false, fsRead: [], env: ['TZ'] },
        }),
      );
      expect(refused.code).toBe('NCF_PERMISSIONS_NOT_APPROVED');
      expect(host!.get('@ops/asks')).toBeUndefined();
    });
  });
}

describe('isolation settings in the in-memory store', () => {
  it('keeps a level and an approval, and clears what is set to null', async () => {
    const store = new MemoryStore();
    await store.writePluginIsolation('a', { isolation: 'process', maxHeapMb: 64 });
    await store.writePermissionApproval('a', {
      permissions: { addons: false, fsRead: [], env: ['TZ'] },
      version: '1.0.0',
      by: 'cli',
    });
    expect((await store.readPluginTrust()).get('a')).toMatchObject({
      isolation: 'process',
      maxHeapMb: 64,
      approved: { version: '1.0.0', by: 'cli' },
    });
    await store.writePluginIsolation('a', { isolation: null });
    const after = (await store.readPluginTrust()).get('a');
    expect(after?.isolation).toBeUndefined();
    expect(after?.maxHeapMb).toBe(64);
    expect(after?.approved?.permissions.env).toEqual(['TZ']);
  });
});
