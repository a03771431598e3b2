import { describe, expect, it } from 'vitest';
import { bootConcurrency, Limiter } from '../../src/lifecycle/boot-limiter.js';

/** A task that finishes when the test says so. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe('the boot limiter', () => {
  it('runs at most its limit at once, in the order given, and hands each freed slot on', async () => {
    const limiter = new Limiter(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const results = gates.map((g, i) =>
      limiter.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await g.opened;
        running--;
        return i;
      }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    gates[1]!.open();
    await results[1];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    // A new task queued now waits behind task 3, which was given first.
    const late = limiter.run(async () => {
      started.push(99);
      return 99;
    });
    gates[0]!.open();
    await results[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all([...results, late])).toEqual([0, 1, 2, 3, 99]);
    expect(most).toBe(2);
  });

  it('frees the slot of a task that fails', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run(async () => 'next')).toBe('next');
  });

  it('boots at least two plugins at once', () => {
    expect(bootConcurrency()).toBeGreaterThanOrEqual(2);
  });
});
