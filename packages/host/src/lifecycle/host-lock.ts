/**
 * The host's lifecycle lock: enable / disable / reload / install of any plugin run one at
 * a time, in the order they were asked for; an operation that fails releases it.
 *
 * A plain async mutex: the host's own steps never take it again while they hold it (a step
 * that must wait for the current operation, a tap's failure or a restart, queues with
 * {@link HostLock.run}). The one re-entrance is user code the lock runs while it is held (a
 * `host.exclusive` callback, a `hostStarted` tap): the host operations it calls run in place,
 * or they would wait for the operation that waits for them. That code is told by an
 * AsyncLocalStorage, which on Node 20 switches promise hooks on for the whole process while
 * it is enabled (every await then costs about twice as much, ~10% of a reload); so it is
 * enabled only while such user code runs, and disabled as soon as none does: ordinary
 * operations, reloads and the data path run with promise hooks off.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One holding of the lock. */
interface Hold {
  /** Settles when the holder is done (released, whether it succeeded or failed). */
  readonly done: Promise<unknown>;
}

/** An async mutex, re-entrant only for the user code it runs (see {@link HostLock.userCode}). */
export class HostLock {
  /** The last operation queued: the next one runs when it is done. */
  #tail: Promise<unknown> = Promise.resolve();
  /** The operation holding the lock now. */
  #holder: Hold | undefined;
  /** Which hold the user code running now belongs to (enabled only while some does). */
  readonly #userCode = new AsyncLocalStorage<Hold>();
  /** User code runs in progress (the storage is disabled when this falls to 0). */
  #userRuns = 0;

  /**
   * Runs `fn` holding the lock, once the operations queued before it are done; never in
   * place, so a step that queues work from inside an operation does not deadlock on it
   * only as long as it does not wait for that work.
   */
  run<T>(fn: () => Promise<T>): Promise<T> {
    let hold!: Hold;
    const result = this.#tail.then(() => {
      this.#holder = hold;
      return fn();
    });
    const done = result.then(
      () => this.#release(hold),
      () => this.#release(hold),
    );
    hold = { done };
    this.#tail = done;
    return result;
  }

  /**
   * A host operation: runs in place when user code run by the current holder calls it (see
   * {@link HostLock.userCode}); otherwise as {@link HostLock.run}.
   */
  operation<T>(fn: () => Promise<T>): Promise<T> {
    // Reading the storage is skipped (and it stays disabled) unless user code runs now.
    if (this.#userRuns > 0 && this.#holder !== undefined && this.#userCode.getStore() === this.#holder)
      return fn();
    return this.run(fn);
  }

  /**
   * Runs user code while the current operation holds the lock (call it only from inside
   * {@link HostLock.run} or {@link HostLock.operation}): host operations it calls, directly or
   * through its own awaits, run in place instead of waiting for the operation that runs it.
   */
  async userCode<T>(fn: () => Promise<T>): Promise<T> {
    const hold = this.#holder;
    if (hold === undefined) return fn();
    this.#userRuns += 1;
    try {
      return await this.#userCode.run(hold, fn);
    } finally {
      this.#userRuns -= 1;
      // Promise hooks off again for everyone; work the user code left running that calls an
      // operation later finds no store, and queues.
      if (this.#userRuns === 0) this.#userCode.disable();
    }
  }

  #release(hold: Hold): void {
    if (this.#holder === hold) this.#holder = undefined;
  }
}
