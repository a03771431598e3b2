import { describe, expect, it } from 'vitest';
import { HostLock } from '../../src/lifecycle/host-lock.js';

describe('host lock', () => {
  it('runs operations one at a time, re-entrant inside one, also after it went idle', async () => {
    const lock = new HostLock();
    const log: string[] = [];
    let release: () => void = () => {};
    const first = lock.exclusive(async () => {
      log.push('first start');
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      // A step of the operation takes the lock again: it runs in place, no deadlock.
      await lock.exclusive(async () => {
        log.push('first nested');
      });
      log.push('first end');
    });
    const second = lock.exclusive(async () => {
      log.push('second');
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['first start']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['first start', 'first nested', 'first end', 'second']);
    // Idle now; a later operation is re-entrant as well.
    const nested = await lock.exclusive(() => lock.exclusive(async () => 'inner'));
    expect(nested).toBe('inner');
  });

  it('goes on after an operation that failed', async () => {
    const lock = new HostLock();
    await expect(lock.exclusive(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.exclusive(async () => 'next')).toBe('next');
  });
});
