/**
 * The versions of rows held as JSON text, read from the text itself.
 *
 * A host that receives a page as the text `JSON.stringify` wrote (a plugin in a worker or a
 * process sends its pages so) needs each row's version for its answer. Parsing the text
 * back into rows to hash them costs more than hashing: {@link rowVersionsOfJson} reads the
 * usual row, an object of strings, numbers, booleans and nulls, where it stands in the text.
 * The canonical text {@link rowVersion} hashes is made of exactly those pieces: each key
 * quoted as `JSON.stringify` quotes it, in sorted order, and each value as `JSON.stringify`
 * writes it (a string with its quotes and escapes, a number as `String(n)` writes it). So
 * hashing the pieces of the text in sorted-key order gives the same version, without a
 * parse, an object or a number conversion per cell. Any other text (a nested value, an
 * empty row, a key with an escape, a lone surrogate, spacing) is parsed and versioned the
 * ordinary way.
 */

import { finish, rowVersion } from './row-version.js';
import type { Row } from './types.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LEFT_BRACE = 123;
const RIGHT_BRACE = 125;
const LEFT_BRACKET = 91;
const RIGHT_BRACKET = 93;

/**
 * The last row layout seen: the text before each key in text order (`{"a":`, `,"b":`, as
 * character codes) to match the next rows against, for each key in sorted order its
 * position in the text, and the characters before it in the canonical text. Rows of a page
 * share one layout.
 */
let layoutKeyTexts: Uint16Array[] = [];
let layoutOrder: number[] = [];
let layoutPrefixes: Uint16Array[] = [];

/** Where the current row's keys and values stand in the text (reused from row to row). */
const keyStart: number[] = [];
const keyEnd: number[] = [];
const valueStart: number[] = [];
const valueEnd: number[] = [];

const codes = (text: string) => Uint16Array.from(text, (ch) => ch.charCodeAt(0));

/** Makes the current row's keys the layout; false when a key repeats (JSON.parse keeps one). */
function useLayout(text: string, count: number): boolean {
  const keys: string[] = [];
  for (let k = 0; k < count; k++) keys.push(text.slice(keyStart[k], keyEnd[k]));
  // Sorted by UTF-16 code units, as rowVersion sorts `Object.keys`.
  const sorted = [...keys].sort();
  for (let s = 1; s < sorted.length; s++) if (sorted[s] === sorted[s - 1]) return false;
  // A key has no escape in the text, so `"key"` is how JSON.stringify quotes it.
  layoutKeyTexts = keys.map((key, k) => codes(`${k === 0 ? '{' : ','}"${key}":`));
  layoutOrder = sorted.map((key) => keys.indexOf(key));
  layoutPrefixes = sorted.map((key, s) => codes(`${s === 0 ? '{' : ','}"${key}":`));
  return true;
}

/** Why a row's hash could not be made from its text: the page is versioned the ordinary way. */
const NOT_CANONICAL = '';

/**
 * The version of the current row: the layout's prefixes and the values' text, in sorted-key
 * order. Checks each value character on the way ({@link NOT_CANONICAL} for text that
 * JSON.stringify would not have written: a raw control character, a lone surrogate, a
 * `\u` or `\/` escape, which it writes only for what is rare in data or never).
 */
function hashRow(text: string): string {
  // cyrb53 with seeds 1 and 2 in one pass, its steps written out over local state as in
  // row-version.ts's flatRowVersion (a helper per character cost a third of the time there).
  let a1 = 0xdeadbeef ^ 1;
  let a2 = 0x41c6ce57 ^ 1;
  let b1 = 0xdeadbeef ^ 2;
  let b2 = 0x41c6ce57 ^ 2;
  const order = layoutOrder;
  const prefixes = layoutPrefixes;
  for (let s = 0; s < order.length; s++) {
    const prefix = prefixes[s] as Uint16Array;
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix[i] as number;
      a1 = Math.imul(a1 ^ c, 2654435761);
      a2 = Math.imul(a2 ^ c, 1597334677);
      b1 = Math.imul(b1 ^ c, 2654435761);
      b2 = Math.imul(b2 ^ c, 1597334677);
    }
    const k = order[s] as number;
    const end = valueEnd[k] as number;
    for (let i = valueStart[k] as number; i < end; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x20) return NOT_CANONICAL;
      if (c === BACKSLASH || (c >= 0xd800 && c <= 0xdfff)) {
        // Two characters that go together: an escape JSON.stringify writes, or a surrogate
        // pair (high, then low), which it leaves as it is (it escapes a lone half).
        const next = text.charCodeAt(i + 1);
        const paired = c === BACKSLASH ? shortEscape(next) : c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff;
        if (!paired) return NOT_CANONICAL;
        a1 = Math.imul(a1 ^ c, 2654435761);
        a2 = Math.imul(a2 ^ c, 1597334677);
        b1 = Math.imul(b1 ^ c, 2654435761);
        b2 = Math.imul(b2 ^ c, 1597334677);
        c = next;
        i++;
      }
      a1 = Math.imul(a1 ^ c, 2654435761);
      a2 = Math.imul(a2 ^ c, 1597334677);
      b1 = Math.imul(b1 ^ c, 2654435761);
      b2 = Math.imul(b2 ^ c, 1597334677);
    }
  }
  a1 = Math.imul(a1 ^ RIGHT_BRACE, 2654435761);
  a2 = Math.imul(a2 ^ RIGHT_BRACE, 1597334677);
  b1 = Math.imul(b1 ^ RIGHT_BRACE, 2654435761);
  b2 = Math.imul(b2 ^ RIGHT_BRACE, 1597334677);
  return `"${finish(a1, a2, b1, b2)}"`;
}

/** The characters JSON.stringify writes after a backslash without `u`: `"`, `\`, b, f, n, r, t. */
function shortEscape(c: number): boolean {
  return c === QUOTE || c === BACKSLASH || c === 98 || c === 102 || c === 110 || c === 114 || c === 116;
}

/**
 * Where the string starting at `i` (its opening quote) ends, past its closing quote; -1
 * when it has none before `to`. What is inside is checked as it is hashed ({@link hashRow}).
 */
function stringEnd(text: string, i: number, to: number): number {
  // The usual string has no escape: its end is the next quote, found by the engine's own
  // search. A quote with no backslash just before it is not escaped, and none stands earlier.
  const quote = text.indexOf('"', i + 1);
  if (quote >= 0 && quote < to && text.charCodeAt(quote - 1) !== BACKSLASH) return quote + 1;
  for (i++; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    // An escape: the character after the backslash is not the end (checked when hashed).
    if (c === BACKSLASH) i++;
  }
  return -1;
}

/**
 * Where the key starting at `i` (its opening quote) ends, past its closing quote; -1 when
 * it holds an escape, a control character or a surrogate (such a key leaves the fast path).
 */
function keyEndAt(text: string, i: number, to: number): number {
  for (i++; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < 0x20 || c === BACKSLASH || (c >= 0xd800 && c <= 0xdfff)) return -1;
  }
  return -1;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Whether `text` from `start` to `end` is a number as `String(n)` (and JSON.stringify)
 * writes it, so that hashing the text hashes what rowVersion hashes for the parsed number.
 * The usual cells are decided from their digits: an integer of up to 15 digits, or a decimal
 * of up to 15 significant digits at or above 1e-6 with no trailing zero (JavaScript writes
 * such a number exactly so: no shorter text reads back as the same double). Others (an
 * exponent, 16 or 17 digits) are converted and compared.
 */
function canonicalNumber(text: string, start: number, end: number): boolean {
  let i = text.charCodeAt(start) === 45 ? start + 1 : start;
  const whole = i;
  const first = text.charCodeAt(i);
  if (first === 48) i++;
  else if (first >= 49 && first <= 57) while (i < end && isDigit(text.charCodeAt(i))) i++;
  else return false;
  const wholeDigits = i - whole;
  const zero = wholeDigits === 1 && first === 48;
  if (i === end) {
    if (wholeDigits <= 15) return !(zero && whole > start); // "-0" is written "0"
  } else if (text.charCodeAt(i) === 46) {
    const fraction = i + 1;
    i = fraction;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === end && end > fraction && text.charCodeAt(end - 1) !== 48) {
      let significant = wholeDigits + end - fraction;
      if (zero) {
        let z = fraction;
        while (text.charCodeAt(z) === 48) z++;
        // Below 1e-6 JavaScript writes an exponent.
        significant = z - fraction < 6 ? end - z : 16;
      }
      if (significant <= 15) return true;
    }
  }
  const written = text.slice(start, end);
  return String(Number(written)) === written;
}

/** Where the value starting at `i` ends; -1 for a nested value or text JSON.stringify would not write. */
function valueEndAt(text: string, i: number, to: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i, to);
  if (c === 45 || isDigit(c)) {
    const start = i;
    for (i++; i < to; i++) {
      const d = text.charCodeAt(i);
      // Digits, '.', 'e', 'E', '+', '-'.
      if (!(isDigit(d) || d === 46 || d === 101 || d === 69 || d === 43 || d === 45)) break;
    }
    return canonicalNumber(text, start, i) ? i : -1;
  }
  if (text.startsWith('true', i) || text.startsWith('null', i)) return i + 4;
  if (text.startsWith('false', i)) return i + 5;
  return -1;
}

/**
 * Reads the row at `i` (its `{`) with the last layout: each key must be where the layout
 * has it. Returns where the row ends (past its `}`), or -1 when the row is not of it.
 */
function readKnownRow(text: string, i: number, to: number): number {
  const keyTexts = layoutKeyTexts;
  const count = keyTexts.length;
  if (count === 0) return -1;
  for (let k = 0; k < count; k++) {
    const key = keyTexts[k] as Uint16Array;
    for (let j = 0; j < key.length; j++) if (text.charCodeAt(i + j) !== key[j]) return -1;
    i += key.length;
    const end = valueEndAt(text, i, to);
    if (end < 0) return -1;
    valueStart[k] = i;
    valueEnd[k] = end;
    i = end;
  }
  return text.charCodeAt(i) === RIGHT_BRACE ? i + 1 : -1;
}

/**
 * Reads the row at `i` (its `{`) key by key and makes its keys the layout. Returns where
 * the row ends (past its `}`), or -1 when it is not a flat row of distinct keys (an empty
 * row too: versioned the ordinary way).
 */
function readNewRow(text: string, i: number, to: number): number {
  let count = 0;
  i++;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return -1;
    const keyClose = keyEndAt(text, i, to);
    if (keyClose < 0 || text.charCodeAt(keyClose) !== COLON) return -1;
    keyStart[count] = i + 1;
    keyEnd[count] = keyClose - 1;
    const end = valueEndAt(text, keyClose + 1, to);
    if (end < 0) return -1;
    valueStart[count] = keyClose + 1;
    valueEnd[count] = end;
    count++;
    const separator = text.charCodeAt(end);
    i = end + 1;
    if (separator === RIGHT_BRACE) return useLayout(text, count) ? i : -1;
    if (separator !== COMMA) return -1;
  }
}

/**
 * The versions of the JSON array of flat rows that stands in `text` from `from` to `to`,
 * read in place; undefined for any other text.
 */
function flatRowVersions(text: string, from: number, to: number): string[] | undefined {
  if (to - from < 2 || text.charCodeAt(from) !== LEFT_BRACKET || text.charCodeAt(to - 1) !== RIGHT_BRACKET)
    return undefined;
  const versions: string[] = [];
  if (to - from === 2) return versions;
  let i = from + 1;
  for (;;) {
    if (text.charCodeAt(i) !== LEFT_BRACE) return undefined;
    let end = readKnownRow(text, i, to);
    if (end < 0) end = readNewRow(text, i, to);
    if (end < 0) return undefined;
    const version = hashRow(text);
    if (version === NOT_CANONICAL) return undefined;
    versions.push(version);
    const separator = text.charCodeAt(end);
    if (separator === RIGHT_BRACKET) return end + 1 === to ? versions : undefined;
    if (separator !== COMMA) return undefined;
    i = end + 1;
  }
}

/**
 * The version of each row in `text`, a JSON array of rows as `JSON.stringify` writes it:
 * the same versions as `JSON.parse(text).map(rowVersion)`, read from the text where it
 * can be (see {@link rowVersion}). A host uses it for a page that came as text, to add the
 * rows' versions to its answer without parsing the rows back. With `from` and `to`, the
 * array is `text.slice(from, to)`, read where it stands (no copy, no slice of the text).
 *
 * Text spelled otherwise than `JSON.stringify` writes (spacing, `1.0` for `1`, `"\u0041"`
 * for `"A"`) is parsed and versioned as parsed; text that is not JSON throws what
 * `JSON.parse` throws, and JSON that is not an array throws a `TypeError`.
 *
 * @param text - The JSON text.
 * @param from - Where the array starts in `text` (default 0).
 * @param to - Where it ends, exclusive (default `text.length`).
 * @example
 * ```ts
 * import { rowVersion, rowVersionsOfJson } from '@nocoflo/sdk';
 *
 * const rows = [{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }];
 * rowVersionsOfJson(JSON.stringify(rows)); // the same as rows.map(rowVersion)
 *
 * const page = JSON.stringify({ rows, nextCursor: null });
 * rowVersionsOfJson(page, '{"rows":'.length, page.indexOf(',"nextCursor"')); // the same again
 * ```
 */
export function rowVersionsOfJson(text: string, from = 0, to: number = text.length): string[] {
  const start = Math.max(0, Math.min(from, text.length));
  const end = Math.max(start, Math.min(to, text.length));
  const versions = flatRowVersions(text, start, end);
  if (versions !== undefined) return versions;
  const rows: unknown = JSON.parse(start === 0 && end === text.length ? text : text.slice(start, end));
  if (!Array.isArray(rows)) throw new TypeError('rowVersionsOfJson: the text is not a JSON array of rows');
  return rows.map((row) => rowVersion(row as Row));
}
