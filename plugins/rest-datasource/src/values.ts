/**
 * JSON values as SDK values, per column type (JSON has no bigint, bytes or exact decimal:
 * APIs send those as strings), and SDK values as query-string text for filters.
 */
import type { CellValue, ColumnSchema, ColumnType, Row } from '@nocoflo/sdk';
import { normaliseBigInt } from '@nocoflo/sdk/sql';

const INTEGER_TEXT = /^[+-]?\d+$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const TIMESTAMPTZ_TEXT = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** A column's type as seen in one JSON value, for inference from a sample. */
export function inferType(value: unknown): ColumnType | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'string') {
    if (DATE_TEXT.test(value)) return 'date';
    if (TIMESTAMPTZ_TEXT.test(value)) return 'timestamptz';
    if (TIMESTAMP_TEXT.test(value)) return 'timestamp';
    return 'text';
  }
  return 'json';
}

/** The type several sample values agree on: integers widen to floats, anything else mixed is text or json. */
export function mergeTypes(a: ColumnType | null, b: ColumnType | null): ColumnType | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('float')) return 'float';
  if (pair.has('json')) return 'json';
  if (pair.has('timestamp') && pair.has('date')) return 'timestamp';
  return 'text';
}

/** How one column's JSON value becomes an SDK value. */
export type Decode = (value: unknown) => CellValue;

/** The decoder of a column: exact integers from digit strings, bytes from base64 or hex, … */
export function decoderFor(column: ColumnSchema, encoding: 'base64' | 'hex' = 'base64'): Decode {
  switch (column.type) {
    case 'integer':
      return (value) =>
        typeof value === 'string' && INTEGER_TEXT.test(value.trim())
          ? normaliseBigInt(BigInt(value.trim()))
          : (value as CellValue);
    case 'decimal':
      return (value) => (typeof value === 'number' ? String(value) : (value as CellValue));
    case 'float':
      return (value) =>
        typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))
          ? Number(value)
          : (value as CellValue);
    case 'binary':
      return (value) =>
        typeof value === 'string' ? new Uint8Array(Buffer.from(value, encoding)) : (value as CellValue);
    case 'text':
    case 'enum':
    case 'uuid':
      return (value) =>
        typeof value === 'number' || typeof value === 'boolean' ? String(value) : (value as CellValue);
    default:
      return (value) => value as CellValue;
  }
}

/** Builds the row decoder of a table: every column read by its decoder; absent fields are NULL. */
export function rowReader(columns: readonly { name: string; decode: Decode }[]): (item: unknown) => Row {
  return (item) => {
    const source = (item !== null && typeof item === 'object' ? item : {}) as Record<string, unknown>;
    const row: Row = {};
    for (const { name, decode } of columns) {
      const value = source[name];
      row[name] = value === null || value === undefined ? null : decode(value);
    }
    return row;
  };
}

/** A value as query-string text: bigints as digits, bytes as base64, objects as JSON. */
export function queryText(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value);
}
