/**
 * The crash-loop behaviour of isolated plugins: a crashed plugin restarts after a delay that
 * doubles with each failure (capped), and after N failures within the window it stays
 * `failed` until an operator acts. Time is a manual clock the test steps: no sleeps, no
 * wall-clock limits. The crash itself is real: the plugin's worker exits when a hook runs.
 */
import type { RestartClock } from '@nocoflo/host';
import { createHost, type PluginHost } from '@nocoflo/host';
import type { PluginState, SerializedNocofloError } from '@nocoflo/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { freshHealth, nextRestart } from '../../src/lifecycle/restart-policy.js';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { writePlugin } from './isolated-plugins.js';

/** A clock that only moves when the test says so; it records every timer it was asked for. */
class ManualClock implements RestartClock {
  time = 1_000_000;
  readonly timers = new Map<number, { at: number; ms: number; fn: () => void }>();
  readonly requested: number[] = [];
  #next = 1;

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.timers.set(id, { at: this.time + ms, ms, fn });
    this.requested.push(ms);
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Moves time to the next timer and runs it; returns its delay. */
  fireNext(): number {
    const [id, timer] = [...this.timers].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
    if (id === undefined || !timer) throw new Error('no restart is scheduled');
    this.timers.delete(id);
    this.time = timer.at;
    timer.fn();
    return timer.ms;
  }
}

const ERROR: SerializedNocofloError = { code: 'NCF_X', title: 't', message: 'crashed', hint: 'h' };

describe('the restart schedule', () => {
  it('doubles the delay at each failure, caps it, and gives up after maxFailures in the window', () => {
    const health = freshHealth();
    const options = { maxFailures: 6, windowMs: 600_000, baseDelayMs: 1_000, maxDelayMs: 10_000 };
    const delays = [0, 1, 2, 3, 4, 5].map((i) => nextRestart(health, ERROR, options, 1_000 + i));
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(health.crashLoop).toBe(false);
    expect(nextRestart(health, ERROR, options, 1_010)).toBeUndefined();
    expect(health.crashLoop).toBe(true);
    expect(health.lastError).toEqual(ERROR);
  });

  it('forgets failures older than the window: a plugin that crashes now and then is not in a loop', () => {
    const health = freshHealth();
    const options = { maxFailures: 2, windowMs: 60_000, baseDelayMs: 500 };
    expect(nextRestart(health, ERROR, options, 0)).toBe(500);
    expect(nextRestart(health, ERROR, options, 10_000)).toBe(1_000);
    // A third failure inside the window would be a loop; one after the first left it is not.
    expect(nextRestart(health, ERROR, options, 65_000)).toBe(1_000);
    expect(health.failures).toEqual([10_000, 65_000]);
    expect(nextRestart(health, ERROR, options, 66_000)).toBeUndefined();
  });
});

/** Resolves at the next time `plugin` reaches `state`. */
function reaches(host: PluginHost, plugin: string, state: PluginState): Promise<void> {
  return new Promise((resolve) => {
    const off = host.on('stateChange', (change) => {
      if (change.plugin === plugin && change.to === state) {
        off();
        resolve();
      }
    });
  });
}

// Its worker or process exits (a real crash) whenever the host calls its `beforeQuery` tap:
// the test calls the hook itself, so every crash happens when the test says.
const CRASHER = `export default definePlugin({ hooks: { beforeQuery() { process.exit(7); } } });`;

describe.each(['worker', 'process'] as const)('a crashing plugin at the %s level', (level) => {
  let root: FixtureRoot | undefined;
  let host: PluginHost | undefined;
  afterEach(async () => {
    await host?.stop();
    root?.cleanup();
    host = undefined;
  });

  it('restarts with exponential backoff, then stays failed until an operator acts', async () => {
    root = new FixtureRoot(`crash-loop-${level}`);
    writePlugin(root, 'crasher', CRASHER);
    writePlugin(root, 'steady', 'export default definePlugin({});');
    const clock = new ManualClock();
    host = await createHost({
      root: root.dir,
      pluginDirs: ['plugins'],
      scanNodeModules: false,
      isolation: {
        default: level,
        restart: { maxFailures: 3, windowMs: 60_000, baseDelayMs: 1_000, maxDelayMs: 60_000, clock },
      },
    });
    const running = host;
    await running.start();
    const crash = async () => {
      const failed = reaches(running, 'crasher', 'failed');
      const event = { datasource: 'x:', table: 'items', options: {} } as unknown as Parameters<
        typeof running.hooks.beforeQuery.promise
      >[0];
      void running.hooks.beforeQuery.promise(event).catch(() => {});
      await failed;
      // The failure is handled under the host's lock: wait until its restart is scheduled (or not).
      await running.exclusive(async () => {});
    };

    const delays: number[] = [];
    for (let failure = 1; failure <= 3; failure++) {
      await crash();
      expect(running.get('crasher')).toMatchObject({ state: 'failed', runtime: { restarts: failure - 1 } });
      expect(running.get('crasher')?.error?.message).toMatch(/crasher/);
      expect(clock.timers.size).toBe(1);
      const enabled = reaches(running, 'crasher', 'enabled');
      delays.push(clock.fireNext());
      await enabled;
      expect(running.get('crasher')?.runtime?.restarts).toBe(failure);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000]);
    expect(running.get('steady')?.state).toBe('enabled');

    // The fourth failure within the window: no restart is scheduled; the plugin stays failed.
    await crash();
    expect(clock.timers.size).toBe(0);
    const info = running.get('crasher');
    expect(info).toMatchObject({ state: 'failed', runtime: { crashLoop: true, restarts: 3 } });
    expect(info?.runtime?.lastError?.message).toMatch(/crasher/);
    // Time passing changes nothing: there is no timer left to fire.
    clock.time += 3_600_000;
    expect(() => clock.fireNext()).toThrow(/no restart/);
    expect(running.get('crasher')?.state).toBe('failed');
    expect(running.get('steady')?.state).toBe('enabled');

    // An operator acts: enable starts it again, and the count starts over.
    const back = await running.enable('crasher');
    expect(back).toMatchObject({ state: 'enabled', runtime: { restarts: 0 } });
    expect(back.runtime?.crashLoop).toBeUndefined();
    // The last error stays visible after the operator's action.
    expect(back.runtime?.lastError?.message).toMatch(/crasher/);
    await crash();
    expect([...clock.timers.values()].map((t) => t.ms)).toEqual([1_000]);
    // Reload is an operator's action too: the pending restart is dropped, the count reset.
    const reloaded = await running.reload('crasher');
    expect(reloaded).toMatchObject({ state: 'enabled', runtime: { restarts: 0 } });
    expect(clock.timers.size).toBe(0);
  });
});
