// Watch mode: a directory plugin is reloaded when its files change, debounced, while the
// server stays up and a request already in flight finishes on the old code.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPluginRoutes } from '../../../src/server/plugin-routes.js';
import { type PluginWatcher, watchPlugins } from '../../../src/watch/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { pluginEntry } from '../fixtures/tarball.js';
import { tempDir, waitFor } from '../helpers.js';

interface Gate {
  started?: boolean;
  release?: () => void;
}
const gate = globalThis as { __opsGate?: Gate };

const liveBody = (marker: string) => `setup(ctx) {
  ctx.registerRoute({ method: 'GET', path: '/version', handler: () => ({ body: { marker: ${JSON.stringify(marker)} } }) });
  ctx.registerRoute({ method: 'GET', path: '/slow', handler: () => new Promise((resolve) => {
    const g = (globalThis.__opsGate ??= {});
    g.started = true;
    g.release = () => resolve({ body: { marker: ${JSON.stringify(marker)} } });
  }) });
},`;

describe('watch mode', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let host: PluginHost;
  let app: FastifyInstance;
  let watcher: PluginWatcher;
  let pluginPath: string;
  const reloads: { plugin?: string; kind: string }[] = [];

  beforeEach(async () => {
    reloads.length = 0;
    gate.__opsGate = {};
    dir = await tempDir();
    const pluginDir = join(dir.path, 'plugins');
    await mkdir(pluginDir);
    pluginPath = writePluginDir(pluginDir, 'live', 'ops-live', { body: liveBody('v1') });
    // The test gates the plugin through a global of its realm: it runs trusted (inline).
    host = await createHost({
      root: dir.path,
      pluginDirs: ['plugins'],
      scanNodeModules: false,
      isolation: { default: 'inline' },
    });
    await host.start();
    app = fastify();
    await registerPluginRoutes(app, { host, adminToken: 'x' });
    watcher = watchPlugins(host, { debounceMs: 200, onReload: (event) => reloads.push(event) });
    await watcher.ready;
  });

  afterEach(async () => {
    await watcher.close();
    await app.close();
    await host.stop();
    await dir.cleanup();
  });

  // Plugin routes answer signed-in actors only: the test calls them with the admin token.
  const get = (url: string) => app.inject({ url, headers: { authorization: 'Bearer x' } });
  const version = async () => (await get('/plugins/ops-live/version')).json().marker;

  it('reloads a plugin when its code changes; a request in flight finishes on the old code', async () => {
    expect(await version()).toBe('v1');
    const inFlight = get('/plugins/ops-live/slow');
    await waitFor(() => gate.__opsGate?.started === true);
    const release = gate.__opsGate?.release;

    await writeFile(join(pluginPath, 'index.js'), pluginEntry(liveBody('v2'), 'v2'));
    await waitFor(() => reloads.some((r) => r.plugin === 'ops-live'));
    expect(await version()).toBe('v2');
    expect(host.get('ops-live')?.state).toBe('enabled');

    release?.();
    const response = await inFlight;
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ marker: 'v1' });
  });

  it('debounces a burst of writes into fewer reloads than writes, ending on the last code', async () => {
    for (let i = 2; i <= 6; i++)
      await writeFile(join(pluginPath, 'index.js'), pluginEntry(liveBody(`v${i}`), `v${i}`));
    await waitFor(async () => (await version()) === 'v6');
    expect(reloads.filter((r) => r.plugin === 'ops-live').length).toBeLessThan(5);
  });

  it('keeps serving when a change breaks the plugin, and recovers when it is fixed', async () => {
    await writeFile(join(pluginPath, 'index.js'), 'export default {{ syntax error');
    await waitFor(() => host.get('ops-live')?.state === 'failed');
    expect((await get('/plugins/ops-live/version')).statusCode).toBe(404);
    await writeFile(join(pluginPath, 'index.js'), pluginEntry(liveBody('v3'), 'v3'));
    await waitFor(() => host.get('ops-live')?.state === 'enabled');
    expect(await version()).toBe('v3');
  });

  it('picks up a new plugin folder', async () => {
    writePluginDir(join(dir.path, 'plugins'), 'newcomer', 'ops-newcomer');
    await waitFor(() => host.get('ops-newcomer')?.state === 'enabled');
    expect(reloads.some((r) => r.kind === 'rescan')).toBe(true);
  });
});
