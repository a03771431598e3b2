import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHost } from '@nocoflo/host';
import { afterEach, describe, expect, it } from 'vitest';
import { FixtureRoot, pluginPackageJson } from '../fixtures/fixture-root.js';

const markerEntry = (marker: string) => `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(marker)}, 'ran');
export default {};
`;

describe('no plugin code runs before its manifest is valid', () => {
  let root: FixtureRoot;
  afterEach(() => root.cleanup());

  it.each([
    ['an invalid manifest', { nocoflo: { entry: './index.js', host: 'not a range' } }],
    ['a host range this host does not satisfy', { host: '>=5.0.0' }],
    ['a missing dependency', { dependencies: { 'not-here': '^1.0.0' } }],
  ])('leaves no marker for %s', async (_label, options) => {
    root = new FixtureRoot('marker');
    const marker = join(root.dir, 'marker.txt');
    root.plugin('plugins/marker', pluginPackageJson('marker', options), markerEntry(marker));
    const host = await createHost({ root: root.dir });
    await host.start();
    expect(host.get('marker')?.state).toBe('failed');
    await host.reload('marker');
    expect(host.get('marker')?.state).toBe('failed');
    expect(existsSync(marker)).toBe(false);
    await host.stop();
  });

  it('does run the entry once the manifest is valid (the marker test can fail)', async () => {
    root = new FixtureRoot('marker');
    const marker = join(root.dir, 'marker.txt');
    root.plugin('plugins/marker', pluginPackageJson('marker'), markerEntry(marker));
    const host = await createHost({ root: root.dir });
    await host.start();
    expect(existsSync(marker)).toBe(true);
    expect(host.get('marker')?.error?.code).toBe('NCF_ENTRY_NOT_PLUGIN');
    await host.stop();
  });

  it('does not load a plugin an operator disabled', async () => {
    root = new FixtureRoot('marker');
    const marker = join(root.dir, 'marker.txt');
    root.plugin('plugins/marker', pluginPackageJson('marker'), markerEntry(marker));
    const { MemoryStore } = await import('@nocoflo/host');
    const store = new MemoryStore();
    await store.writePluginState('marker', '1.0.0', false);
    const host = await createHost({ root: root.dir, store });
    await host.start();
    expect(host.get('marker')?.state).toBe('disabled');
    expect(existsSync(marker)).toBe(false);
    await host.stop();
  });
});
