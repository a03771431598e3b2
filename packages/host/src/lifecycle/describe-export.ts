/**
 * What a plugin entry's default export is, in words, for `NCF_ENTRY_NOT_PLUGIN` (said the
 * same way when the host loads the entry and when an isolated plugin's thread does; the
 * child's file bundles this module, so it imports nothing).
 */
export function describeExport(value: unknown): string {
  if (value === undefined) return 'undefined (no default export)';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object that was not made by definePlugin' : `a ${typeof value}`;
}
