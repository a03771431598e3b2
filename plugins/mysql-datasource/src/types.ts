import type { CellValue, ColumnSchema, ColumnType, Row } from '@nocoflo/sdk';
import { normaliseBigInt } from '@nocoflo/sdk/sql';

/** A column as `information_schema.COLUMNS` describes it. */
export interface MysqlColumnType {
  /** `DATA_TYPE`, e.g. `bigint`, `varchar`, `decimal`. */
  dataType: string;
  /** `COLUMN_TYPE`, e.g. `tinyint(1)`, `enum('a','b')`, `bigint(20) unsigned`. */
  columnType: string;
  /** Whether a MariaDB `CHECK (json_valid(col))` makes this text column a JSON column. */
  json?: boolean;
}

const BY_DATA_TYPE: Record<string, ColumnType> = {
  tinyint: 'integer',
  smallint: 'integer',
  mediumint: 'integer',
  int: 'integer',
  integer: 'integer',
  bigint: 'integer',
  year: 'integer',
  decimal: 'decimal',
  numeric: 'decimal',
  float: 'float',
  double: 'float',
  real: 'float',
  char: 'text',
  varchar: 'text',
  tinytext: 'text',
  text: 'text',
  mediumtext: 'text',
  longtext: 'text',
  set: 'text',
  inet4: 'text',
  inet6: 'text',
  enum: 'enum',
  date: 'date',
  datetime: 'timestamp',
  timestamp: 'timestamptz',
  time: 'time',
  json: 'json',
  uuid: 'uuid',
  binary: 'binary',
  varbinary: 'binary',
  tinyblob: 'binary',
  blob: 'binary',
  mediumblob: 'binary',
  longblob: 'binary',
};

/**
 * Normalises a MySQL/MariaDB column type to a `ColumnType` of `@nocoflo/sdk`:
 * `tinyint(1)` and `bit(1)` (what `BOOLEAN` is) are booleans, `DATETIME` is a timestamp
 * without zone, `TIMESTAMP` one with (read in UTC), MariaDB's JSON (a checked `LONGTEXT`)
 * is json, other `bit(n)` is binary and spatial types are unknown.
 */
export function normaliseMysqlType(type: MysqlColumnType): ColumnType {
  const data = type.dataType.toLowerCase();
  const full = type.columnType.toLowerCase();
  if (type.json) return 'json';
  if ((data === 'tinyint' && /^tinyint\(1\)/.test(full)) || (data === 'bit' && /^bit\(1\)/.test(full))) {
    return 'boolean';
  }
  if (data === 'bit') return 'binary';
  return BY_DATA_TYPE[data] ?? 'unknown';
}

/** The labels of `enum('a','b''c')`, unquoted, in order. */
export function enumLabels(columnType: string): string[] {
  const body = /^enum\((.*)\)$/is.exec(columnType.trim())?.[1];
  if (body === undefined) return [];
  const labels: string[] = [];
  const pattern = /'((?:[^']|'')*)'/g;
  for (const match of body.matchAll(pattern)) labels.push((match[1] ?? '').replaceAll("''", "'"));
  return labels;
}

// ── Reading values in the SDK's conventions ─────────────────────────────────
// The pool reads with dateStrings, jsonStrings and supportBigNumbers (BIGINTs beyond 2^53
// arrive as strings, DECIMALs always do), so only these conversions remain.

type Convert = (value: unknown) => CellValue;

const toInteger: Convert = (value) =>
  typeof value === 'string' ? normaliseBigInt(BigInt(value)) : (value as CellValue);

const toBoolean: Convert = (value) => {
  if (typeof value === 'number') return value !== 0;
  if (value instanceof Uint8Array) return value.some((byte) => byte !== 0);
  if (typeof value === 'string') return value !== '0' && value !== '';
  return value as CellValue;
};

const toBytes: Convert = (value) =>
  value instanceof Uint8Array
    ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
    : typeof value === 'string'
      ? new Uint8Array(Buffer.from(value, 'utf8'))
      : (value as CellValue);

/** `2024-01-02 03:04:05.250000` → `2024-01-02T03:04:05.25`. */
const toIsoTimestamp = (value: unknown): string => {
  const text = String(value);
  const iso = text.length > 10 ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
  return iso.includes('.') ? iso.replace(/\.?0+$/, '') : iso;
};

const toIsoInstant: Convert = (value) => `${toIsoTimestamp(value)}Z`;

const toJson: Convert = (value) => {
  if (typeof value !== 'string')
    return (value instanceof Uint8Array ? toJson(Buffer.from(value).toString('utf8')) : value) as CellValue;
  try {
    return JSON.parse(value) as CellValue;
  } catch {
    return value;
  }
};

const toText: Convert = (value) =>
  value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : (value as CellValue);

function converter(column: ColumnSchema): Convert | null {
  switch (column.type) {
    case 'integer':
      return toInteger;
    case 'boolean':
      return toBoolean;
    case 'binary':
      return toBytes;
    case 'timestamp':
      return toIsoTimestamp;
    case 'timestamptz':
      return toIsoInstant;
    case 'json':
      return toJson;
    case 'text':
    case 'enum':
    case 'uuid':
      // Text of a binary collation, or a SET, may arrive as bytes.
      return toText;
    default:
      return null;
  }
}

const decoders = new WeakMap<readonly ColumnSchema[], (row: Row) => Row>();

/**
 * The function that turns a mysql2 row into SDK values, in place. Columns that need no
 * conversion (most text, floats, decimals, dates) are not touched. Decoders of cached
 * schemas' column arrays are built once.
 */
export function rowDecoder(columns: readonly ColumnSchema[]): (row: Row) => Row {
  let decoder = decoders.get(columns);
  if (decoder) return decoder;
  const converters: [string, Convert][] = [];
  for (const column of columns) {
    const convert = converter(column);
    if (convert) converters.push([column.name, convert]);
  }
  decoder =
    converters.length === 0
      ? (row) => row
      : (row) => {
          for (let i = 0; i < converters.length; i++) {
            const [name, convert] = converters[i]!;
            const value = row[name];
            if (value !== null && value !== undefined) {
              // Integers within 2^53 are numbers already: skip the call for the common case.
              if (convert === toInteger && typeof value === 'number') continue;
              if (convert === toText && typeof value === 'string') continue;
              row[name] = convert(value);
            }
          }
          return row;
        };
  decoders.set(columns, decoder);
  return decoder;
}
