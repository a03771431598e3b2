/**
 * Deadlines of hook calls that wait on a plugin tap's promise, all sharing one timer.
 *
 * A timer per call (`setTimeout` and `clearTimeout`, a few µs) cost more than the rest of a
 * short async hook call, and even reading the clock per call shows. Every deadline of one
 * queue has the same length, so a single timer ticks four times per deadline length while
 * some call waits; a call is stamped with the tick it started in and fails at the fifth tick
 * after it: between one and one and a quarter deadline lengths after it started. A call that
 * ends only marks its entry done. The timer keeps the process alive only while some call
 * waits (a hanging tap must fail, not let Node exit on an empty event loop), and stops when
 * none does.
 */

/** What waits on a deadline: told once it passes. */
export interface DeadlineWaiter {
  onDeadline(): void;
}

/** One call's wait, from {@link DeadlineQueue.add}. */
export interface DeadlineEntry {
  tick: number;
  done: boolean;
  waiter: DeadlineWaiter;
}

/** Ticks of the shared timer per deadline length. */
const TICKS = 4;

/** Deadlines of one length, in the order they were added. */
export class DeadlineQueue {
  #entries: DeadlineEntry[] = [];
  #head = 0;
  #waiting = 0;
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #period: number;

  constructor(readonly ms: number) {
    this.#period = Math.max(1, Math.ceil(ms / TICKS));
  }

  /** Starts a deadline; `waiter.onDeadline()` runs once it passes unless {@link done} came first. */
  add(waiter: DeadlineWaiter): DeadlineEntry {
    // Entries of calls that ended are dropped from the front as new ones come.
    while (this.#head < this.#entries.length && this.#entries[this.#head]!.done) this.#head += 1;
    if (this.#head === this.#entries.length) {
      this.#entries.length = 0;
      this.#head = 0;
    }
    const entry: DeadlineEntry = { tick: this.#tick, done: false, waiter };
    this.#entries.push(entry);
    this.#waiting += 1;
    if (this.#timer === undefined) this.#timer = setTimeout(this.#fire, this.#period);
    else if (this.#waiting === 1) this.#timer.ref();
    return entry;
  }

  /** The call no longer waits: its deadline will not fire. */
  done(entry: DeadlineEntry): void {
    if (entry.done) return;
    entry.done = true;
    this.#waiting -= 1;
    if (this.#waiting === 0) this.#timer?.unref();
  }

  #fire = (): void => {
    this.#timer = undefined;
    this.#tick += 1;
    const expired: DeadlineEntry[] = [];
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head]!;
      if (!entry.done) {
        if (this.#tick - entry.tick <= TICKS) break;
        entry.done = true;
        this.#waiting -= 1;
        expired.push(entry);
      }
      this.#head += 1;
    }
    this.#entries = this.#entries.slice(this.#head);
    this.#head = 0;
    if (this.#waiting > 0) this.#timer = setTimeout(this.#fire, this.#period);
    for (const entry of expired) entry.waiter.onDeadline();
  };
}
