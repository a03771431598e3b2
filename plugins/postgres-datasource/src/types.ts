import type { CellValue, ColumnType } from '@nocoflo/sdk';
import { normaliseBigInt } from '@nocoflo/sdk/sql';
import pg from 'pg';

const BY_NAME: Record<string, ColumnType> = {
  int2: 'integer',
  int4: 'integer',
  int8: 'integer',
  oid: 'integer',
  xid: 'integer',
  numeric: 'decimal',
  float4: 'float',
  float8: 'float',
  bool: 'boolean',
  text: 'text',
  varchar: 'text',
  bpchar: 'text',
  char: 'text',
  name: 'text',
  citext: 'text',
  money: 'text',
  xml: 'text',
  date: 'date',
  time: 'time',
  timetz: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  json: 'json',
  jsonb: 'json',
  uuid: 'uuid',
  bytea: 'binary',
};

/** A PostgreSQL type as `pg_type` describes it (after resolving domains to their base type). */
export interface PgTypeInfo {
  /** `pg_type.typname`, e.g. `int8`, `_text`. */
  name: string;
  /** `pg_type.typtype`: `b` base, `e` enum, `c` composite, `d` domain, `r` range. */
  kind: string;
  /** `pg_type.typcategory`: `A` for arrays. */
  category: string;
}

/** Normalises a PostgreSQL type from `pg_catalog` to a `ColumnType` of `@nocoflo/sdk`. */
export function normalisePgType(type: PgTypeInfo): ColumnType {
  if (type.category === 'A') return 'array';
  if (type.kind === 'e') return 'enum';
  return BY_NAME[type.name] ?? 'unknown';
}

// ── Reading values: pg type parsers in the SDK's conventions ────────────────

const parseInt8 = (text: string): CellValue =>
  text.length < 16 ? Number(text) : normaliseBigInt(BigInt(text));

/** `2024-01-02 03:04:05.5` → `2024-01-02T03:04:05.5` (ISO-8601, no zone). */
const parseTimestamp = (text: string): string =>
  text.length > 10 ? `${text.slice(0, 10)}T${text.slice(11)}` : text;

/** `2024-01-02 03:04:05+02` → `2024-01-02T03:04:05+02:00`: ISO-8601 keeping the offset. */
const parseTimestamptz = (text: string): string => {
  const iso = parseTimestamp(text);
  // The server writes offsets as +HH, +HH:MM or +HH:MM:SS; ISO wants +HH:MM.
  return iso.replace(
    /([+-]\d{2})(:\d{2})?(:\d{2})?$/,
    (_, hours: string, minutes?: string) => `${hours}${minutes ?? ':00'}`,
  );
};

const parseBytea = pg.types.getTypeParser(17) as (text: string) => Buffer;
const toBytes = (text: string): Uint8Array => {
  const buffer = parseBytea(text);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
};

const identity = (text: string) => text;
// pg-types ships `arrayParser.create(text, transform).parse()` (its typings say otherwise).
const arrayParser = pg.types.arrayParser as unknown as {
  create(text: string, transform: (item: string | null) => unknown): { parse(): unknown[] };
};
const array =
  (element: (text: string) => unknown) =>
  (text: string): unknown =>
    arrayParser.create(text, (item: string | null) => (item === null ? null : element(item))).parse();

const OVERRIDES = new Map<number, (text: string) => unknown>([
  [20, parseInt8], // int8
  [1016, array(parseInt8)], // int8[]
  [1700, identity], // numeric: exact string
  [1231, array(identity)], // numeric[]
  [1082, identity], // date
  [1182, array(identity)], // date[]
  [1114, parseTimestamp], // timestamp
  [1115, array(parseTimestamp)], // timestamp[]
  [1184, parseTimestamptz], // timestamptz
  [1185, array(parseTimestamptz)], // timestamptz[]
  [17, toBytes], // bytea
  [1001, array(toBytes)], // bytea[]
  [1186, identity], // interval: keep the server's text
  [1187, array(identity)], // interval[]
  [790, identity], // money
]);

/**
 * The type parsers this datasource gives its pool (never the global ones, so other users
 * of `pg` in the process are unaffected): int8 as number or bigint, numeric as exact
 * string, dates and timestamps as ISO strings (timestamptz with its offset), bytea as
 * Uint8Array, json parsed, arrays of each element type.
 */
export const pgTypes = {
  /** The parser of a column of type `oid`: nocoflo's where the conventions differ from pg's, else pg's. */
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
    if (format === 'binary') return pg.types.getTypeParser(oid, 'binary') as (text: string) => unknown;
    return OVERRIDES.get(oid) ?? (pg.types.getTypeParser(oid) as (text: string) => unknown);
  },
};

/** Parses a PostgreSQL array literal of text elements (for arrays of enums, which have no built-in parser). */
export const parseTextArray = array(identity) as (text: string) => string[];
