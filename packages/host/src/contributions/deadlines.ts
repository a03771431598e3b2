/**
 * Deadlines of hook calls that wait on a plugin tap's promise, all sharing one timer.
 *
 * A timer per call (`setTimeout` and `clearTimeout`, a few µs) cost more than the rest of a
 * short async hook call, and even reading the clock per call shows. Every deadline of one
 * queue has the same length, so a single timer ticks four times per deadline length while
 * some call waits; a call is stamped with the tick it started in and fails at the fifth tick
 * after it: between one and one and a quarter deadline lengths after it started. A call that
 * ends takes its entry out of the list. The timer keeps the process alive only while some call
 * waits (a hanging tap must fail, not let Node exit on an empty event loop), and stops when
 * none does.
 */

/** What waits on a deadline: told once it passes. */
export interface DeadlineWaiter {
  onDeadline(): void;
}

/** One call's wait, from {@link DeadlineQueue.add}: a node of the queue's list while it waits. */
export interface DeadlineEntry {
  tick: number;
  done: boolean;
  waiter: DeadlineWaiter;
  prev: DeadlineEntry | undefined;
  next: DeadlineEntry | undefined;
}

/** Ticks of the shared timer per deadline length. */
const TICKS = 4;

/**
 * Deadlines of one length, in the order they were added: a doubly linked list of the calls
 * that wait, so adding and ending one is a few field writes. (An array whose ended entries
 * were dropped from the front emptied and grew again on every call of a hook whose calls do
 * not overlap, the usual case: that cost a call with one promise tap 0.7x tapable's whole
 * call.)
 */
export class DeadlineQueue {
  #head: DeadlineEntry | undefined = undefined;
  #tail: DeadlineEntry | undefined = undefined;
  #waiting = 0;
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #period: number;

  constructor(readonly ms: number) {
    this.#period = Math.max(1, Math.ceil(ms / TICKS));
  }

  /** Starts a deadline; `waiter.onDeadline()` runs once it passes unless {@link done} came first. */
  add(waiter: DeadlineWaiter): DeadlineEntry {
    const entry: DeadlineEntry = { tick: this.#tick, done: false, waiter, prev: this.#tail, next: undefined };
    if (this.#tail === undefined) this.#head = entry;
    else this.#tail.next = entry;
    this.#tail = entry;
    this.#waiting += 1;
    if (this.#timer === undefined) this.#timer = setTimeout(this.#fire, this.#period);
    else if (this.#waiting === 1) this.#timer.ref();
    return entry;
  }

  /** The call no longer waits: its deadline will not fire. */
  done(entry: DeadlineEntry): void {
    if (entry.done) return;
    entry.done = true;
    this.#unlink(entry);
    this.#waiting -= 1;
    if (this.#waiting === 0) this.#timer?.unref();
  }

  #unlink(entry: DeadlineEntry): void {
    if (entry.prev === undefined) this.#head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.#tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = undefined;
    entry.next = undefined;
  }

  #fire = (): void => {
    this.#timer = undefined;
    this.#tick += 1;
    // Entries are in the order of their ticks: the expired ones are at the front.
    const expired: DeadlineEntry[] = [];
    while (this.#head !== undefined && this.#tick - this.#head.tick > TICKS) {
      const entry = this.#head;
      entry.done = true;
      this.#unlink(entry);
      this.#waiting -= 1;
      expired.push(entry);
    }
    if (this.#waiting > 0) this.#timer = setTimeout(this.#fire, this.#period);
    for (const entry of expired) entry.waiter.onDeadline();
  };
}
