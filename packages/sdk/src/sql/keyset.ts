import type { CellValue, ColumnSchema, SortDirection, SortSpec, TableSchema } from '../datasource/types.js';
import type { SqlDialect, SqlParams } from './dialect.js';
import { quoteIdentifier } from './quote.js';
import { invalidQuery, requireColumn } from './schema.js';

/** One resolved sort key: a column of the table and its direction. */
export interface SortKey {
  /** The column. */
  readonly column: ColumnSchema;
  /** Its direction; NULLs always count as the smallest value. */
  readonly direction: SortDirection;
}

/**
 * Resolves the requested sort against the schema and appends the primary key, so the
 * order is total and keyset cursors neither skip nor repeat rows. A table without a key
 * gets every column the dialect can order by appended instead (`orderable`).
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { orderByClause, resolveSortKeys, sortFingerprint, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema; // orders, primary key (id)
 * declare const dialect: SqlDialect;
 *
 * // The requested sort, checked against the schema, then the key: a total order.
 * const keys = resolveSortKeys(schema, [{ column: 'total', direction: 'desc' }]); // total desc, id asc
 * const orderBy = orderByClause(keys, dialect); // "total" DESC NULLS LAST, "id" ASC on PostgreSQL: NULLs always sort as the smallest value
 * const fingerprint = sortFingerprint(keys); // 'total:desc,id:asc': stored in cursors
 * ```
 */
export function resolveSortKeys(
  schema: TableSchema,
  sort: readonly SortSpec[] | undefined,
  orderable: (column: ColumnSchema) => boolean = () => true,
): SortKey[] {
  if (sort !== undefined && sort !== null && !Array.isArray(sort)) {
    invalidQuery('sort must be an array of { column, direction }');
  }
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  for (const spec of sort ?? []) {
    if (!spec || typeof spec !== 'object')
      invalidQuery('each sort key must be an object { column, direction }');
    const column = requireColumn(schema, spec.column);
    const direction = spec.direction ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') {
      invalidQuery(
        `sort direction of ${column.name} must be "asc" or "desc", got ${JSON.stringify(direction)}`,
      );
    }
    if (seen.has(column.name)) invalidQuery(`column ${column.name} appears twice in the sort`);
    if (!orderable(column)) invalidQuery(`column ${column.name} (${column.nativeType}) cannot be sorted`);
    seen.add(column.name);
    keys.push({ column, direction });
  }
  const tieBreakers =
    schema.primaryKey.length > 0
      ? schema.primaryKey.map((name) => requireColumn(schema, name))
      : schema.columns.filter(orderable);
  for (const column of tieBreakers) {
    if (!seen.has(column.name)) {
      seen.add(column.name);
      keys.push({ column, direction: 'asc' });
    }
  }
  return keys;
}

/**
 * A stable fingerprint of a resolved sort, stored in cursors so a cursor is refused under another sort.
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { orderByClause, resolveSortKeys, sortFingerprint, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema; // orders, primary key (id)
 * declare const dialect: SqlDialect;
 *
 * // The requested sort, checked against the schema, then the key: a total order.
 * const keys = resolveSortKeys(schema, [{ column: 'total', direction: 'desc' }]); // total desc, id asc
 * const orderBy = orderByClause(keys, dialect); // "total" DESC NULLS LAST, "id" ASC on PostgreSQL: NULLs always sort as the smallest value
 * const fingerprint = sortFingerprint(keys); // 'total:desc,id:asc': stored in cursors
 * ```
 */
export function sortFingerprint(keys: readonly SortKey[]): string {
  return keys.map((key) => `${key.column.name}:${key.direction}`).join(',');
}

const flip = (direction: SortDirection): SortDirection => (direction === 'asc' ? 'desc' : 'asc');

/**
 * `ORDER BY` terms for the keys, NULLs as smallest in every dialect. `reverse` flips every
 * direction (for reading the page before a cursor); NULLs stay the smallest value.
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { orderByClause, resolveSortKeys, sortFingerprint, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema; // orders, primary key (id)
 * declare const dialect: SqlDialect;
 *
 * // The requested sort, checked against the schema, then the key: a total order.
 * const keys = resolveSortKeys(schema, [{ column: 'total', direction: 'desc' }]); // total desc, id asc
 * const orderBy = orderByClause(keys, dialect); // "total" DESC NULLS LAST, "id" ASC on PostgreSQL: NULLs always sort as the smallest value
 * const fingerprint = sortFingerprint(keys); // 'total:desc,id:asc': stored in cursors
 * ```
 */
export function orderByClause(keys: readonly SortKey[], dialect: SqlDialect, reverse = false): string {
  return keys
    .map((key) => {
      const direction = reverse ? flip(key.direction) : key.direction;
      let term = `${quoteIdentifier(key.column.name)} ${direction.toUpperCase()}`;
      if (dialect.nullsSortAs === 'largest' && key.column.nullable) {
        term += direction === 'asc' ? ' NULLS FIRST' : ' NULLS LAST';
      }
      return term;
    })
    .join(', ');
}

/**
 * The condition selecting rows strictly after (or before) the row whose sort-key values are
 * `values`, in the order of `keys` with NULLs as smallest. Values are bound as parameters.
 *
 * It is the expanded form `(k1 > v1) OR (k1 = v1 AND k2 > v2) OR …`, with each comparison
 * written for the value at hand (`IS NULL` for a NULL boundary, `OR k IS NULL` where NULLs
 * follow), so it is right for nullable columns and mixed directions. When every key is NOT
 * NULL and all go the same way it uses a row-value comparison `(k1, k2) > (v1, v2)`, which
 * both SQLite and PostgreSQL answer with an index range scan.
 *
 * @example
 * ```ts
 * import type { CellValue, TableSchema } from '@nocoflo/sdk';
 * import { keysetCondition, orderByClause, resolveSortKeys, SqlParams, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema;
 * declare const dialect: SqlDialect;
 * declare const lastRow: CellValue[]; // the sort-key values of the last row of the previous page
 *
 * const keys = resolveSortKeys(schema, [{ column: 'total', direction: 'desc' }]);
 * const params = new SqlParams(dialect.placeholder);
 * const after = keysetCondition(keys, lastRow, 'after', dialect, params);
 * const sql = `SELECT * FROM "orders" WHERE ${after} ORDER BY ${orderByClause(keys, dialect)} LIMIT 100`;
 * // Correct with NULLs and mixed directions; an index range scan where every key is NOT NULL.
 * ```
 */
export function keysetCondition(
  keys: readonly SortKey[],
  values: readonly CellValue[],
  direction: 'after' | 'before',
  dialect: SqlDialect,
  params: SqlParams,
): string {
  if (values.length !== keys.length)
    invalidQuery('the cursor does not match this sort; start from the first page');
  const effective = keys.map((key) => (direction === 'after' ? key.direction : flip(key.direction)));
  const bind = (index: number) => {
    const key = keys[index]!;
    return params.add(dialect.toParam(values[index] as CellValue, key.column));
  };
  const sameWay = effective.every((d) => d === effective[0]);
  const noNulls = keys.every((key, index) => !key.column.nullable && values[index] !== null);
  if (sameWay && noNulls) {
    const op = effective[0] === 'asc' ? '>' : '<';
    if (keys.length === 1) return `${quoteIdentifier(keys[0]!.column.name)} ${op} ${bind(0)}`;
    const columns = keys.map((key) => quoteIdentifier(key.column.name)).join(', ');
    const placeholders = keys.map((_, index) => bind(index)).join(', ');
    return `(${columns}) ${op} (${placeholders})`;
  }
  const terms: string[] = [];
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    const ascending = effective[i] === 'asc';
    // Nothing is smaller than NULL, so no row is beyond a NULL boundary going downwards.
    if (!ascending && value === null) continue;
    // Parameters are bound in text order: the equal prefix first, then this key.
    const parts: string[] = [];
    for (let j = 0; j < i; j++) {
      const prefix = quoteIdentifier(keys[j]!.column.name);
      parts.push(values[j] === null ? `${prefix} IS NULL` : `${prefix} = ${bind(j)}`);
    }
    const name = quoteIdentifier(keys[i]!.column.name);
    if (ascending) parts.push(value === null ? `${name} IS NOT NULL` : `${name} > ${bind(i)}`);
    else
      parts.push(
        keys[i]!.column.nullable ? `(${name} < ${bind(i)} OR ${name} IS NULL)` : `${name} < ${bind(i)}`,
      );
    terms.push(parts.join(' AND '));
  }
  if (terms.length === 0) return '1 = 0';
  return terms.length === 1 ? terms[0]! : terms.map((term) => `(${term})`).join(' OR ');
}
