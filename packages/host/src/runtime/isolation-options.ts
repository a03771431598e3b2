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
}

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
  /** Heap limit per plugin, in MB, by name. */
  maxHeapMbByPlugin?: Readonly<Record<string, number>>;
  /** Restarts of crashed isolated plugins. */
  restart?: RestartOptions;
}

/** Default worker heap limit, in MB. */
export const DEFAULT_MAX_HEAP_MB = 256;
