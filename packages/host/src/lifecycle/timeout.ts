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
  const started = performance.now();
  let value: T | Promise<T>;
  try {
    value = fn();
    // Work that returned a plain value is done: no deadline to keep (a timer armed before it
    // ran could not have fired first either). Most plugin callbacks are synchronous, and a
    // reload calls up to four; each saves a timer, a race and a finally.
    if (!isThenable(value)) return Promise.resolve(value);
  } catch (error) {
    return Promise.reject(error);
  }
  const work = value;
  let timer: NodeJS.Timeout | undefined;
  // The time limit counts from the call, the synchronous part of `fn` included.
  const left = Math.max(0, ms - (performance.now() - started));
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), left);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Whether `value` is a promise-like (what `await` would wait for); reading `then` may throw. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
