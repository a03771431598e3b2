import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../../../src/server/admin-api/keyed-mutex.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('KeyedMutex', () => {
  it('runs calls with one key one at a time, in arrival order, even when some fail', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const job =
      (name: string, fail = false) =>
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        active--;
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      mutex.run('p', job('a')),
      mutex.run('p', job('b', true)),
      mutex.run('p', job('c')),
    ]);
    expect(maxActive).toBe(1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(mutex.busyKeys).toEqual([]);
  });

  it('runs different keys side by side', async () => {
    const mutex = new KeyedMutex();
    let active = 0;
    let maxActive = 0;
    const job = async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await tick();
      active--;
    };
    await Promise.all([mutex.run('a', job), mutex.run('b', job), mutex.run('c', job)]);
    expect(maxActive).toBe(3);
  });
});
