// Watch mode with a plugin folder that is a symlink inside plugins/ (`npm link`, `nocoflo dev`):
// a change inside the link's target reloads the plugin, and replacing the link with one to
// another folder reloads it from the new target, not the stale old path.

import { realpathSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPluginRoutes } from '../../../src/server/plugin-routes.js';
import { type PluginWatcher, watchPlugins } from '../../../src/watch/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { pluginEntry } from '../fixtures/tarball.js';
import { tempDir, waitFor } from '../helpers.js';

const body = (marker: string) => `setup(ctx) {
  ctx.registerRoute({ method: 'GET', path: '/version', handler: () => ({ body: { marker: ${JSON.stringify(marker)} } }) });
},`;

describe('watch mode, symlinked plugin folders', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let host: PluginHost;
  let app: FastifyInstance;
  let watcher: PluginWatcher;
  let first: string;
  let link: string;

  beforeEach(async () => {
    dir = await tempDir();
    const pluginDir = join(dir.path, 'plugins');
    await mkdir(pluginDir);
    // The plugin's own folder lives elsewhere (the author's project); plugins/ holds a link to it.
    first = writePluginDir(join(dir.path, 'projects'), 'first', 'ops-linked', { body: body('first v1') });
    link = join(pluginDir, 'linked');
    await symlink(first, link, 'dir');
    host = await createHost({ root: dir.path, pluginDirs: ['plugins'], scanNodeModules: false });
    await host.start();
    app = fastify();
    await registerPluginRoutes(app, { host, adminToken: 'x' });
    watcher = watchPlugins(host, { debounceMs: 100 });
    await watcher.ready;
  });

  afterEach(async () => {
    await watcher.close();
    await app.close();
    await host.stop();
    await dir.cleanup();
  });

  const marker = async () => {
    // Plugin routes answer signed-in actors only: the test calls them with the admin token.
    const response = await app.inject({
      url: '/plugins/ops-linked/version',
      headers: { authorization: 'Bearer x' },
    });
    return response.statusCode === 200 ? (response.json() as { marker: string }).marker : undefined;
  };

  it('reloads the plugin when a file in the link target changes', async () => {
    expect(await marker()).toBe('first v1');
    await writeFile(join(first, 'index.js'), pluginEntry(body('first v2'), '1.0.0'));
    await waitFor(async () => (await marker()) === 'first v2');
    expect(host.get('ops-linked')?.state).toBe('enabled');
  });

  it('follows a replaced link to its new target instead of keeping the old path', async () => {
    const second = writePluginDir(join(dir.path, 'projects'), 'second', 'ops-linked', {
      body: body('second'),
    });
    await rm(link);
    await symlink(second, link, 'dir');
    await waitFor(async () => (await marker()) === 'second');
    expect(host.get('ops-linked')?.path).toBe(realpathSync(second));
    // And the new target is the one watched from now on.
    await writeFile(join(second, 'index.js'), pluginEntry(body('second v2'), '1.0.0'));
    await waitFor(async () => (await marker()) === 'second v2');
  });
});
