/**
 * The version of a row: a short hash over its values, as an HTTP entity tag. Whoever
 * hands a row out (the data API, a view) gives its version; a write that names the version
 * it saw is refused with 409 when the row has changed since, so no edit silently
 * overwrites another.
 */
import type { Row } from './types.js';

/** A canonical text of a value: object keys sorted, bigints, dates and bytes spelled out. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `"${value}"`;
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Date) return `d${value.toISOString()}`;
  if (value instanceof Uint8Array)
    return `b${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(String(value));
}

/** 53 bits of a string's hash (cyrb53, public domain), seeded. */
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The version of a row: a quoted entity tag over its values (column order does not
 * matter; any changed value changes it). Computed the same on the server and wherever the
 * row is shown, so a view can put it in its HTML and send it back with an edit.
 *
 * @example
 * ```ts
 * import { rowVersion } from '@nocoflo/sdk';
 *
 * const version = rowVersion({ id: 1, qty: 10 });
 * // PATCH /api/datasources/demo/tables/orders/rows  { key: { id: 1 }, changes: { qty: 11 }, version }
 * console.log(version); // e.g. "\"1k9x…\""
 * ```
 */
export function rowVersion(row: Row): string {
  const text = canonical(row);
  return `"${hash53(text, 1).toString(36)}${hash53(text, 2).toString(36)}"`;
}
