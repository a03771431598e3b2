import type { CellValue, ColumnSchema } from '@nocoflo/sdk';
import type { SqlDialect } from '@nocoflo/sdk/sql';

const toDriver = (value: CellValue): unknown => {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toDriver);
  return value;
};

/**
 * PostgreSQL as the shared SQL builders see it: `$n` placeholders, NULLs sorted explicitly
 * as smallest (PostgreSQL puts them last ascending), case-sensitive LIKE, exact numeric
 * sums and averages.
 */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  placeholder: 'dollar',
  nullsSortAs: 'largest',
  textMatch: 'like',
  toParam(value: CellValue, column: ColumnSchema): unknown {
    if (value === null) return null;
    // JSON arrays would otherwise be sent as PostgreSQL array literals.
    if (column.type === 'json') return JSON.stringify(value);
    return toDriver(value);
  },
  textOperand(columnSql, column) {
    return column.type === 'text' ? columnSql : `${columnSql}::text`;
  },
  bucket(columnSql, bucket, column) {
    // Dates and plain timestamps are truncated without any time zone; timestamptz in the session's.
    const source = column.type === 'timestamptz' ? columnSql : `${columnSql}::timestamp`;
    return `to_char(date_trunc('${bucket}', ${source}), 'YYYY-MM-DD')`;
  },
  measure(fn, columnSql, column) {
    if (columnSql === null || column === null) return 'count(*)';
    const exact = column.type === 'integer' || column.type === 'decimal';
    // sum(int) is bigint and sum(bigint) numeric: make both numeric so sums read as exact strings.
    if (fn === 'sum' && exact) return `sum(${columnSql})::numeric`;
    return `${fn}(${columnSql})`;
  },
};

const UNORDERED = new Set([
  'json',
  'json[]',
  'xml',
  'xml[]',
  'point',
  'line',
  'lseg',
  'box',
  'path',
  'polygon',
  'circle',
]);

/** Whether PostgreSQL can sort by the column (json, xml and geometric types have no ordering). */
export const isOrderable = (column: ColumnSchema): boolean => !UNORDERED.has(column.nativeType);
