/**
 * How a plugin's trust record changes: the in-memory store and the lifecycle's copy of the
 * store's records (kept for stores without trust records) apply changes the same way.
 */
import type { PermissionApproval, PluginIsolationChange, StoredPluginTrust } from './types.js';

/** `trust` (or a new record for `name`) with `change` applied: a value sets, `null` clears, absent keeps. */
export function withIsolationChange(
  trust: StoredPluginTrust | undefined,
  name: string,
  change: PluginIsolationChange,
): StoredPluginTrust {
  const next: StoredPluginTrust = { ...(trust ?? { name }), updatedAt: new Date().toISOString() };
  if (change.isolation === null) delete next.isolation;
  else if (change.isolation !== undefined) next.isolation = change.isolation;
  if (change.maxHeapMb === null) delete next.maxHeapMb;
  else if (change.maxHeapMb !== undefined) next.maxHeapMb = change.maxHeapMb;
  return next;
}

/** `trust` (or a new record for `name`) with `approval` as its last approval, made now. */
export function withApproval(
  trust: StoredPluginTrust | undefined,
  name: string,
  approval: Omit<PermissionApproval, 'at'>,
): StoredPluginTrust {
  const at = new Date().toISOString();
  return { ...(trust ?? { name }), approved: { ...approval, at }, updatedAt: at };
}
