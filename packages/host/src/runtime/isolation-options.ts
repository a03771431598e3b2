/**
 * The operator's isolation choices: the level each plugin runs at, the worker heap limit,
 * and how failed isolated plugins are restarted.
 */
import type { IsolationLevel } from '@nocoflo/sdk';

/** How the host restarts an isolated plugin that crashed or stopped answering. */
export interface RestartOptions {
  /** Failures within {@link windowMs} after which the host stops restarting (crash loop). Default 5. */
  maxFailures?: number;
  /** The window failures are counted in, in ms. Default 300,000 (5 minutes). */
  windowMs?: number;
  /** Delay before the first restart, in ms; doubles at each failure. Default 1,000. */
  baseDelayMs?: number;
  /** Longest delay between restarts, in ms. Default 60,000. */
  maxDelayMs?: number;
  /**
   * The clock restarts are timed with. Default: the real one (`Date.now`, `setTimeout`).
   * Tests give a manual clock to step through the backoff without waiting.
   */
  clock?: RestartClock;
}

/** A clock and timer for restarts (see {@link RestartOptions.clock}). */
export interface RestartClock {
  /** Now, in ms since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns a handle for {@link clearTimeout}. Must not keep the process alive. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a call {@link setTimeout} scheduled. */
  clearTimeout(handle: unknown): void;
}

/** The real clock: `Date.now` and unref'd timers. */
export const systemRestartClock: RestartClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Options of the host's isolation (`HostOptions.isolation`). */
export interface IsolationOptions {
  /** Level of every plugin not named in {@link plugins}. Default `worker`. */
  default?: IsolationLevel;
  /**
   * Level per plugin, by name. `inline` names a plugin trusted: its code runs in the host's
   * own realm. A level stored with `nocoflo plugins set-isolation` overrides this.
   */
  plugins?: Readonly<Record<string, IsolationLevel>>;
  /** Heap limit of each plugin worker or process, in MB. Default 256. */
  maxHeapMb?: number;
  /** Heap limit per plugin, in MB, by name. A limit stored with `nocoflo plugins set-isolation --max-heap-mb` overrides this. */
  maxHeapMbByPlugin?: Readonly<Record<string, number>>;
  /** Restarts of crashed isolated plugins. */
  restart?: RestartOptions;
}

/** Default worker heap limit, in MB. */
export const DEFAULT_MAX_HEAP_MB = 256;
