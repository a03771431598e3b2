import type { CellValue, ColumnSchema } from '@nocoflo/sdk';
import type { SqlDialect } from '@nocoflo/sdk/sql';
import mysql from 'mysql2/promise';

const { TypedParameter } = mysql as unknown as {
  TypedParameter: {
    LONGLONG: ((value: bigint | number) => unknown) & { unsigned: (value: bigint | number) => unknown };
    NEWDECIMAL: (value: string) => unknown;
  };
};

const MAX_SIGNED = 2n ** 63n - 1n;

/**
 * The session every pooled connection starts with, so that the shared SQL builders'
 * standard SQL means the same on MySQL and MariaDB as on PostgreSQL:
 *
 * - `ANSI_QUOTES`: `"name"` is an identifier (the builders quote every identifier so);
 * - `NO_BACKSLASH_ESCAPES`: `'\'` is one backslash, as in `LIKE … ESCAPE '\'` (values are
 *   always bound parameters, so no client-side escaping is affected);
 * - `STRICT_ALL_TABLES` (and the zero-date modes): a value that does not fit is an error,
 *   never silently truncated or zeroed;
 * - `time_zone = '+00:00'`: `TIMESTAMP` columns read and write UTC;
 * - `div_precision_increment = 30`: `avg()` of exact columns keeps 30 decimals, not 4.
 */
export const SESSION_SQL =
  "SET SESSION sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_IN_DATE,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00', div_precision_increment = 30";

/** An ISO timestamp as MySQL's `DATETIME` literal: space separator, no zone (as PostgreSQL ignores it). */
function datetimeText(value: string): string {
  return value
    .trim()
    .replace(/^(\d{4}-\d{2}-\d{2})T/i, '$1 ')
    .replace(/\s*(Z|[+-]\d{2}(:?\d{2})?)$/i, '');
}

/** An ISO timestamp with an offset as the UTC `DATETIME` literal a `TIMESTAMP` column takes in a UTC session. */
function instantText(value: string): string {
  const trimmed = value.trim();
  const zone = /(Z|[+-]\d{2}(:?\d{2})?)$/i.exec(trimmed)?.[1];
  if (!zone || /^(Z|[+-]00(:?00)?)$/i.test(zone)) return datetimeText(trimmed);
  const date = new Date(trimmed.replace(' ', 'T'));
  if (Number.isNaN(date.getTime())) return datetimeText(trimmed);
  return date.toISOString().replace('T', ' ').replace(/Z$/, '');
}

/**
 * MySQL and MariaDB as the shared SQL builders of `@nocoflo/sdk/sql` see them: `?`
 * placeholders, NULLs already the smallest value, no `RETURNING` (rows are read back by
 * key), `INSERT … () VALUES ()`, case-sensitive text matching through a binary collation,
 * and parameters typed so that comparisons stay exact: integers as `BIGINT` (a string
 * would be compared as a double, and 2^53 + 1 would equal 2^53), decimals as `DECIMAL`.
 * Identifiers are quoted the ANSI way, which {@link SESSION_SQL} turns on.
 */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  placeholder: 'question',
  nullsSortAs: 'smallest',
  textMatch: 'like',
  returning: false,
  emptyInsert: '() VALUES ()',
  toParam(value: CellValue, column: ColumnSchema): unknown {
    if (value === null) return null;
    switch (column.type) {
      case 'integer':
        if (typeof value === 'bigint' || typeof value === 'number') {
          const big = BigInt(value);
          return big > MAX_SIGNED ? TypedParameter.LONGLONG.unsigned(big) : TypedParameter.LONGLONG(big);
        }
        return value;
      case 'decimal':
        return TypedParameter.NEWDECIMAL(String(value));
      case 'json':
        return JSON.stringify(value);
      case 'timestamp':
        return typeof value === 'string' ? datetimeText(value) : value;
      case 'timestamptz':
        return typeof value === 'string' ? instantText(value) : value;
      default:
        if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        if (typeof value === 'bigint') return value.toString();
        if (typeof value === 'object') return JSON.stringify(value);
        return value;
    }
  },
  textOperand(columnSql) {
    // Any column, of any character set, compared as utf8mb4 code points: case-sensitive.
    return `CONVERT(${columnSql} USING utf8mb4) COLLATE utf8mb4_bin`;
  },
  bucket(columnSql, bucket) {
    const format = bucket === 'year' ? '%Y-01-01' : bucket === 'month' ? '%Y-%m-01' : '%Y-%m-%d';
    return `DATE_FORMAT(${columnSql}, '${format}')`;
  },
};

const SPATIAL =
  /^(geometry|point|linestring|polygon|multipoint|multilinestring|multipolygon|geometrycollection)\b/i;

/** Whether MySQL can sort by the column (spatial types have no useful order). */
export const isOrderable = (column: ColumnSchema): boolean => !SPATIAL.test(column.nativeType);
