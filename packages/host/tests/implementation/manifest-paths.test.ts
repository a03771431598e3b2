// Issue #12, item 1: a path a manifest names (entry, migrations, their files) never leaves
// the package, lexically or through a symlink, and nothing of the plugin runs before that
// is known: at start, on reload, and through POST /admin/plugins/install.
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createHost, MemoryStore, type PluginHost, registerAdminApi } from '@nocoflo/host';
import fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { FixtureRoot, pluginPackageJson } from '../fixtures/fixture-root.js';
import {
  makeTarball,
  pluginEntry,
  pluginPackageJson as tarballPackageJson,
} from '../ops/fixtures/tarball.js';

/** An entry that leaves a marker when it runs and is a valid plugin (so it would end `enabled`). */
const markerPlugin = (marker: string) => `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(marker)}, 'ran');
export default { [Symbol.for('nocoflo.plugin')]: true };
`;

describe('manifest paths stay inside the package', () => {
  let root: FixtureRoot;
  let host: PluginHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host = undefined;
    root.cleanup();
  });

  it.each([
    ['a ".." entry', '../../outside.js'],
    ['a "..\\\\" entry', '..\\..\\outside.js'],
    ['an absolute entry', '/outside.js'],
    ['a drive-letter entry', 'C:outside.js'],
    ['a file: URL entry', 'file:///outside.js'],
    ['a data: URL entry', 'data:text/javascript,export default 1'],
  ])('refuses %s as NCF_MANIFEST_INVALID before any code runs', async (_label, entry) => {
    root = new FixtureRoot('escape');
    const marker = join(root.dir, 'marker.txt');
    root.file('outside.js', markerPlugin(marker));
    root.plugin('plugins/climber', pluginPackageJson('climber', { entry }));
    host = await createHost({ root: root.dir, scanNodeModules: false });
    await host.start();
    const info = host.get('climber');
    expect(info?.state).toBe('failed');
    expect(info?.error?.code).toBe('NCF_MANIFEST_INVALID');
    expect(info?.error?.message).toMatch(/entry/);
    await host.reload('climber');
    expect(host.get('climber')?.state).toBe('failed');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses an entry that is a symlink out of the package (and one whose folder is)', async () => {
    root = new FixtureRoot('escape');
    const marker = join(root.dir, 'marker.txt');
    root.file('outside/index.js', markerPlugin(marker));
    const dir = root.plugin('plugins/linked', pluginPackageJson('linked', { entry: './index.js' }));
    symlinkSync(join(root.dir, 'outside', 'index.js'), join(dir, 'index.js'));
    const dir2 = root.plugin(
      'plugins/linked-dir',
      pluginPackageJson('linked-dir', { entry: './dist/index.js' }),
    );
    symlinkSync(join(root.dir, 'outside'), join(dir2, 'dist'), 'dir');
    host = await createHost({ root: root.dir, scanNodeModules: false });
    await host.start();
    for (const name of ['linked', 'linked-dir']) {
      expect(host.get(name)?.state).toBe('failed');
      expect(host.get(name)?.error?.code).toBe('NCF_MANIFEST_INVALID');
      expect(host.get(name)?.error?.message).toMatch(/symlink/);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('still loads an entry that is a symlink inside the package', async () => {
    root = new FixtureRoot('escape');
    const marker = join(root.dir, 'marker.txt');
    const dir = root.plugin('plugins/inside', pluginPackageJson('inside', { entry: './index.js' }));
    root.file('plugins/inside/dist/real.js', markerPlugin(marker));
    symlinkSync(join(dir, 'dist', 'real.js'), join(dir, 'index.js'));
    host = await createHost({ root: root.dir, scanNodeModules: false });
    await host.start();
    expect(host.get('inside')?.state).toBe('enabled');
    expect(existsSync(marker)).toBe(true);
  });

  it('refuses a migrations folder that climbs out or links out, before any code runs', async () => {
    root = new FixtureRoot('escape');
    const marker = join(root.dir, 'marker.txt');
    root.file('elsewhere/0001_x.sql', 'CREATE TABLE stolen (id INTEGER);');
    root.plugin(
      'plugins/climbing-migrations',
      pluginPackageJson('climbing-migrations', {
        nocoflo: { entry: './index.js', host: '*', migrations: '../../elsewhere' },
      }),
      markerPlugin(marker),
    );
    const linked = root.plugin(
      'plugins/linked-migrations',
      pluginPackageJson('linked-migrations', {
        nocoflo: { entry: './index.js', host: '*', migrations: './sql' },
      }),
      markerPlugin(marker),
    );
    symlinkSync(join(root.dir, 'elsewhere'), join(linked, 'sql'), 'dir');
    host = await createHost({ root: root.dir, scanNodeModules: false, store: new MemoryStore() });
    await host.start();
    for (const name of ['climbing-migrations', 'linked-migrations']) {
      expect(host.get(name)?.state).toBe('failed');
      expect(host.get(name)?.error?.code).toBe('NCF_MANIFEST_INVALID');
      expect(host.get(name)?.error?.message).toMatch(/migrations/);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a migration file that is a symlink out of the package', async () => {
    root = new FixtureRoot('escape');
    root.file('elsewhere/secret.sql', 'CREATE TABLE stolen (id INTEGER);');
    const dir = root.plugin(
      'plugins/linked-file',
      pluginPackageJson('linked-file'),
      'export default { [Symbol.for("nocoflo.plugin")]: true };',
    );
    mkdirSync(join(dir, 'migrations'));
    symlinkSync(join(root.dir, 'elsewhere', 'secret.sql'), join(dir, 'migrations', '0001_stolen.sql'));
    host = await createHost({ root: root.dir, scanNodeModules: false, store: new MemoryStore() });
    await host.start();
    expect(host.get('linked-file')?.state).toBe('failed');
    expect(host.get('linked-file')?.error?.code).toBe('NCF_MIGRATION_INVALID');
    expect(host.get('linked-file')?.error?.message).toMatch(/0001_stolen\.sql.*outside the package/);
  });

  it.each([
    ['a ".." entry', { entry: '../../outside.js' }],
    ['an absolute entry', { entry: '/outside.js' }],
    ['a ".." migrations folder', { migrations: '../../elsewhere' }],
  ])(
    'POST /admin/plugins/install refuses %s with 4xx NCF_INSTALL_REJECTED, code unrun',
    async (_l, manifest) => {
      root = new FixtureRoot('escape-install');
      const marker = join(root.dir, 'marker.txt');
      root.file('outside.js', markerPlugin(marker));
      mkdirSync(join(root.dir, 'plugins'));
      host = await createHost({ root: root.dir, scanNodeModules: false });
      await host.start();
      const app = fastify();
      await registerAdminApi(app, { host, adminToken: 't0ken', install: { installDependencies: false } });
      const response = await app.inject({
        method: 'POST',
        url: '/admin/plugins/install',
        headers: { authorization: 'Bearer t0ken', 'content-type': 'application/gzip' },
        payload: makeTarball([
          {
            path: 'package/package.json',
            content: tarballPackageJson('@evil/climber', '1.0.0', { nocoflo: manifest }),
          },
          { path: 'package/index.js', content: pluginEntry() },
        ]),
      });
      await app.close();
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json().error.code).toBe('NCF_INSTALL_REJECTED');
      expect(response.json().error.message).toMatch(/outside the package/);
      expect(existsSync(marker)).toBe(false);
      expect(host.get('@evil/climber')).toBeUndefined();
      expect(existsSync(join(root.dir, 'plugins', '@evil+climber'))).toBe(false);
    },
  );
});
