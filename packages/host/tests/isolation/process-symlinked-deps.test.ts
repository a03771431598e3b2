/**
 * At the `process` level a plugin reads only its package, its data folder and the packages it
 * depends on. In pnpm's layout those are reached through symlinks, also from one dependency to
 * the next (better-sqlite3 → bindings, pg-cursor → pg): the child must be able to follow them.
 */
import { join } from 'node:path';
import type { PluginHost } from '@nocoflo/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionFlags } from '../../src/runtime/isolated/process-transport.js';
import { FixtureRoot, pluginPackageJson } from '../fixtures/fixture-root.js';
import { startHost } from './isolated-plugins.js';

const STORE = 'node_modules/.pnpm';

/**
 * Lays out, pnpm-style, `outer` depending on `inner`:
 * node_modules/.pnpm/outer@1.0.0/node_modules/{outer, inner → ../../inner@1.0.0/node_modules/inner},
 * and a plugin `uses-<outer>` linked to outer, whose route answers what `inner` exports.
 */
function layOut(root: FixtureRoot, outer: string, inner: string): void {
  root.file(
    `${STORE}/${inner}@1.0.0/node_modules/${inner}/package.json`,
    JSON.stringify({ name: inner, version: '1.0.0', main: 'index.js' }),
  );
  root.file(`${STORE}/${inner}@1.0.0/node_modules/${inner}/index.js`, `module.exports = 'inner answered';\n`);
  root.file(
    `${STORE}/${outer}@1.0.0/node_modules/${outer}/package.json`,
    JSON.stringify({ name: outer, version: '1.0.0', main: 'index.js', dependencies: { [inner]: '1.0.0' } }),
  );
  // Required lazily, as better-sqlite3 requires bindings and the PostgreSQL plugin imports pg on the first open.
  root.file(
    `${STORE}/${outer}@1.0.0/node_modules/${outer}/index.js`,
    `module.exports = () => require('${inner}');\n`,
  );
  root.symlink(`../../${inner}@1.0.0/node_modules/${inner}`, `${STORE}/${outer}@1.0.0/node_modules/${inner}`);
  const plugin = `uses-${outer}`;
  root.plugin(
    `plugins/${plugin}`,
    pluginPackageJson(plugin),
    `import { definePlugin } from '@nocoflo/sdk';
import outer from '${outer}';
export default definePlugin({
  setup(ctx) {
    ctx.registerRoute({ method: 'GET', path: '/inner', handler: async () => ({ body: { text: outer() } }) });
  },
});
`,
  );
  root.file(
    `plugins/${plugin}/package.json`,
    JSON.stringify({ ...pluginPackageJson(plugin), dependencies: { [outer]: '1.0.0' } }),
  );
  root.symlink(
    `../../../${STORE}/${outer}@1.0.0/node_modules/${outer}`,
    `plugins/${plugin}/node_modules/${outer}`,
  );
}

async function callInner(host: PluginHost, plugin: string): Promise<unknown> {
  const match = host.routes.match(plugin, 'GET', '/inner');
  expect(match).toBeDefined();
  return match!.route.route.handler({ params: {}, query: {}, body: undefined, headers: {} } as never);
}

describe('a process plugin whose dependency has a dependency, pnpm-style', () => {
  const root = new FixtureRoot('process-links');
  let host: PluginHost;

  beforeAll(async () => {
    layOut(root, 'outer', 'inner');
    // The dependency's name starts the name of the package that requires it (pg-cursor → pg):
    // Node 20's permission model refused the exact grant of the `drv` link beside `drv-cursor/*`.
    layOut(root, 'drv-cursor', 'drv');
    host = await startHost(root, 'process');
  });

  afterAll(async () => {
    await host?.stop();
    root.cleanup();
  });

  it('loads the dependency of its dependency through the links', async () => {
    expect(host.get('uses-outer')).toMatchObject({ state: 'enabled', runtime: { isolation: 'process' } });
    expect(await callInner(host, 'uses-outer')).toMatchObject({ body: { text: 'inner answered' } });
  });

  it('loads it when the dependency is named like the start of its dependent (pg-cursor → pg)', async () => {
    expect(host.get('uses-drv-cursor')).toMatchObject({
      state: 'enabled',
      runtime: { isolation: 'process' },
    });
    expect(await callInner(host, 'uses-drv-cursor')).toMatchObject({ body: { text: 'inner answered' } });
  });
});

describe('the grants of such links', () => {
  const root = new FixtureRoot('process-link-grants');
  const reads = (flags: string[]) =>
    flags
      .filter((flag) => flag.startsWith('--allow-fs-read='))
      .map((flag) => flag.slice('--allow-fs-read='.length));
  const flagsOf = (plugin: string) =>
    permissionFlags({
      childEntry: join(root.dir, 'host/dist/plugin-child.js'),
      pluginDir: join(root.dir, 'plugins', plugin),
      dataDir: join(root.dir, 'data', plugin),
      permissions: { addons: false, fsRead: [], env: [] },
      maxHeapMb: 64,
    });

  beforeAll(() => {
    root.file('host/package.json', JSON.stringify({ name: 'host', version: '1.0.0' }));
    root.file('host/dist/plugin-child.js', '');
    layOut(root, 'drv-cursor', 'drv');
  });

  afterAll(() => root.cleanup());

  it('grant a folder of links only when everything in it is readable anyway', () => {
    const folder = join(root.dir, STORE, 'drv-cursor@1.0.0/node_modules');
    const major = Number(process.versions.node.split('.')[0]);
    if (major >= 22) {
      expect(reads(flagsOf('uses-drv-cursor'))).toContain(join(folder, 'drv'));
      return;
    }
    expect(reads(flagsOf('uses-drv-cursor'))).toContain(`${folder}/*`);
    // A package outside the plugin's dependencies in that folder: the folder is not granted.
    root.file(`${STORE}/drv-cursor@1.0.0/node_modules/secret/package.json`, '{"name":"secret"}');
    const flags = reads(flagsOf('uses-drv-cursor'));
    expect(flags).not.toContain(`${folder}/*`);
    expect(flags).toContain(join(folder, 'drv'));
  });
});
