/** Thrown by {@link withTimeout} when the time limit passes first. */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `fn` and settles with it, or rejects with {@link TimeoutError} after `ms`. A
 * synchronous throw becomes a rejection. The timer never keeps the process alive.
 */
export function withTimeout<T>(fn: () => T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    timer.unref();
  });
  const work = new Promise<T>((resolve) => resolve(fn()));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
