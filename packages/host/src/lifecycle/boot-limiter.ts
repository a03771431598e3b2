/**
 * How many isolated plugins boot at once during a start. Booting a worker (a V8 isolate,
 * Node's bootstrap, the SDK's module graph) is CPU work on its own thread: a few at a time
 * keep every core busy without making each boot, and the load deadline that follows it,
 * wait behind a hundred others.
 */
import { availableParallelism } from 'node:os';

/** Isolated plugins booting at once: one per core plus one, at least two. */
export function bootConcurrency(): number {
  return Math.max(2, availableParallelism() + 1);
}

/** Runs at most `limit` tasks at a time, in the order they were given. */
export class Limiter {
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Runs `task` once a slot is free; settles as it does. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finished task hands its slot straight to the next one waiting.
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    try {
      return await task();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running--;
    }
  }
}
