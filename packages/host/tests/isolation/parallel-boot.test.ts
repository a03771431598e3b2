/**
 * Isolated plugins boot ahead of their turn, several at once, yet the start keeps the inline
 * semantics: setup and enable in dependency order, a dependent of a failed plugin runs no
 * code, and a plugin that fails while booting fails alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import type { PluginStateChange } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureRoot, pluginPackageJson } from '../fixtures/fixture-root.js';

const TRIVIAL = `import { definePlugin } from '@nocoflo/sdk';
export default definePlugin({ hooks: { afterWrite: () => {} } });
`;

describe('starting many worker plugins', () => {
  // Loads overlap: a plugin early in the start order can wait for one late in it.
  const root = new FixtureRoot('parallel-boot');
  const marker = join(root.dir, 'dependent-ran');
  const peerLoaded = join(root.dir, 'peer-loaded');
  let host: PluginHost;
  const enabled: string[] = [];

  beforeAll(async () => {
    // Seven independent plugins, a chain (base ← middle ← top), a plugin whose entry throws
    // at import, and a dependent of a plugin whose setup throws.
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'base'])
      root.plugin(`plugins/${name}`, pluginPackageJson(name), TRIVIAL);
    root.plugin(`plugins/middle`, pluginPackageJson('middle', { dependencies: { base: '*' } }), TRIVIAL);
    root.plugin(`plugins/top`, pluginPackageJson('top', { dependencies: { middle: '*' } }), TRIVIAL);
    // The first plugin in start order finishes loading only once the last one has loaded:
    // one at a time, it would wait for ever (and miss its load deadline).
    root.plugin(
      'plugins/a-waits',
      pluginPackageJson('a-waits'),
      `import { existsSync } from 'node:fs';
import { definePlugin } from '@nocoflo/sdk';
while (!existsSync(${JSON.stringify(peerLoaded)})) await new Promise((resolve) => setTimeout(resolve, 5));
export default definePlugin({});
`,
    );
    root.plugin(
      'plugins/z-peer',
      pluginPackageJson('z-peer'),
      `import { writeFileSync } from 'node:fs';
import { definePlugin } from '@nocoflo/sdk';
writeFileSync(${JSON.stringify(peerLoaded)}, 'loaded');
export default definePlugin({});
`,
    );
    root.plugin(
      'plugins/broken-entry',
      pluginPackageJson('broken-entry'),
      `throw new Error('broken at import');\n`,
    );
    root.plugin(
      'plugins/bad-setup',
      pluginPackageJson('bad-setup'),
      `import { definePlugin } from '@nocoflo/sdk';
export default definePlugin({ setup() { throw new Error('setup refused'); } });
`,
    );
    root.plugin(
      'plugins/needs-bad',
      pluginPackageJson('needs-bad', { dependencies: { 'bad-setup': '*' } }),
      `import { writeFileSync } from 'node:fs';
import { definePlugin } from '@nocoflo/sdk';
writeFileSync(${JSON.stringify(marker)}, 'ran');
export default definePlugin({});
`,
    );
    host = await createHost({
      root: root.dir,
      pluginDirs: ['plugins'],
      scanNodeModules: false,
      // Only a start that loads one plugin at a time would reach it (a-waits never loads).
      callbackTimeoutMs: 120_000,
      isolation: { default: 'worker', restart: { maxFailures: 0 } },
    });
    host.hooks.pluginStateChanged.tap('test', (change: PluginStateChange) => {
      if (change.to === 'enabled') enabled.push(change.plugin);
    });
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    root.cleanup();
  });

  it('enables every healthy plugin, each in its own worker', () => {
    const states = Object.fromEntries(host.list().map((p) => [p.name, p.state]));
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'base', 'middle', 'top'])
      expect(states[name]).toBe('enabled');
    expect(states['a-waits']).toBe('enabled');
    expect(states['z-peer']).toBe('enabled');
    expect(host.get('p1')?.runtime?.isolation).toBe('worker');
  });

  it('enables in start order: dependencies first, the others by name', () => {
    expect(enabled).toEqual([
      'a-waits',
      'base',
      'middle',
      'p1',
      'p2',
      'p3',
      'p4',
      'p5',
      'p6',
      'p7',
      'top',
      'z-peer',
    ]);
  });

  it('fails a plugin whose entry throws at import alone, naming the cause', () => {
    const info = host.get('broken-entry');
    expect(info?.state).toBe('failed');
    expect(info?.error?.code).toBe('NCF_ENTRY_LOAD_FAILED');
    expect(info?.error?.message).toContain('broken at import');
  });

  it('never loads the code of a dependent of a plugin that failed', () => {
    expect(host.get('bad-setup')?.state).toBe('failed');
    const dependent = host.get('needs-bad');
    expect(dependent?.state).toBe('failed');
    expect(dependent?.error?.code).toBe('NCF_DEPENDENCY_FAILED');
    expect(existsSync(marker)).toBe(false);
  });
});
