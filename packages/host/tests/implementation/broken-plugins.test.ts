import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import type { PluginInfo } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureRoot, pluginPackageJson, recordingEntry } from '../fixtures/fixture-root.js';

/**
 * A corpus of broken plugins beside good ones: each broken plugin ends `failed` with its own
 * specific, actionable error, and every good plugin is enabled.
 */
describe('broken plugins fail alone, each with its own reason', () => {
  const root = new FixtureRoot('broken');
  let host: PluginHost;
  const failed = (name: string): PluginInfo => {
    const info = host.get(name);
    expect(info, name).toBeDefined();
    expect(info!.state, `${name}: ${JSON.stringify(info!.error)}`).toBe('failed');
    expect(info!.error?.hint.length, `${name} has a hint`).toBeGreaterThan(10);
    return info!;
  };

  beforeAll(async () => {
    const good = (name: string, extra: Parameters<typeof pluginPackageJson>[1] = {}) =>
      root.plugin(`plugins/${name}`, pluginPackageJson(name, extra), recordingEntry(name));
    good('good-a');
    good('good-b', { dependencies: { 'good-a': '^1.0.0' } });
    root.plugin('node_modules/good-c', pluginPackageJson('good-c'), recordingEntry('good-c'));

    root.plugin('plugins/not-json', '{ "name": "not-json", "keywords": ["nocoflo-plugin"], ');
    root.plugin(
      'plugins/no-entry',
      pluginPackageJson('no-entry', { nocoflo: { host: '*' } }),
      recordingEntry('no-entry'),
    );
    root.plugin(
      'plugins/missing-entry-file',
      pluginPackageJson('missing-entry-file', { entry: './dist/index.js' }),
    );
    root.plugin(
      'plugins/syntax-error',
      pluginPackageJson('syntax-error'),
      'export default definePlugin({ setup( {',
    );
    root.plugin('plugins/not-a-plugin', pluginPackageJson('not-a-plugin'), 'export default { setup() {} };');
    root.plugin(
      'plugins/setup-throws',
      pluginPackageJson('setup-throws'),
      `import { definePlugin } from '@nocoflo/sdk';
       export default definePlugin({ setup() { throw new Error('the database password is not set'); } });`,
    );
    root.plugin(
      'plugins/setup-rejects',
      pluginPackageJson('setup-rejects'),
      `import { definePlugin } from '@nocoflo/sdk';
       export default definePlugin({ async setup() { await Promise.resolve(); throw new Error('remote API said 503'); } });`,
    );
    root.plugin(
      'plugins/wrong-host',
      pluginPackageJson('wrong-host', { host: '^99.0.0' }),
      recordingEntry('wrong-host'),
    );
    root.plugin(
      'plugins/missing-dep',
      pluginPackageJson('missing-dep', { dependencies: { 'not-installed': '^1.0.0' } }),
      recordingEntry('missing-dep'),
    );
    root.plugin(
      'plugins/wrong-dep-version',
      pluginPackageJson('wrong-dep-version', { dependencies: { 'good-a': '^2.0.0' } }),
      recordingEntry('wrong-dep-version'),
    );
    root.plugin(
      'plugins/cycle-a',
      pluginPackageJson('cycle-a', { dependencies: { 'cycle-b': '*' } }),
      recordingEntry('cycle-a'),
    );
    root.plugin(
      'plugins/cycle-b',
      pluginPackageJson('cycle-b', { dependencies: { 'cycle-a': '*' } }),
      recordingEntry('cycle-b'),
    );
    root.plugin('plugins/twin-1', pluginPackageJson('twin'), recordingEntry('twin'));
    root.plugin('plugins/twin-2', pluginPackageJson('twin'), recordingEntry('twin'));
    root.plugin(
      'plugins/needs-broken',
      pluginPackageJson('needs-broken', { dependencies: { 'setup-throws': '*' } }),
      recordingEntry('needs-broken'),
    );
    // The default callback deadline: a short one could be reached by a setup that answers at
    // once when a busy machine does not schedule its worker in time (the hang has its own host).
    host = await createHost({ root: root.dir });
    await host.start();
  });
  afterAll(async () => {
    await host.stop();
    root.cleanup();
  });

  it('enables every good plugin', () => {
    for (const name of ['good-a', 'good-b', 'good-c']) expect(host.get(name)?.state, name).toBe('enabled');
  });

  it('package.json that is not JSON', () => {
    const { error } = failed('not-json');
    expect(error?.code).toBe('NCF_PACKAGE_JSON_UNREADABLE');
    expect(error?.message).toContain(join('not-json', 'package.json'));
  });

  it('a nocoflo field missing entry', () => {
    const { error } = failed('no-entry');
    expect(error?.code).toBe('NCF_MANIFEST_INVALID');
    expect(error?.message).toMatch(/nocoflo\.entry/);
  });

  it('an entry file that does not exist', () => {
    const { error } = failed('missing-entry-file');
    expect(error?.code).toBe('NCF_ENTRY_NOT_FOUND');
    expect(error?.message).toContain(join('missing-entry-file', 'dist', 'index.js'));
    expect(error?.hint).toMatch(/Build missing-entry-file/);
  });

  it('an entry with a syntax error', () => {
    const { error } = failed('syntax-error');
    expect(error?.code).toBe('NCF_ENTRY_LOAD_FAILED');
    expect(error?.message).toContain('syntax-error');
  });

  it('an entry whose default export is not a plugin', () => {
    const { error } = failed('not-a-plugin');
    expect(error?.code).toBe('NCF_ENTRY_NOT_PLUGIN');
    expect(error?.message).toMatch(/not made by definePlugin/);
  });

  it('setup that throws', () => {
    const { error } = failed('setup-throws');
    expect(error?.code).toBe('NCF_PLUGIN_CALLBACK_FAILED');
    expect(error?.message).toBe("setup-throws's setup failed: the database password is not set");
  });

  it('setup that rejects', () => {
    const { error } = failed('setup-rejects');
    expect(error?.code).toBe('NCF_PLUGIN_CALLBACK_FAILED');
    expect(error?.message).toContain('remote API said 503');
  });

  it('a host range the host does not satisfy', () => {
    const { error } = failed('wrong-host');
    expect(error?.code).toBe('NCF_HOST_RANGE_UNSATISFIED');
    expect(error?.message).toContain('"^99.0.0"');
  });

  it('a missing dependency', () => {
    const { error } = failed('missing-dep');
    expect(error?.code).toBe('NCF_DEPENDENCY_MISSING');
    expect(error?.message).toBe('missing-dep depends on not-installed@^1.0.0, which is not installed.');
  });

  it('a dependency at a version outside the range', () => {
    const { error } = failed('wrong-dep-version');
    expect(error?.code).toBe('NCF_DEPENDENCY_VERSION');
    expect(error?.message).toBe('wrong-dep-version needs good-a@^2.0.0, but good-a@1.0.0 is installed.');
  });

  it('a cycle a -> b -> a', () => {
    for (const name of ['cycle-a', 'cycle-b']) {
      const { error } = failed(name);
      expect(error?.code).toBe('NCF_DEPENDENCY_CYCLE');
      expect(error?.message).toContain('cycle-a -> cycle-b -> cycle-a');
    }
  });

  it('the same name twice', () => {
    const { error } = failed('twin');
    expect(error?.code).toBe('NCF_PLUGIN_AMBIGUOUS');
    expect(error?.message).toMatch(/twin-1 and .*twin-2/);
  });

  it('a plugin whose dependency failed', () => {
    const { error } = failed('needs-broken');
    expect(error?.code).toBe('NCF_DEPENDENCY_FAILED');
    expect(error?.message).toMatch(/needs-broken -> setup-throws failed: .*password is not set/);
  });

  it('lists every plugin exactly once', () => {
    expect(host.list()).toHaveLength(17);
    expect(existsSync(root.dir)).toBe(true);
  });
});

/**
 * A setup that never settles, on a host of its own with a short callback deadline: nothing
 * else runs there, so only the hang can reach the deadline, however busy the machine is.
 */
describe('a setup that never settles', () => {
  const root = new FixtureRoot('hangs');
  let host: PluginHost;

  beforeAll(async () => {
    root.plugin(
      'plugins/setup-hangs',
      pluginPackageJson('setup-hangs'),
      `import { definePlugin } from '@nocoflo/sdk';
       export default definePlugin({ setup() { return new Promise(() => {}); } });`,
    );
    host = await createHost({ root: root.dir, callbackTimeoutMs: 300 });
    await host.start();
  });
  afterAll(async () => {
    await host.stop();
    root.cleanup();
  });

  it('fails with a timeout that names the plugin and the deadline', () => {
    const info = host.get('setup-hangs');
    expect(info?.state, JSON.stringify(info?.error)).toBe('failed');
    expect(info?.error?.code).toBe('NCF_PLUGIN_CALLBACK_TIMEOUT');
    expect(info?.error?.message).toBe("setup-hangs's setup did not finish within 300 ms.");
    expect(info?.error?.hint.length).toBeGreaterThan(10);
  });
});
