/**
 * When to restart an isolated plugin that crashed or stopped answering: after a delay that
 * doubles with each failure (exponential backoff), until too many failures fall within a
 * window (a crash loop); then the plugin stays `failed` until an operator acts.
 */
import type { SerializedNocofloError } from '@nocoflo/sdk';
import type { RestartOptions } from '../runtime/isolation-options.js';

/** What the host remembers of a plugin's crashes. */
export interface PluginHealth {
  /** Restarts since an operator last acted. */
  restarts: number;
  /** The last crash or missed deadline. */
  lastError?: SerializedNocofloError;
  /** Times of recent failures (ms since the epoch). */
  failures: number[];
  /** Set when the host gave up restarting. */
  crashLoop: boolean;
}

/** A fresh health record. */
export function freshHealth(): PluginHealth {
  return { restarts: 0, failures: [], crashLoop: false };
}

/**
 * Records a failure at `now`; returns the delay before the next restart, or `undefined`
 * when the plugin is in a crash loop and must stay failed.
 */
export function nextRestart(
  health: PluginHealth,
  error: SerializedNocofloError,
  options: RestartOptions,
  now = Date.now(),
): number | undefined {
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.windowMs ?? 300_000;
  const base = options.baseDelayMs ?? 1_000;
  const max = options.maxDelayMs ?? 60_000;
  health.lastError = error;
  health.failures = [...health.failures.filter((at) => now - at < windowMs), now];
  if (health.failures.length > maxFailures) {
    health.crashLoop = true;
    return undefined;
  }
  return Math.min(max, base * 2 ** (health.failures.length - 1));
}
