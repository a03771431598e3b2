/**
 * A stream's batch of rows crossing the thread (or process) boundary as columns.
 *
 * Rows of one stream almost always share their column names, in the same order. They cross
 * as the names once and the values in one flat array, which the structured clone copies
 * without a property name per row and without writing numbers as text or scanning strings
 * for escapes: the plugin's thread spent ~6% less CPU on a 200,000-row SQLite stream than
 * with the same array as one JSON string (and the host's thread no more than on
 * `JSON.parse`; packages/host/bench/streams.mjs). The host rebuilds each row with
 * one object literal compiled per list of names (the SDK's `rowMaker`). The clone carries
 * every value as the structured clone of the rows would (a bigint, bytes, a date, -0,
 * `undefined`), so what arrives is what the plugin yielded. A batch whose rows differ in
 * their names goes as {@link packJson} sends it (whole-batch JSON or the structured clone).
 * From a child process the values go as one JSON string instead (see {@link packRows}).
 */
import { Errors, NocofloError, type Row, rowMaker } from '@nocoflo/sdk';
import { jsonExact, packJson, unpackJson } from './json-wire.js';

/** A key no packed batch of another kind has. */
export const COLUMNS_KEY = '\u0000nocoflo.columns';

/** Rows as they cross: columns (see the module's comment), JSON, or the rows themselves. */
export type PackedRows = { readonly [COLUMNS_KEY]: readonly [string[], unknown[]] | string } | unknown;

/** Whether JSON carries `value` exactly (the common cell kinds first, without a call). */
const exactCell = (value: unknown): boolean => {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object':
      return value === null || jsonExact(value, 1);
    default:
      return false;
  }
};

const isPlain = (row: unknown): row is Record<string, unknown> => {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return false;
  const proto = Object.getPrototypeOf(row);
  return proto === Object.prototype || proto === null;
};

/**
 * `[names, values]`, or `null` when the rows differ in their names (or are not plain
 * objects), or, with `json`, hold a value JSON would change.
 */
function toColumns(rows: readonly Row[], json: boolean): [string[], unknown[]] | null {
  const first = rows[0];
  if (!isPlain(first)) return null;
  const names = Object.keys(first);
  const width = names.length;
  if (width === 0) return null; // rows without columns: their number would not cross
  // Filled by appending, never made at its full length first: `new Array(n)` is a "holey"
  // array for V8 even once every slot is set, and the structured clone writes a holey array
  // as a sparse one (each index with its value) and reads it back element by element. A
  // packed array is written densely: 1,000 rows of 4 values took ~540 -> ~135 µs to
  // serialise and ~1,140 -> ~390 µs to deserialise (`v8.serialize`, load 5).
  const values: unknown[] = [];
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!isPlain(row)) return null;
    let i = 0;
    for (const name in row) {
      if (i === width || name !== names[i]) return null;
      const value = row[name];
      if (json && !exactCell(value)) return null;
      values.push(value);
      i++;
    }
    if (i !== width) return null;
  }
  return [names, values];
}

/**
 * Packs a batch of rows for the way across (the plugin's side). `text`: the values go as
 * one JSON string when JSON carries them exactly. A child process sends so: between it and
 * the host a message is cloned twice (into the IPC channel, then by the bridge thread to the
 * host's), and a string is the cheapest thing to clone again.
 */
export function packRows(rows: readonly Row[], text = false): PackedRows {
  if (rows.length > 1) {
    const columns = toColumns(rows, text);
    if (columns) return { [COLUMNS_KEY]: text ? JSON.stringify(columns) : columns };
  }
  return packJson(rows);
}

/** The rows {@link packRows} packed (the host's side). */
export function unpackRows(packed: PackedRows): Row[] {
  if (packed !== null && typeof packed === 'object') {
    const columns = (packed as { [COLUMNS_KEY]?: unknown })[COLUMNS_KEY];
    if (columns !== undefined) {
      // The plugin's thread wrote it: its shape is checked, and names reach rowMaker's
      // compiled code only as string literals, whatever they hold.
      const pair: unknown = typeof columns === 'string' ? JSON.parse(columns) : columns;
      const [names, values] = (Array.isArray(pair) ? pair : []) as [unknown, unknown];
      const width = Array.isArray(names) ? names.length : 0;
      if (width === 0 || !Array.isArray(values) || values.length % width !== 0) {
        throw NocofloError.create(Errors.DatasourceError, [
          'Reading a stream',
          'a batch of rows arrived malformed',
        ]);
      }
      const make = rowMaker(names as string[]);
      const rows = new Array<Row>(values.length / width);
      for (let r = 0, at = 0; r < rows.length; r++, at += width) rows[r] = make(values, at);
      return rows;
    }
  }
  return unpackJson<Row[]>(packed);
}
