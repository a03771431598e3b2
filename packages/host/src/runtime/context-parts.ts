/**
 * Parts of a `PluginContext` that the inline scope (`plugin-scope.ts`) and an isolated
 * plugin's own context (`isolated/child/child-context.ts`) share. The child's file bundles
 * this module too: it imports only the small timeout helper and types.
 */
import type { CleanupFn, Disposer, Logger } from '@nocoflo/sdk';
import { withTimeout } from '../lifecycle/timeout.js';

/** Runs cleanups in the order given; one that throws or hangs is logged and the rest still run. */
export async function runCleanups(
  cleanups: readonly CleanupFn[],
  logger: Logger,
  timeoutMs: number,
): Promise<void> {
  for (const cleanup of cleanups) {
    try {
      await withTimeout(cleanup, timeoutMs);
    } catch (error) {
      logger.warn('a plugin cleanup failed', { error: String(error) });
    }
  }
}

/** Adds `fn` to `list`, returning the function that takes it off again. */
export function addCleanup(list: CleanupFn[], fn: CleanupFn): Disposer {
  list.push(fn);
  return () => {
    const index = list.indexOf(fn);
    if (index !== -1) list.splice(index, 1);
  };
}

/**
 * Starts a plugin's timer, kept in `timers` until it is done or cleared (so the context can
 * clear what is left). A callback that throws is reported to `onError`, never thrown on.
 */
export function startTimer(
  timers: Set<NodeJS.Timeout>,
  fn: () => void,
  ms: number,
  repeat: boolean,
  onError: (error: unknown) => void,
): Disposer {
  const guarded = () => {
    if (!repeat) timers.delete(timer);
    try {
      fn();
    } catch (error) {
      onError(error);
    }
  };
  const timer = repeat ? setInterval(guarded, ms) : setTimeout(guarded, ms);
  timers.add(timer);
  return () => {
    clearTimeout(timer);
    timers.delete(timer);
  };
}

/** Freezes a config value and everything in it, so a plugin cannot change what the host validated. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value as object)) deepFreeze(inner);
  }
  return value;
}
