/**
 * The hostile-plugin corpus (hostile-corpus.ts) at one isolation level, each case beside a
 * well-behaved plugin. Responsiveness is checked without wall-clock limits: while the
 * incident is still under way (the offender still looping), the host answers data and admin
 * calls. One test file per level (hostile-plugins*.test.ts), so the two levels, which spend
 * most of their time waiting for deadlines, run side by side.
 */
import type { PluginHost } from '@nocoflo/host';
import type { IsolationLevel, PluginState } from '@nocoflo/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { HOSTILE_CASES } from './hostile-corpus.js';
import { MEMORY_DATASOURCE, startHost, writePlugin } from './isolated-plugins.js';

/** A well-behaved plugin with a datasource, beside each offender. */
export const GOOD = `${MEMORY_DATASOURCE}
export default definePlugin({
  datasources: [{ name: 'good', schemes: ['good'], async open(url) { return memoryDatasource(url); } }],
});`;

/** Resolves when `plugin` is in `state` (the test's own timeout catches a host that never gets there). */
function stateReached(host: PluginHost, plugin: string, state: PluginState): Promise<void> {
  return new Promise((resolve) => {
    if (host.get(plugin)?.state === state) return resolve();
    const off = host.on('stateChange', (change) => {
      if (change.plugin === plugin && change.to === state) {
        off();
        resolve();
      }
    });
  });
}

/** The host answers: a data read through the good plugin and an admin-style listing. */
async function probe(host: PluginHost): Promise<void> {
  const ds = await host.datasources.open('good:x');
  const page = await ds.readPage('items', { limit: 10 });
  await ds.close();
  expect(page.rows.map((row) => row.id)).toEqual(expect.arrayContaining([1, 2, 3]));
  expect(host.list().find((p) => p.name === 'good')?.state).toBe('enabled');
}

/** The corpus at `level`, one test per case. */
export function describeHostilePlugins(level: IsolationLevel): void {
  describe(`hostile plugins at the ${level} level`, () => {
    let root: FixtureRoot | undefined;
    let host: PluginHost | undefined;
    afterEach(async () => {
      await host?.stop();
      root?.cleanup();
      host = undefined;
    });

    it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
      root = new FixtureRoot(`hostile-${level}`);
      writePlugin(root, 'good', GOOD);
      writePlugin(root, 'offender', hostile.source);
      host = await startHost(root, level, {
        callbackTimeoutMs: 4_000,
        tapTimeoutMs: 2_000,
        ...(hostile.maxHeapMb ? { maxHeapMb: hostile.maxHeapMb } : {}),
      });
      const running = host;
      let settled = false;
      const incident = hostile.trigger
        ? hostile.trigger(running).then(
            () => undefined,
            () => undefined,
          )
        : Promise.resolve();
      void incident.finally(() => {
        settled = true;
      });
      // The host answers while the incident is under way (a sync call, such as canHandle or a
      // service method, holds the host until its deadline, then the host answers again).
      await probe(running);
      const stillLooping = !settled;
      await incident;
      if (hostile.cause) {
        await stateReached(running, 'offender', 'failed');
        const offender = running.get('offender');
        expect(offender?.state).toBe('failed');
        expect(offender?.error?.message).toMatch(hostile.cause);
        expect(offender?.error?.message).toContain('offender');
        if (hostile.trigger && /did not finish|stopped answering/.test(offender?.error?.message ?? ''))
          expect(
            stillLooping || /canHandle|viewCandidates|service/.test(offender?.error?.message ?? ''),
          ).toBe(true);
      } else {
        await hostile.confined?.(running);
        expect(running.get('offender')?.state).toBe('enabled');
      }
      // The other plugin is untouched and its data intact.
      await probe(running);
      expect(running.get('good')?.state).toBe('enabled');
    });
  });
}
