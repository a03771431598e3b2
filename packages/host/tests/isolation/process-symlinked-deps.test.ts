/**
 * At the `process` level a plugin reads only its package, its data folder and the packages it
 * depends on. In pnpm's layout those are reached through symlinks, also from one dependency to
 * the next (better-sqlite3 → bindings): the child must be able to follow them.
 */
import type { PluginHost } from '@nocoflo/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureRoot, pluginPackageJson } from '../fixtures/fixture-root.js';
import { startHost } from './isolated-plugins.js';

describe('a process plugin whose dependency has a dependency, pnpm-style', () => {
  const root = new FixtureRoot('process-links');
  let host: PluginHost;

  beforeAll(async () => {
    // node_modules/.pnpm/outer@1.0.0/node_modules/{outer, inner → ../../inner@1.0.0/node_modules/inner}
    const store = 'node_modules/.pnpm';
    root.file(
      `${store}/inner@1.0.0/node_modules/inner/package.json`,
      JSON.stringify({ name: 'inner', version: '1.0.0', main: 'index.js' }),
    );
    root.file(`${store}/inner@1.0.0/node_modules/inner/index.js`, `module.exports = 'inner answered';\n`);
    root.file(
      `${store}/outer@1.0.0/node_modules/outer/package.json`,
      JSON.stringify({ name: 'outer', version: '1.0.0', main: 'index.js', dependencies: { inner: '1.0.0' } }),
    );
    // Required lazily, as better-sqlite3 requires bindings on the first open.
    root.file(
      `${store}/outer@1.0.0/node_modules/outer/index.js`,
      `module.exports = () => require('inner');\n`,
    );
    root.symlink('../../inner@1.0.0/node_modules/inner', `${store}/outer@1.0.0/node_modules/inner`);
    root.plugin(
      'plugins/uses-outer',
      pluginPackageJson('uses-outer', {
        nocoflo: { entry: './index.js', host: '*' },
      }),
      `import { definePlugin } from '@nocoflo/sdk';
import outer from 'outer';
export default definePlugin({
  setup(ctx) {
    ctx.registerRoute({ method: 'GET', path: '/inner', handler: async () => ({ body: { text: outer() } }) });
  },
});
`,
    );
    root.file(
      'plugins/uses-outer/package.json',
      JSON.stringify({
        ...pluginPackageJson('uses-outer'),
        dependencies: { outer: '1.0.0' },
      }),
    );
    root.symlink(
      '../../../node_modules/.pnpm/outer@1.0.0/node_modules/outer',
      'plugins/uses-outer/node_modules/outer',
    );
    host = await startHost(root, 'process');
  });

  afterAll(async () => {
    await host?.stop();
    root.cleanup();
  });

  it('loads the dependency of its dependency through the links', async () => {
    expect(host.get('uses-outer')).toMatchObject({ state: 'enabled', runtime: { isolation: 'process' } });
    const match = host.routes.match('uses-outer', 'GET', '/inner');
    expect(match).toBeDefined();
    const response = await match!.route.route.handler({
      params: {},
      query: {},
      body: undefined,
      headers: {},
    } as never);
    expect(response).toMatchObject({ body: { text: 'inner answered' } });
  });
});
