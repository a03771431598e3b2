/** Checks an operator's isolation setting (`nocoflo plugins set-isolation`, the admin API, `host.setIsolation`). */
import { Errors, type IsolationLevel, NocofloError } from '@nocoflo/sdk';
import { isIsolationLevel } from '../runtime/types.js';
import type { PluginIsolationChange } from '../store/types.js';

/** The smallest heap limit an operator may set, in MB. */
export const MIN_HEAP_MB = 16;
/** The largest heap limit an operator may set, in MB. */
export const MAX_HEAP_MB = 65_536;

/**
 * The store change for a level (`null`: back to the configured default) and heap limit.
 *
 * @throws NocofloError `NCF_ISOLATION_REFUSED`: `inline` without `trusted`, an unknown
 * level, a heap limit out of range, or a plugin registered in code (it shares the host's realm).
 */
export function checkIsolationChange(
  plugin: string,
  level: IsolationLevel | null,
  options: { trusted?: boolean; maxHeapMb?: number | null },
  registered = false,
): PluginIsolationChange {
  const refuse = (reason: string) => NocofloError.create(Errors.IsolationRefused, [plugin, reason]);
  if (registered)
    throw refuse('it is registered in code by the host application, whose realm it already shares');
  if (level !== null && !isIsolationLevel(level))
    throw refuse(`"${String(level)}" is not an isolation level (inline, worker or process)`);
  if (level === 'inline' && options.trusted !== true)
    throw refuse(
      "inline runs the plugin's code in the host's own process, so the operator must name it trusted",
    );
  const heap = options.maxHeapMb;
  if (
    heap !== undefined &&
    heap !== null &&
    (!Number.isInteger(heap) || heap < MIN_HEAP_MB || heap > MAX_HEAP_MB)
  )
    throw refuse(
      `the heap limit must be a whole number of MB from ${MIN_HEAP_MB} to ${MAX_HEAP_MB}, not ${heap}`,
    );
  return { isolation: level, ...(heap !== undefined ? { maxHeapMb: heap } : {}) };
}
