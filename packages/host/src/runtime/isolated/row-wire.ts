/**
 * A stream's batch of rows crossing the thread (or process) boundary as columns.
 *
 * Rows of one stream almost always share their column names, in the same order. Sending
 * the names once and the values as one flat JSON array costs the plugin's side about half
 * of stringifying the row objects (the names are not written per row, and the JSON check
 * runs in the same pass as the copy), and the host rebuilds each row with one object
 * literal compiled per list of names (the SDK's `rowMaker`). A batch whose rows differ in their names, or that
 * holds a value JSON would change, goes as {@link packJson} sends it (whole-batch JSON or
 * the structured clone), so what arrives is always what the plugin yielded.
 */
import { Errors, NocofloError, type Row, rowMaker } from '@nocoflo/sdk';
import { jsonExact, packJson, unpackJson } from './json-wire.js';

/** A key no packed batch of another kind has. */
export const COLUMNS_KEY = '\u0000nocoflo.columns';

/** Rows as they cross: columns (see the module's comment), JSON, or the rows themselves. */
export type PackedRows = { readonly [COLUMNS_KEY]: string } | unknown;

const isPlain = (row: unknown): row is Record<string, unknown> => {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return false;
  const proto = Object.getPrototypeOf(row);
  return proto === Object.prototype || proto === null;
};

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

/** `[names, values]`, or `null` when the rows differ in names or hold a value JSON would change. */
function toColumns(rows: readonly Row[]): [string[], unknown[]] | null {
  const first = rows[0];
  if (!isPlain(first)) return null;
  const names = Object.keys(first);
  const width = names.length;
  if (width === 0) return null; // rows without columns: their number would not cross
  const values = new Array<unknown>(rows.length * width);
  let at = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!isPlain(row)) return null;
    let i = 0;
    for (const name in row) {
      if (i === width || name !== names[i]) return null;
      const value = row[name];
      if (!exactCell(value)) return null;
      values[at++] = value;
      i++;
    }
    if (i !== width) return null;
  }
  return [names, values];
}

/** Packs a batch of rows for the way across (the plugin's side). */
export function packRows(rows: readonly Row[]): PackedRows {
  if (rows.length > 1) {
    const columns = toColumns(rows);
    if (columns) return { [COLUMNS_KEY]: JSON.stringify(columns) };
  }
  return packJson(rows);
}

/** The rows {@link packRows} packed (the host's side). */
export function unpackRows(packed: PackedRows): Row[] {
  if (packed !== null && typeof packed === 'object') {
    const json = (packed as { [COLUMNS_KEY]?: unknown })[COLUMNS_KEY];
    if (typeof json === 'string') {
      // The plugin's thread wrote it: its shape is checked, and names reach rowMaker's
      // compiled code only as string literals, whatever they hold.
      const [names, values] = JSON.parse(json) as [unknown, unknown];
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
