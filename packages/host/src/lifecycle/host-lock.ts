/**
 * The host's lifecycle lock: enable / disable / reload / install of any plugin run one at
 * a time. Re-entrant within one operation, so a lifecycle step may call another.
 *
 * Re-entrance is told by an AsyncLocalStorage, which on Node 20 switches promise hooks on for
 * the whole process while it is enabled (every await of the data path then costs about twice
 * as much). So it is enabled only while an operation holds or waits for the lock, and
 * disabled again as soon as none does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** A re-entrant async mutex. */
export class HostLock {
  readonly #held = new AsyncLocalStorage<true>();
  #queue: Promise<unknown> = Promise.resolve();
  /** Operations holding or waiting for the lock. */
  #operations = 0;

  /** Runs `fn` holding the lock (in place when the caller already holds it). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#held.getStore()) return fn(); // already inside: run in place (no self-deadlock)
    this.#operations += 1;
    const run = this.#queue.then(() => this.#held.run(true, fn));
    this.#queue = run.then(
      () => this.#release(),
      () => this.#release(),
    );
    return run;
  }

  #release(): void {
    this.#operations -= 1;
    if (this.#operations === 0) this.#held.disable();
  }

  /** Runs `fn` as if outside the lock, so what it queues waits for the current operation. */
  outside(fn: () => void): void {
    this.#held.exit(fn);
  }
}
