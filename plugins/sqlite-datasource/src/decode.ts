import type { CellValue, ColumnSchema, Row } from '@nocoflo/sdk';
import { normaliseBigInt } from '@nocoflo/sdk/sql';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Thrown by a fast-path decoder when an integer was read as a `number` beyond ±2^53 and may
 * have lost digits; the caller reads again with better-sqlite3's safe integers (bigints).
 */
export class LossyIntegerRead extends Error {
  constructor() {
    super('an integer beyond ±2^53 was read as a number');
  }
}
const LOSSY = new LossyIntegerRead();

type Convert = (value: unknown) => CellValue;

const toUint8Array = (value: unknown): CellValue =>
  value instanceof Uint8Array && value.constructor !== Uint8Array
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    : (value as CellValue);

const exactInteger = (value: unknown): CellValue =>
  typeof value === 'bigint' ? normaliseBigInt(value) : toUint8Array(value);

// In numbers mode (`exact` false) integers arrive as numbers already, so integer, float
// and temporal columns need no conversion at all: only the lossy-integer check runs.
function converter(column: ColumnSchema, exact: boolean): Convert | null {
  switch (column.type) {
    case 'text':
      return null;
    case 'integer':
    case 'float':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'uuid':
    case 'enum':
      if (!exact) return null;
      return column.type === 'float'
        ? (value) => (typeof value === 'bigint' ? Number(value) : (value as CellValue))
        : exactInteger;
    case 'decimal':
      // NUMERIC affinity stores integers or reals; either way the SDK wants an exact string.
      return (value) =>
        typeof value === 'number' || typeof value === 'bigint' ? String(value) : toUint8Array(value);
    case 'boolean':
      return (value) =>
        typeof value === 'number'
          ? value !== 0
          : typeof value === 'bigint'
            ? value !== 0n
            : exactInteger(value);
    case 'json':
      return (value) => {
        if (typeof value !== 'string') return exactInteger(value);
        try {
          return JSON.parse(value) as CellValue;
        } catch {
          return value;
        }
      };
    default:
      return exactInteger;
  }
}

// Columns whose values may be integers (SQLite types values, not columns): text-affinity
// columns turn numbers into text and REAL-affinity columns into reals, the rest may not.
const mayHoldIntegers = (column: ColumnSchema) => column.type !== 'text' && column.type !== 'float';

/**
 * Builds the function that turns a better-sqlite3 row into SDK values, in place. With
 * `exact` false (numbers mode, the fast path) it throws {@link LossyIntegerRead} when an
 * integer beyond ±2^53 shows up, so the caller can re-read in bigint mode.
 */
export function rowDecoder(columns: readonly ColumnSchema[], exact: boolean): (row: Row) => Row {
  // Plans of cached schemas reuse their column arrays, so their decoders are built once.
  const cache = exact ? exactDecoders : fastDecoders;
  let decoder = cache.get(columns);
  if (!decoder) {
    decoder = buildDecoder(columns, exact);
    cache.set(columns, decoder);
  }
  return decoder;
}

const fastDecoders = new WeakMap<readonly ColumnSchema[], (row: Row) => Row>();
const exactDecoders = new WeakMap<readonly ColumnSchema[], (row: Row) => Row>();

function buildDecoder(columns: readonly ColumnSchema[], exact: boolean): (row: Row) => Row {
  const converters: [string, Convert][] = [];
  const checked: string[] = [];
  for (const column of columns) {
    const convert = converter(column, exact);
    if (convert) converters.push([column.name, convert]);
    if (!exact && mayHoldIntegers(column)) checked.push(column.name);
  }
  if (converters.length === 0 && checked.length === 0) return (row) => row;
  return (row) => {
    for (let i = 0; i < checked.length; i++) {
      const value = row[checked[i]!];
      if (typeof value === 'number' && (value > MAX_SAFE || value < -MAX_SAFE) && Number.isInteger(value)) {
        throw LOSSY;
      }
    }
    for (let i = 0; i < converters.length; i++) {
      const [name, convert] = converters[i]!;
      const value = row[name];
      if (value !== null && value !== undefined) row[name] = convert(value);
    }
    return row;
  };
}
