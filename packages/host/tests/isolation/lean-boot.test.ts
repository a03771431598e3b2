/**
 * An isolated plugin's thread or process boots a small module graph: `@nocoflo/sdk` resolves
 * to its isolated build there, so a plugin that imports `definePlugin` does not evaluate zod,
 * semver or tapable; a plugin that does use the SDK's manifest schemas still gets working ones.
 */
import type { PluginHost } from '@nocoflo/host';
import type { IsolationLevel } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { startHost, writePlugin } from './isolated-plugins.js';

/** What a plugin's thread has loaded: zod (it keeps its config on globalThis), CommonJS packages. */
const PROBE = `
import { createRequire } from 'node:module';
const loaded = () => ({
  sdk: import.meta.resolve('@nocoflo/sdk'),
  zod: '__zod_globalConfig' in globalThis,
  commonJs: Object.keys(createRequire(import.meta.url).cache)
    .filter((file) => /[\\\\/](semver|tapable)[\\\\/]/.test(file))
    .map((file) => (file.includes('semver') ? 'semver' : 'tapable')),
});
`;

const LEAN = `${PROBE}
import { html, NocofloError } from '@nocoflo/sdk';
export default definePlugin({
  setup(ctx) {
    ctx.services.provide('lean.probe', { loaded, render: () => String(html\`<b>\${'<x>'}</b>\`) });
  },
});
`;

const MANIFEST_USER = `${PROBE}
import { pluginManifestSchema, formatIssues } from '@nocoflo/sdk';
export default definePlugin({
  setup(ctx) {
    ctx.services.provide('manifest.probe', {
      loaded,
      check: (manifest) => {
        const result = pluginManifestSchema.safeParse(manifest);
        return result.success ? result.data : formatIssues(result.error);
      },
    });
  },
});
`;

interface Loaded {
  sdk: string;
  zod: boolean;
  commonJs: string[];
}

describe.each<IsolationLevel>(['worker', 'process'])('at the %s level', (level) => {
  const root = new FixtureRoot(`lean-boot-${level}`);
  let host: PluginHost;
  beforeAll(async () => {
    writePlugin(root, 'lean', LEAN);
    writePlugin(root, 'manifest-user', MANIFEST_USER);
    host = await startHost(root, level);
  });
  afterAll(async () => {
    await host?.stop();
    root.cleanup();
  });

  it('a plugin that imports definePlugin and html loads neither zod, semver nor tapable', async () => {
    const probe = host.service<{ loaded(): Promise<Loaded>; render(): Promise<string> }>('lean.probe');
    expect(await probe!.render()).toBe('<b>&lt;x&gt;</b>');
    const loaded = await probe!.loaded();
    expect(loaded.sdk).toMatch(/\/dist\/isolated\.js$/);
    expect(loaded).toMatchObject({ zod: false, commonJs: [] });
  });

  it('a plugin that uses the manifest schema gets one that validates, zod loaded on that use', async () => {
    const probe = host.service<{ loaded(): Promise<Loaded>; check(m: unknown): Promise<unknown> }>(
      'manifest.probe',
    );
    expect((await probe!.loaded()).zod).toBe(false);
    expect(await probe!.check({ entry: './a.js', host: '^0.1.0' })).toEqual({
      entry: './a.js',
      host: '^0.1.0',
      provides: [],
      dependencies: {},
    });
    expect(await probe!.check({ entry: './a.js', host: 'nope' })).toMatch(
      /^host: is not a valid semver range/,
    );
    const after = await probe!.loaded();
    expect(after.zod).toBe(true);
    expect(after.commonJs).toContain('semver');
  });
});
