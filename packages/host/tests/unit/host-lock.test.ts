import { describe, expect, it } from 'vitest';
import { HostLock } from '../../src/lifecycle/host-lock.js';
import { promiseHooksOn } from '../fixtures/promise-hooks.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

describe('host lock', () => {
  it('runs operations one at a time, in the order they were asked for', async () => {
    const lock = new HostLock();
    const log: string[] = [];
    const first = gate();
    const a = lock.operation(async () => {
      log.push('a start');
      await first.wait;
      log.push('a end');
    });
    const b = lock.operation(async () => {
      log.push('b');
    });
    const c = lock.run(async () => {
      log.push('c');
    });
    await tick();
    expect(log).toEqual(['a start']);
    first.open();
    await Promise.all([a, b, c]);
    expect(log).toEqual(['a start', 'a end', 'b', 'c']);
  });

  it('goes on after an operation that failed', async () => {
    const lock = new HostLock();
    const failed = lock.operation(() => Promise.reject(new Error('boom')));
    const next = lock.operation(async () => 'next');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('next');
    // Thrown synchronously by the callback: released all the same.
    await expect(
      lock.run(() => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    expect(await lock.operation(async () => 'after')).toBe('after');
  });

  it("queues what an operation's own steps ask for (never in place)", async () => {
    const lock = new HostLock();
    const log: string[] = [];
    let queued: Promise<void> = Promise.resolve();
    await lock.operation(async () => {
      queued = lock.operation(async () => {
        log.push('queued');
      });
      await tick();
      log.push('outer end');
    });
    await queued;
    expect(log).toEqual(['outer end', 'queued']);
  });

  it('runs in place the operations user code calls while it holds the lock, with no deadlock', async () => {
    const lock = new HostLock();
    const log: string[] = [];
    const result = await lock.operation(() =>
      lock.userCode(async () => {
        log.push('user');
        // Awaited from the user's callback: it would wait for itself if it queued.
        const inner = await lock.operation(async () => {
          await tick();
          // Nested: user code an in-place operation runs (a hostStarted tap) re-enters too.
          return lock.userCode(() => lock.operation(async () => 'inner'));
        });
        log.push(inner);
        return 'outer';
      }),
    );
    expect(result).toBe('outer');
    expect(log).toEqual(['user', 'inner']);
  });

  it('keeps promise hooks off outside user code, and switches them off again after it', async () => {
    const lock = new HostLock();
    expect(await promiseHooksOn()).toBe(false);
    expect(await lock.operation(() => promiseHooksOn())).toBe(false);
    expect(await lock.operation(() => lock.userCode(() => promiseHooksOn()))).toBe(true);
    expect(await promiseHooksOn()).toBe(false);
    await expect(
      lock.operation(() => lock.userCode(() => Promise.reject(new Error('user boom')))),
    ).rejects.toThrow('user boom');
    expect(await promiseHooksOn()).toBe(false);
    expect(await lock.operation(() => promiseHooksOn())).toBe(false);
  });

  it('queues an operation that user code left running calls once its hold is over', async () => {
    const lock = new HostLock();
    const log: string[] = [];
    const later = gate();
    let leftOver: Promise<void> = Promise.resolve();
    await lock.operation(() =>
      lock.userCode(async () => {
        // Started by the user's callback, calls an operation after the callback returned.
        leftOver = later.wait.then(() =>
          lock.operation(async () => {
            log.push('left over');
          }),
        );
      }),
    );
    // Another user's callback holds the lock (so the storage is enabled again) meanwhile.
    const holding = gate();
    const other = lock.operation(() =>
      lock.userCode(async () => {
        log.push('other start');
        await holding.wait;
        log.push('other end');
      }),
    );
    await tick();
    later.open();
    await tick();
    await tick();
    expect(log).toEqual(['other start']);
    holding.open();
    await Promise.all([other, leftOver]);
    expect(log).toEqual(['other start', 'other end', 'left over']);
  });
});
