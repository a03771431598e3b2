import { describe, expect, it } from 'vitest';
import { TimeoutError, withTimeout } from '../../src/lifecycle/timeout.js';

describe('withTimeout', () => {
  it('settles with what a synchronous function returns or throws', async () => {
    await expect(withTimeout(() => 42, 1_000)).resolves.toBe(42);
    await expect(withTimeout(() => undefined, 1_000)).resolves.toBeUndefined();
    await expect(
      withTimeout(() => {
        throw new Error('sync boom');
      }, 1_000),
    ).rejects.toThrow('sync boom');
  });

  it('waits for promises and thenables, and rejects when reading `then` throws', async () => {
    await expect(withTimeout(async () => 'later', 1_000)).resolves.toBe('later');
    await expect(withTimeout(() => Promise.reject(new Error('async boom')), 1_000)).rejects.toThrow(
      'async boom',
    );
    // biome-ignore lint/suspicious/noThenProperty: a thenable is what this case is about
    const thenable = { then: (resolve: (value: string) => void) => resolve('thenable') };
    await expect(withTimeout(() => thenable as unknown as Promise<string>, 1_000)).resolves.toBe('thenable');
    const hostile = Object.defineProperty({}, 'then', {
      get() {
        throw new Error('then getter');
      },
    });
    await expect(withTimeout(() => hostile, 1_000)).rejects.toThrow('then getter');
  });

  it('rejects with TimeoutError when the work never settles', async () => {
    const never = withTimeout(() => new Promise<never>(() => {}), 5);
    await expect(never).rejects.toBeInstanceOf(TimeoutError);
    await expect(never).rejects.toMatchObject({ ms: 5 });
  });
});
