/**
 * Rows cross the thread boundary as one JSON string when JSON can carry them exactly.
 *
 * `postMessage` copies a value with the structured clone algorithm, which writes every
 * property name of every row and rebuilds each object on the other side; for a page of
 * plain rows (strings, finite numbers, booleans, null, plain objects and arrays of those)
 * `JSON.stringify` on the plugin's thread plus `JSON.parse` on the host's costs about half,
 * and the host's share (the parse) is the smaller part. Anything JSON would change (a
 * bigint, bytes, a date object, `undefined`, -0, NaN, a class instance) keeps the
 * structured clone, so what arrives is always what the plugin returned.
 */

/** The wrapper a JSON-packed value crosses in. */
export interface JsonPacked {
  readonly [JSON_KEY]: string;
}

/** A key no datasource result has: a page, aggregate result or row never has it. */
export const JSON_KEY = '\u0000nocoflo.json';

/** Largest nesting (inside a row) checked before giving up on JSON. */
const MAX_DEPTH = 8;

/** Whether JSON carries `value` exactly (`depth`: how deep it sits; past 8 levels, no). */
export function jsonExact(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!memberExact(value[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in value)
        if (!memberExact((value as Record<string, unknown>)[key], depth + 1)) return false;
      // Symbol keys and non-enumerable properties do not cross either way; JSON drops nothing else.
      return true;
    }
    default:
      return false;
  }
}

/**
 * {@link jsonExact} of a member, the usual cells (strings, finite numbers) decided here
 * without a call: a page's ~400 cells are most of the check.
 */
function memberExact(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  return jsonExact(value, depth);
}

/** `value` as a JSON string in a {@link JsonPacked} wrapper when JSON carries it exactly; else `value`. */
export function packJson(value: unknown): unknown {
  return value !== null && typeof value === 'object' && jsonExact(value, 0)
    ? { [JSON_KEY]: JSON.stringify(value) }
    : value;
}

/** The value {@link packJson} packed (anything else as it is). */
export function unpackJson<T>(value: unknown): T {
  if (value !== null && typeof value === 'object') {
    const json = (value as Partial<JsonPacked>)[JSON_KEY];
    if (typeof json === 'string') return JSON.parse(json) as T;
  }
  return value as T;
}
