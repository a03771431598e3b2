/**
 * The version of a row: a short hash over its values, as an HTTP entity tag. Whoever
 * hands a row out (the data API, a view) gives its version; a write that names the version
 * it saw is refused with 409 when the row has changed since, so no edit silently
 * overwrites another.
 *
 * The rows API computes one per row of every page, so this is on its hot path: the
 * canonical text is built by plain concatenation (no `Object.entries` pairs; the sorted,
 * quoted keys of the last layout are reused, and rows of a page share one), both seeded hashes run in one pass over it (fed piece by piece, the text is never built whole), and each
 * 53-bit result is written in base 36 as two small parts (`Number.prototype.toString(36)`
 * of a large double was most of the old cost: ~2 µs each, two per row). The output
 * is exactly the one of the first implementation (cyrb53 with seeds 1 and 2 over the same
 * text): versions computed by an older SDK, in a view or another plugin, still match.
 */
import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';
import type { Row, RowKey } from './types.js';

/**
 * The last object layout seen: its keys in `Object.keys` order, the same keys sorted, and
 * the text before each sorted key's value (`{"a":`, `,"b":`). Rows of a page share their
 * keys, so the sort and the quoting are done once per page, not once per row.
 */
let layoutKeys: readonly string[] = [];
let layoutSorted: readonly string[] = [];
let layoutPrefixes: readonly string[] = [];
/** The character codes of each of {@link layoutPrefixes}, for {@link flatRowVersion}. */
let layoutPrefixCodes: readonly Uint16Array[] = [];

function useLayout(keys: readonly string[]): void {
  if (keys.length === layoutKeys.length) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== layoutKeys[i]) {
        same = false;
        break;
      }
    }
    if (same) return;
  }
  // Own enumerable string keys (what `Object.entries` gave), in UTF-16 code unit order
  // (the default sort, the same order `a < b` gave).
  const sorted = [...keys].sort();
  layoutKeys = keys;
  layoutSorted = sorted;
  layoutPrefixes = sorted.map((key, i) => `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`);
  layoutPrefixCodes = layoutPrefixes.map((prefix) => {
    const codes = new Uint16Array(prefix.length);
    for (let i = 0; i < prefix.length; i++) codes[i] = prefix.charCodeAt(i);
    return codes;
  });
}

/** A canonical text of a value: object keys sorted, bigints, dates and bytes spelled out. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? numberText(value) : `"${value}"`;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return `${value}n`;
    case 'object':
      break;
    default:
      return JSON.stringify(String(value));
  }
  if (value instanceof Date) return `d${value.toISOString()}`;
  if (value instanceof Uint8Array)
    return `b${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += canonical(value[i]);
    }
    return `${text}]`;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return '{}';
  useLayout(keys);
  // Held here: the values below may be objects of another layout.
  const sorted = layoutSorted;
  const prefixes = layoutPrefixes;
  let text = '';
  for (let i = 0; i < sorted.length; i++) {
    text += prefixes[i];
    text += canonical((value as Record<string, unknown>)[sorted[i] as string]);
  }
  return `${text}}`;
}

/** 10^k for the decimal places {@link numberText} tries. */
const TENS = [1, 10, 100, 1000, 10000, 100000, 1000000];

/**
 * `String(value)` for a finite number, written without V8's general algorithm for the usual
 * decimal (a price, a rate, a measure: at most six places, below 10^9). V8 writes such a
 * double in ~140 ns, a small integer in ~5; a page of 100 rows with one such column spent a
 * third of its versions' time there.
 *
 * Why the text is the same: for the fewest places `k` (1 to 6) at which `m = round(|v|·10^k)`
 * gives `m / 10^k === |v|`, the decimal `m·10^-k` reads back as `v` (the division and the
 * reading both round the same rational to the nearest double), and it is the shortest that
 * does (a text with fewer digits has fewer places and would have matched first; `m` has no
 * trailing zero for the same reason). Below 10^9 a double's spacing is under 10^-6 / 2, so
 * no other text of `k` places reads back as `v`, and JavaScript writes exactly this one:
 * plain notation, the integer part, the point and the `k` places. Any other number is
 * written by `String`.
 *
 * @internal exported for its tests only (not from the package entry).
 */
export function numberText(value: number): string {
  const size = value < 0 ? -value : value;
  if (size < 1e9 && !Number.isInteger(size)) {
    for (let k = 1; k <= 6; k++) {
      const scale = TENS[k] as number;
      const m = Math.round(size * scale);
      if (m / scale === size) {
        // m < 10^15: the remainder and the quotient are exact.
        const places = m % scale;
        const whole = (m - places) / scale;
        // `scale + places` written without its leading 1: the places, zero-padded to k.
        return `${value < 0 ? '-' : ''}${whole}.${String(scale + places).slice(1)}`;
      }
    }
  }
  return String(value);
}

/** 36^5: a 53-bit number splits into two parts below 2^30 (small integers, which V8 prints fast). */
const BASE36_PART = 60466176;

/** 36^4: a high part at or above it has 5 or 6 digits (the number has 10 or 11). */
const BASE36_PART4 = 1679616;

/** The character code of each base-36 digit. */
const DIGIT_CODES = Array.from('0123456789abcdefghijklmnopqrstuvwxyz', (c) => c.charCodeAt(0));

/**
 * `(hi * 2^32 + lo).toString(36)` for `hi < 2^21`, `lo < 2^32`. `toString(36)` of a number
 * above 2^31 takes V8's slow path for any double (about 2 µs here), so the number is split
 * in two parts below 2^31. Every step is exact: `n < 2^53` and
 * `quotient * BASE36_PART <= n + 1`. For 99% of hashes (10 or 11 digits) the digits are
 * worked out with integer divisions and written with one `String.fromCharCode`, which costs
 * about a third of two `toString(36)` calls and the padding (the rows API makes two per row).
 *
 * @internal exported for its tests only (not from the package entry).
 */
export function base36(hi: number, lo: number): string {
  const n = hi * 4294967296 + lo;
  let quotient = Math.floor(n / BASE36_PART);
  let rest = n - quotient * BASE36_PART;
  // The division is rounded; one step corrects it.
  if (rest < 0) {
    quotient -= 1;
    rest += BASE36_PART;
  } else if (rest >= BASE36_PART) {
    quotient += 1;
    rest -= BASE36_PART;
  }
  if (quotient < BASE36_PART4) {
    if (quotient === 0) return rest.toString(36);
    const tail = rest.toString(36);
    return quotient.toString(36) + (tail.length < 5 ? '00000'.slice(tail.length) + tail : tail);
  }
  // Both parts are below 2^31 (quotient < 2^53 / 36^5 < 1.5e8), so `| 0` keeps them exact.
  const d = DIGIT_CODES;
  let r = rest | 0;
  let t = (r / 36) | 0;
  const r0 = d[r - t * 36] as number;
  r = t;
  t = (r / 36) | 0;
  const r1 = d[r - t * 36] as number;
  r = t;
  t = (r / 36) | 0;
  const r2 = d[r - t * 36] as number;
  r = t;
  t = (r / 36) | 0;
  const r3 = d[r - t * 36] as number;
  const r4 = d[t] as number;
  let q = quotient | 0;
  t = (q / 36) | 0;
  const q0 = d[q - t * 36] as number;
  q = t;
  t = (q / 36) | 0;
  const q1 = d[q - t * 36] as number;
  q = t;
  t = (q / 36) | 0;
  const q2 = d[q - t * 36] as number;
  q = t;
  t = (q / 36) | 0;
  const q3 = d[q - t * 36] as number;
  q = t;
  t = (q / 36) | 0;
  const q4 = d[q - t * 36] as number;
  // t: the sixth digit of the high part, 0 when it has five.
  if (t === 0) return String.fromCharCode(q4, q3, q2, q1, q0, r4, r3, r2, r1, r0);
  return String.fromCharCode(d[t] as number, q4, q3, q2, q1, q0, r4, r3, r2, r1, r0);
}

/**
 * The hash state of the row being versioned: cyrb53 (public domain) with seeds 1 and 2, run
 * in one pass. {@link rowVersion} feeds the canonical text to it piece by piece (the
 * prefixes of a layout, each leaf's text) instead of building the whole text first: the
 * same characters in the same order, so the same hash as over `canonical(row)`, without
 * concatenating a string per row and flattening it before the first `charCodeAt`.
 */
let h1 = 0;
let h2 = 0;
let h3 = 0;
let h4 = 0;

/** Feeds `text` to the hash state. */
function feed(text: string): void {
  let a1 = h1;
  let a2 = h2;
  let b1 = h3;
  let b2 = h4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a1 = Math.imul(a1 ^ c, 2654435761);
    a2 = Math.imul(a2 ^ c, 1597334677);
    b1 = Math.imul(b1 ^ c, 2654435761);
    b2 = Math.imul(b2 ^ c, 1597334677);
  }
  h1 = a1;
  h2 = a2;
  h3 = b1;
  h4 = b2;
}

/** Feeds `canonical(value)` to the hash state (mirrors {@link canonical} case by case). */
function hashValue(value: unknown): void {
  if (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  ) {
    if (Array.isArray(value)) {
      feed('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) feed(',');
        hashValue(value[i]);
      }
      feed(']');
      return;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) {
      feed('{}');
      return;
    }
    useLayout(keys);
    // Held here: the values below may be objects of another layout.
    const sorted = layoutSorted;
    const prefixes = layoutPrefixes;
    for (let i = 0; i < sorted.length; i++) {
      feed(prefixes[i] as string);
      hashValue((value as Record<string, unknown>)[sorted[i] as string]);
    }
    feed('}');
    return;
  }
  if (typeof value === 'string') feedString(value);
  else feed(canonical(value));
}

/**
 * Feeds `JSON.stringify(text)` without making it: the quotes around `text`, when nothing in
 * it needs escaping (no quote, backslash, control character or surrogate half). Else the
 * state is put back and the escaped text fed instead.
 */
function feedString(text: string): void {
  let a1 = Math.imul(h1 ^ 34, 2654435761);
  let a2 = Math.imul(h2 ^ 34, 1597334677);
  let b1 = Math.imul(h3 ^ 34, 2654435761);
  let b2 = Math.imul(h4 ^ 34, 1597334677);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) {
      feed(JSON.stringify(text));
      return;
    }
    a1 = Math.imul(a1 ^ c, 2654435761);
    a2 = Math.imul(a2 ^ c, 1597334677);
    b1 = Math.imul(b1 ^ c, 2654435761);
    b2 = Math.imul(b2 ^ c, 1597334677);
  }
  h1 = Math.imul(a1 ^ 34, 2654435761);
  h2 = Math.imul(a2 ^ 34, 1597334677);
  h3 = Math.imul(b1 ^ 34, 2654435761);
  h4 = Math.imul(b2 ^ 34, 1597334677);
}

/**
 * The two 53-bit results of a finished state, each in base 36, one after the other.
 *
 * @internal shared with row-versions-json.ts (not from the package entry).
 */
export function finish(a1: number, a2: number, b1: number, b2: number): string {
  a1 = Math.imul(a1 ^ (a1 >>> 16), 2246822507) ^ Math.imul(a2 ^ (a2 >>> 13), 3266489909);
  a2 = Math.imul(a2 ^ (a2 >>> 16), 2246822507) ^ Math.imul(a1 ^ (a1 >>> 13), 3266489909);
  b1 = Math.imul(b1 ^ (b1 >>> 16), 2246822507) ^ Math.imul(b2 ^ (b2 >>> 13), 3266489909);
  b2 = Math.imul(b2 ^ (b2 >>> 16), 2246822507) ^ Math.imul(b1 ^ (b1 >>> 13), 3266489909);
  return base36(2097151 & a2, a1 >>> 0) + base36(2097151 & b2, b1 >>> 0);
}

/** The text hashed for a value that is not a string in {@link flatRowVersion}; undefined: not flat. */
function flatText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? numberText(value) : undefined;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      return value === null ? 'null' : undefined;
    default:
      return undefined;
  }
}

/**
 * {@link rowVersion} of the usual row, in one function over local state: a plain object
 * whose values are strings that need no escaping, finite numbers, booleans, null or
 * undefined. The same characters in the same order as {@link hashValue} feeds (the layout's
 * prefixes, read from their character codes, and each value's text), so the same version;
 * no call and no module-level state per piece, which was about a third of a page's
 * versions. Undefined for any other row (an array, a nested value, a bigint, a string with
 * a quote, a backslash, a control character or a surrogate, a number JSON cannot write),
 * which {@link rowVersion} then hashes the general way, from the start.
 */
function flatRowVersion(row: Row): string | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return undefined;
  if (row instanceof Date || row instanceof Uint8Array) return undefined;
  const keys = Object.keys(row);
  if (keys.length === 0) return undefined;
  useLayout(keys);
  const sorted = layoutSorted;
  const prefixes = layoutPrefixCodes;
  let a1 = 0xdeadbeef ^ 1;
  let a2 = 0x41c6ce57 ^ 1;
  let b1 = 0xdeadbeef ^ 2;
  let b2 = 0x41c6ce57 ^ 2;
  for (let k = 0; k < sorted.length; k++) {
    const prefix = prefixes[k] as Uint16Array;
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix[i] as number;
      a1 = Math.imul(a1 ^ c, 2654435761);
      a2 = Math.imul(a2 ^ c, 1597334677);
      b1 = Math.imul(b1 ^ c, 2654435761);
      b2 = Math.imul(b2 ^ c, 1597334677);
    }
    const value = (row as Record<string, unknown>)[sorted[k] as string];
    // A string is fed between quotes as it is (JSON.stringify would not change it); the
    // closing quote is fed as the text after it.
    let text: string | undefined;
    if (typeof value === 'string') {
      a1 = Math.imul(a1 ^ 34, 2654435761);
      a2 = Math.imul(a2 ^ 34, 1597334677);
      b1 = Math.imul(b1 ^ 34, 2654435761);
      b2 = Math.imul(b2 ^ 34, 1597334677);
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c < 0x20 || c === 34 || c === 92 || (c >= 0xd800 && c <= 0xdfff)) return undefined;
        a1 = Math.imul(a1 ^ c, 2654435761);
        a2 = Math.imul(a2 ^ c, 1597334677);
        b1 = Math.imul(b1 ^ c, 2654435761);
        b2 = Math.imul(b2 ^ c, 1597334677);
      }
      text = '"';
    } else {
      text = flatText(value);
      if (text === undefined) return undefined;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a1 = Math.imul(a1 ^ c, 2654435761);
      a2 = Math.imul(a2 ^ c, 1597334677);
      b1 = Math.imul(b1 ^ c, 2654435761);
      b2 = Math.imul(b2 ^ c, 1597334677);
    }
  }
  // The closing brace (125).
  a1 = Math.imul(a1 ^ 125, 2654435761);
  a2 = Math.imul(a2 ^ 125, 1597334677);
  b1 = Math.imul(b1 ^ 125, 2654435761);
  b2 = Math.imul(b2 ^ 125, 1597334677);
  return `"${finish(a1, a2, b1, b2)}"`;
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
  const flat = flatRowVersion(row);
  if (flat !== undefined) return flat;
  h1 = 0xdeadbeef ^ 1;
  h2 = 0x41c6ce57 ^ 1;
  h3 = 0xdeadbeef ^ 2;
  h4 = 0x41c6ce57 ^ 2;
  hashValue(row);
  return `"${finish(h1, h2, h3, h4)}"`;
}

/** A key as error messages show it: `{"id":1}` (bigints as digits). */
function keyText(key: RowKey): string {
  return JSON.stringify(key, (_name, value) => (typeof value === 'bigint' ? value.toString() : value));
}

/**
 * The check a datasource makes for `WriteOptions.ifVersion`, inside the transaction
 * that holds the row: rejects `NCF_ROW_NOT_FOUND` when the row is gone and `NCF_ROW_CHANGED`
 * (with the current row and its version in `details`) when its version is not `ifVersion`.
 *
 * @example
 * ```ts
 * import { assertRowVersion, type Row, type RowKey } from '@nocoflo/sdk';
 * declare function lockRow(table: string, key: RowKey): Promise<Row | undefined>; // SELECT … FOR UPDATE
 *
 * async function checked(table: string, key: RowKey, ifVersion: string | undefined) {
 *   if (ifVersion !== undefined) assertRowVersion(table, key, await lockRow(table, key), ifVersion);
 *   // … then the UPDATE or DELETE, in the same transaction
 * }
 * ```
 */
export function assertRowVersion(
  table: string,
  key: RowKey,
  current: Row | undefined,
  ifVersion: string,
): void {
  if (current === undefined) throw NocofloError.create(Errors.RowNotFound, [table, keyText(key)]);
  const version = rowVersion(current);
  if (version !== ifVersion) {
    throw NocofloError.create(Errors.RowChanged, [table, keyText(key)], { details: { current, version } });
  }
}
