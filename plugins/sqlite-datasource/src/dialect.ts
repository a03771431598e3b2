import type { CellValue, ColumnSchema } from '@nocoflo/sdk';
import type { SqlDialect } from '@nocoflo/sdk/sql';

/** Reads the scale of `NUMERIC(p, s)` / `DECIMAL(p, s)`, to round sums computed in floating point. */
function declaredScale(column: ColumnSchema): number | null {
  const match = /\(\s*\d+\s*,\s*(\d+)\s*\)/.exec(column.nativeType);
  return match ? Number(match[1]) : null;
}

/**
 * SQLite as the shared SQL builders see it: `?` placeholders, NULLs already the smallest
 * value, GLOB for case-sensitive matching, booleans as 0/1 and JSON as text.
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  placeholder: 'question',
  nullsSortAs: 'smallest',
  textMatch: 'glob',
  toParam(value: CellValue, column: ColumnSchema): unknown {
    if (value === null) return null;
    if (column.type === 'json') return JSON.stringify(value);
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Uint8Array) return value;
    if (typeof value === 'object') return JSON.stringify(value);
    return value;
  },
  bucket(columnSql, bucket) {
    if (bucket === 'year') return `strftime('%Y-01-01', ${columnSql})`;
    if (bucket === 'month') return `strftime('%Y-%m-01', ${columnSql})`;
    return `date(${columnSql})`;
  },
  measure(fn, columnSql, column) {
    if (columnSql === null || column === null) return 'count(*)';
    // SQLite sums NUMERIC values in floating point; round to the declared scale so a sum of
    // NUMERIC(10,2) prices reads 2328.6, not 2328.6000000000004.
    const scale = column.type === 'decimal' ? declaredScale(column) : null;
    if (fn === 'sum' && scale !== null) return `round(sum(${columnSql}), ${scale})`;
    return `${fn}(${columnSql})`;
  },
};
