import { createHost, type PluginHost } from '@nocoflo/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixtureRoot, pluginPackageJson } from '../fixtures/fixture-root.js';
import { promiseHooksOn } from '../fixtures/promise-hooks.js';

declare global {
  var __lockProbe: (() => Promise<boolean>) | undefined;
  var __lockProbes: boolean[] | undefined;
}

/** A plugin whose setup records whether promise hooks were on while the host set it up. */
const probingEntry = `import { definePlugin } from '@nocoflo/sdk';
export default definePlugin({
  async setup() { (globalThis.__lockProbes ??= []).push(await globalThis.__lockProbe()); },
});
`;

describe("the host's lifecycle lock", () => {
  let root: FixtureRoot;
  let host: PluginHost;
  beforeEach(async () => {
    globalThis.__lockProbe = promiseHooksOn;
    globalThis.__lockProbes = [];
    root = new FixtureRoot('host-lock');
    root.plugin('plugins/probe', pluginPackageJson('probe'), probingEntry);
    root.plugin('plugins/other', pluginPackageJson('other'), probingEntry);
    // The test reads the plugin's globals: it runs trusted (inline).
    host = await createHost({ root: root.dir, isolation: { default: 'inline' } });
  });
  afterEach(async () => {
    await host.stop();
    root.cleanup();
    globalThis.__lockProbe = undefined;
    globalThis.__lockProbes = undefined;
  });

  it("runs the operations a user's exclusive callback awaits in place (no deadlock)", async () => {
    await host.start();
    const states = await host.exclusive(async () => {
      const disabled = await host.disable('probe');
      const reloaded = await host.reload('other');
      const enabled = await host.enable('probe');
      await host.rescan();
      return [disabled.state, reloaded.state, enabled.state];
    });
    expect(states).toEqual(['disabled', 'enabled', 'enabled']);
    // Nested exclusive calls are in place as well.
    expect(await host.exclusive(() => host.exclusive(async () => 'inner'))).toBe('inner');
  });

  it('runs the operations a hostStarted tap awaits in place (no deadlock)', async () => {
    host.hooks.hostStarted.tapPromise('test', async () => {
      await host.reload('probe');
    });
    await host.start();
    expect(host.get('probe')?.state).toBe('enabled');
  });

  it('keeps promise hooks off while it runs operations, and after a user callback', async () => {
    await host.start();
    await host.reload('probe');
    await host.disable('other');
    await host.enable('other');
    await host.exclusive(async () => {
      expect(await promiseHooksOn()).toBe(true); // the user's code is told by an AsyncLocalStorage
      await host.reload('probe');
    });
    // start, reload, enable: off; the reload inside the user's callback: on.
    const probes = globalThis.__lockProbes ?? [];
    expect(probes.length).toBeGreaterThanOrEqual(4);
    expect(probes.slice(0, -1).every((on) => !on)).toBe(true);
    expect(probes.at(-1)).toBe(true);
    expect(await promiseHooksOn()).toBe(false);
    await host.reload('probe');
    expect(globalThis.__lockProbes?.at(-1)).toBe(false);
  });

  it('runs operations in the order they were asked for, and goes on after one failed', async () => {
    await host.start();
    const log: string[] = [];
    host.on('stateChange', (change) => log.push(`${change.plugin}:${change.to}`));
    const asked = [
      host.disable('probe'),
      host.reload('missing').catch((error: { code?: string }) => log.push(`missing:${error.code}`)),
      host.enable('probe'),
      host.disable('other'),
    ];
    await Promise.all(asked);
    expect(log).toEqual([
      'probe:disabled',
      'missing:NCF_PLUGIN_NOT_FOUND',
      'probe:enabled',
      'other:disabled',
    ]);
    expect(host.list().map((p) => [p.name, p.state])).toEqual([
      ['other', 'disabled'],
      ['probe', 'enabled'],
    ]);
  });
});
