/** Thrown by {@link withTimeout} when the time limit passes first. */
export class TimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Runs `fn` and settles with it, or rejects with {@link TimeoutError} after `ms`. A
 * synchronous throw becomes a rejection.
 *
 * The timer keeps the process alive until the work settles or the time is up: work that
 * never settles (`await new Promise(() => {})`) holds nothing else open, so with an
 * `unref()`'d timer Node would find an empty event loop and exit mid-start (status 13 for a
 * top-level await, 0 for `nocoflo serve`) instead of failing the plugin. It is cleared as
 * soon as the work settles, so it delays no exit by more than that.
 */
export function withTimeout<T>(fn: () => T | Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
  });
  const work = new Promise<T>((resolve) => resolve(fn()));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
