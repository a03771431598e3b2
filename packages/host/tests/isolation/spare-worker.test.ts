// A worker plugin's restart may take a spare worker booted in the background after its
// previous restart. The spare must be a fresh thread with the plugin's own env and heap
// limit, never one that loaded anything, and it must end with the host.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { SpareWorkers } from '../../src/runtime/isolated/spare-workers.js';
import { childEntry } from '../../src/runtime/runtime-factory.js';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { startHost, writePlugin } from './isolated-plugins.js';

const PROBE = `import { threadId } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
const loadedAt = Date.now() + Math.random();
export default definePlugin({ setup(ctx) { ctx.services.provide('probe.thread', {
  about: () => ({
    thread: threadId,
    loadedAt,
    env: Object.keys(process.env).sort(),
    value: process.env.NOCOFLO_SPARE_PROBE ?? null,
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 1048576),
  }),
}); } });`;

interface About {
  thread: number;
  loadedAt: number;
  env: string[];
  value: string | null;
  heapLimitMb: number;
}

describe('spare workers', () => {
  let root: FixtureRoot | undefined;
  afterEach(() => {
    delete process.env.NOCOFLO_SPARE_PROBE;
    root?.cleanup();
    root = undefined;
  });

  it('restart a worker plugin in a fresh thread with its own env and heap limit, reload after reload', async () => {
    root = new FixtureRoot('spare-worker');
    writePlugin(root, 'probe', PROBE, { permissions: { env: ['NOCOFLO_SPARE_PROBE'] } });
    process.env.NOCOFLO_SPARE_PROBE = 'declared';
    const host = await startHost(root, 'worker', { maxHeapMb: 96 });
    try {
      const about = async () => host.service<{ about(): Promise<About> }>('probe.thread')!.about();
      const seen: About[] = [await about()];
      // The first reload starts a worker the usual way and a spare after it; the later ones
      // take that spare.
      for (let i = 0; i < 4; i++) {
        await host.reload('probe');
        expect(host.get('probe')).toMatchObject({ state: 'enabled', runtime: { isolation: 'worker' } });
        seen.push(await about());
      }
      expect(new Set(seen.map((s) => s.thread)).size).toBe(seen.length);
      expect(new Set(seen.map((s) => s.loadedAt)).size).toBe(seen.length);
      for (const s of seen) {
        expect(s.env).toEqual(['NOCOFLO_SPARE_PROBE']);
        expect(s.value).toBe('declared');
        // V8 adds its young generation to the old-generation limit.
        expect(s.heapLimitMb).toBeGreaterThanOrEqual(96);
        expect(s.heapLimitMb).toBeLessThan(96 + 64);
      }
    } finally {
      await host.stop();
    }
  });
});

describe('the spare pool', () => {
  const options = (name: string) => ({ childEntry: childEntry(), name, maxHeapMb: 64, env: {} });

  it('gives a spare only to the plugin and options it was started for, once', async () => {
    const spares = new SpareWorkers();
    try {
      spares.prepare(options('a'));
      expect(spares.take(options('b'))).toBeUndefined();
      expect(spares.take({ ...options('a'), maxHeapMb: 65 })).toBeUndefined();
      expect(spares.take({ ...options('a'), env: { X: '1' } })).toBeUndefined();
      const blank = spares.take(options('a'));
      expect(blank).toBeDefined();
      expect(spares.take(options('a'))).toBeUndefined();
      const exited = once(blank!.worker, 'exit');
      await blank!.worker.terminate();
      await exited;
    } finally {
      await spares.close();
    }
  });

  it('keeps one spare at most, and ends it on close', async () => {
    const spares = new SpareWorkers();
    const a = spares.prepare(options('a'))!;
    expect(spares.prepare(options('a'))).toBe(a);
    const aEnded = once(a.worker, 'exit');
    const b = spares.prepare(options('b'))!; // replaces a's spare, which ends
    await aEnded;
    expect(spares.take(options('a'))).toBeUndefined();
    const bEnded = once(b.worker, 'exit');
    await spares.close();
    await bEnded;
    expect(spares.prepare(options('c'))).toBeUndefined(); // closed: starts nothing
    expect(spares.take(options('b'))).toBeUndefined();
  });
});
