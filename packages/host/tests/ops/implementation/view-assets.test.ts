// Declared view assets are checked at load (the plugin fails with NCF_VIEW_ASSET_INVALID
// instead of serving a <script> that 404s) and by `nocoflo plugins validate`, which also
// requires package.json "files" to ship them.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost } from '@nocoflo/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesShip } from '../../../src/lifecycle/view-assets.js';
import { resolvableTempRoot, runChild } from '../fixtures/child-process.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { pluginPackageJson } from '../fixtures/tarball.js';

const viewWithAssets = (...assets: string[]) => `
  views: [{ name: 'cards', title: 'Cards', canHandle: () => 1, render: () => ({ html: '' }), assets: ${JSON.stringify(assets)} }],
`;

describe('declared view assets', () => {
  let root: string;
  let plugins: string;
  beforeEach(async () => {
    root = resolvableTempRoot();
    plugins = join(root, 'plugins');
    await mkdir(plugins, { recursive: true });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('a plugin whose view declares a missing asset fails at load with NCF_VIEW_ASSET_INVALID', async () => {
    writePluginDir(plugins, 'missing', 'ops-missing-asset', { body: viewWithAssets('./assets/cards.js') });
    writePluginDir(plugins, 'present', 'ops-present-asset', {
      body: viewWithAssets('./assets/cards.js'),
      files: { 'assets/cards.js': 'export {};' },
    });
    writePluginDir(plugins, 'escaping', 'ops-escaping-asset', {
      body: viewWithAssets('../present/assets/cards.js'),
    });
    const host = await createHost({ root, pluginDirs: ['plugins'], scanNodeModules: false });
    await host.start();
    try {
      const missing = host.get('ops-missing-asset');
      expect(missing?.state).toBe('failed');
      expect(missing?.error?.code).toBe('NCF_VIEW_ASSET_INVALID');
      expect(missing?.error?.message).toContain('./assets/cards.js');
      expect(host.get('ops-escaping-asset')?.error?.code).toBe('NCF_VIEW_ASSET_INVALID');
      expect(host.get('ops-present-asset')?.state).toBe('enabled');
    } finally {
      await host.stop();
    }
  });

  it('nocoflo plugins validate refuses an asset that is missing or left out of "files"', async () => {
    const left = writePluginDir(plugins, 'left-out', 'ops-left-out', {
      body: viewWithAssets('./assets/cards.js'),
      files: { 'assets/cards.js': 'export {};' },
    });
    // The package ships dist only: the asset exists here but not in the published tarball.
    await writeFile(
      join(left, 'package.json'),
      pluginPackageJson('ops-left-out', '1.0.0', { files: ['index.js', 'dist'] }),
    );
    const result = await runChild('cli', ['plugins', 'validate', left, '--json'], {});
    expect(result.code).toBe(2);
    expect(`${result.stdout}${result.stderr}`).toContain('NCF_VIEW_ASSET_INVALID');
    expect(`${result.stdout}${result.stderr}`).toContain('leaves it out of the published package');

    await writeFile(
      join(left, 'package.json'),
      pluginPackageJson('ops-left-out', '1.0.0', { files: ['index.js', 'assets'] }),
    );
    const ok = await runChild('cli', ['plugins', 'validate', left, '--json'], {});
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).assets).toEqual(['cards: ./assets/cards.js']);
  });

  it('files entries ship a file by name, by a folder above it, or by a glob', () => {
    expect(filesShip(undefined, './assets/a.js')).toBe(true);
    expect(filesShip(['dist', 'assets'], './assets/a.js')).toBe(true);
    expect(filesShip(['dist', 'assets/'], 'assets/a.js')).toBe(true);
    expect(filesShip(['dist'], './assets/a.js')).toBe(false);
    expect(filesShip(['assets/*.js'], './assets/a.js')).toBe(true);
    expect(filesShip(['assets/*.css'], './assets/a.js')).toBe(false);
  });
});
