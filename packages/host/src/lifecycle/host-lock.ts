/**
 * The host's lifecycle lock: enable / disable / reload / install of any plugin run one at
 * a time. Re-entrant within one operation, so a lifecycle step may call another.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A re-entrant async mutex. */
export class HostLock {
  readonly #held = new AsyncLocalStorage<true>();
  #queue: Promise<unknown> = Promise.resolve();

  /** Runs `fn` holding the lock (in place when the caller already holds it). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#held.getStore()) return fn(); // already inside: run in place (no self-deadlock)
    const run = this.#queue.then(() => this.#held.run(true, fn));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Runs `fn` as if outside the lock, so what it queues waits for the current operation. */
  outside(fn: () => void): void {
    this.#held.exit(fn);
  }
}
