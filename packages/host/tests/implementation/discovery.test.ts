import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createHost } from '@nocoflo/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixtureRoot, pluginPackageJson, recordingEntry } from '../fixtures/fixture-root.js';

describe('discovery', () => {
  let root: FixtureRoot;
  beforeEach(() => {
    root = new FixtureRoot('discovery');
    // node_modules: three keyword plugins (one scoped, one a pnpm-style symlink) and two ordinary packages.
    root.plugin(
      'node_modules/plain-plugin',
      pluginPackageJson('plain-plugin'),
      recordingEntry('plain-plugin'),
    );
    root.plugin(
      'node_modules/@acme/scoped-plugin',
      pluginPackageJson('@acme/scoped-plugin'),
      recordingEntry('@acme/scoped-plugin'),
    );
    root.plugin(
      'node_modules/.pnpm/linked-plugin@2.0.0/node_modules/linked-plugin',
      pluginPackageJson('linked-plugin', { version: '2.0.0' }),
      recordingEntry('linked-plugin'),
    );
    root.symlink('.pnpm/linked-plugin@2.0.0/node_modules/linked-plugin', 'node_modules/linked-plugin');
    root.file(
      'node_modules/left-pad/package.json',
      JSON.stringify({ name: 'left-pad', version: '1.3.0', keywords: ['pad'] }),
    );
    root.file(
      'node_modules/@types/thing/package.json',
      JSON.stringify({ name: '@types/thing', version: '1.0.0' }),
    );
    // plugins/: two directory plugins, and a folder that is not a plugin.
    root.plugin('plugins/local-one', pluginPackageJson('local-one'), recordingEntry('local-one'));
    root.plugin('plugins/local-two', pluginPackageJson('local-two'), recordingEntry('local-two'));
    root.file('plugins/notes/readme.txt', 'not a plugin');
  });
  afterEach(() => root.cleanup());

  it('lists exactly the five plugins, each with its source and path', async () => {
    const host = await createHost({ root: root.dir });
    await host.start();
    const list = host.list().map(({ name, source, path, state }) => ({ name, source, path, state }));
    const real = (path: string) => realpathSync(join(root.dir, path));
    expect(list).toEqual([
      {
        name: '@acme/scoped-plugin',
        source: 'node_modules',
        path: real('node_modules/@acme/scoped-plugin'),
        state: 'enabled',
      },
      {
        name: 'linked-plugin',
        source: 'node_modules',
        path: real('node_modules/.pnpm/linked-plugin@2.0.0/node_modules/linked-plugin'),
        state: 'enabled',
      },
      { name: 'local-one', source: 'directory', path: real('plugins/local-one'), state: 'enabled' },
      { name: 'local-two', source: 'directory', path: real('plugins/local-two'), state: 'enabled' },
      {
        name: 'plain-plugin',
        source: 'node_modules',
        path: real('node_modules/plain-plugin'),
        state: 'enabled',
      },
    ]);
    expect(host.get('linked-plugin')?.version).toBe('2.0.0');
    await host.stop();
  });

  it('prefers a directory copy over a node_modules copy, and says so', async () => {
    root.plugin(
      'plugins/plain-plugin',
      pluginPackageJson('plain-plugin', { version: '9.0.0' }),
      recordingEntry('plain-plugin'),
    );
    const host = await createHost({ root: root.dir });
    await host.start();
    const info = host.get('plain-plugin')!;
    expect(info.source).toBe('directory');
    expect(info.version).toBe('9.0.0');
    expect(info.warnings.join('\n')).toMatch(
      /found twice; using .*plugins\/plain-plugin and ignoring .*node_modules\/plain-plugin/,
    );
    expect(host.list()).toHaveLength(5);
    await host.stop();
  });

  it('can skip node_modules and use several plugin directories', async () => {
    root.plugin('more/extra', pluginPackageJson('extra'), recordingEntry('extra'));
    const host = await createHost({
      root: root.dir,
      scanNodeModules: false,
      pluginDirs: ['plugins', join(root.dir, 'more')],
    });
    await host.start();
    expect(host.list().map((p) => p.name)).toEqual(['extra', 'local-one', 'local-two']);
    await host.stop();
  });
});
