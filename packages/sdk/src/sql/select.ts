import type {
  CellValue,
  ColumnSchema,
  FilterCondition,
  Page,
  ReadPageOptions,
  Row,
  SortSpec,
  TableSchema,
} from '../datasource/types.js';
import { isNocofloError } from '../errors/nocoflo-error.js';
import { type CursorPayload, decodeCursor, encodeCursor } from './cursor.js';
import { type SqlDialect, SqlParams } from './dialect.js';
import { compileFilters } from './filter.js';
import { keysetCondition, orderByClause, resolveSortKeys, type SortKey, sortFingerprint } from './keyset.js';
import { quoteIdentifier } from './quote.js';
import { boundedInteger, invalidQuery, requireColumn } from './schema.js';
import { compileSearch, type FullTextSearch } from './search.js';
import { validateValue } from './values.js';

/** A `SELECT` ready to run: SQL, parameters, and what the caller needs to shape the rows. */
export interface SelectPlan {
  /** The SQL text. */
  readonly sql: string;
  /** Bind parameters, in placeholder order. */
  readonly params: unknown[];
  /** The resolved sort keys (requested sort, then the primary key). */
  readonly keys: readonly SortKey[];
  /** Columns selected, in output order (requested, key columns, then sort-only columns). */
  readonly columns: readonly ColumnSchema[];
  /** Columns selected only for sorting or cursors; drop them from returned rows. */
  readonly hidden: readonly string[];
}

/** What to select: the common part of page, stream and export reads. */
export interface SelectOptions {
  /** Sort keys; the primary key is appended. */
  sort?: readonly SortSpec[];
  /** Conditions combined with AND (groups with their own OR / AND). */
  filter?: readonly FilterCondition[];
  /** Quick search text (see `ReadPageOptions.search`). */
  search?: string;
  /** Columns to return (default all); key columns are always returned. */
  columns?: readonly string[];
}

/** Options shared by the select builders. */
export interface SelectContext {
  /** The quoted (schema-qualified) table reference, e.g. `"public"."orders"`. */
  readonly from: string;
  /** The dialect. */
  readonly dialect: SqlDialect;
  /** Which columns the dialect can sort by (used for tables without a key). */
  readonly orderable?: (column: ColumnSchema) => boolean;
  /** The table's full-text index, when the datasource found one (used by `search`). */
  readonly fullText?: FullTextSearch;
}

/**
 * The column list a read returns: requested columns (validated, de-duplicated) plus key columns.
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { quoteIdentifier, selectedColumns, selectList } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema; // orders: id (key), customer, total
 *
 * // Requested columns are checked (NCF_COLUMN_NOT_FOUND) and the key is always added.
 * const columns = selectedColumns(schema, ['total']); // [total, id]
 * const sql = `SELECT ${selectList(columns)} FROM ${quoteIdentifier(schema.name)}`; // SELECT "total", "id" FROM "orders"
 * ```
 */
export function selectedColumns(schema: TableSchema, columns: readonly string[] | undefined): ColumnSchema[] {
  if (columns === undefined || columns === null) return [...schema.columns];
  if (!Array.isArray(columns)) invalidQuery('columns must be an array of column names');
  const out: ColumnSchema[] = [];
  const seen = new Set<string>();
  for (const name of [...columns, ...schema.primaryKey]) {
    const column = requireColumn(schema, name);
    if (!seen.has(column.name)) {
      seen.add(column.name);
      out.push(column);
    }
  }
  return out;
}

// Names a database may give a result column other than the one selected: SQLite calls
// `_rowid_` and `oid` "rowid" (and `rowid` of a table whose column is named so, the column).
const RENAMED_RESULT_COLUMNS = new Set(['rowid', '_rowid_', 'oid']);

/**
 * The quoted select list for columns. A column whose name a database may report otherwise
 * (SQLite's rowid aliases) is aliased to its own name; the rest are plain references, which
 * both dialects name after the column (an alias on every column costs SQLite ~5% of a read).
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { quoteIdentifier, selectedColumns, selectList } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema; // orders: id (key), customer, total
 *
 * // Requested columns are checked (NCF_COLUMN_NOT_FOUND) and the key is always added.
 * const columns = selectedColumns(schema, ['total']); // [total, id]
 * const sql = `SELECT ${selectList(columns)} FROM ${quoteIdentifier(schema.name)}`; // SELECT "total", "id" FROM "orders"
 * ```
 */
export function selectList(columns: readonly ColumnSchema[]): string {
  let list = selectLists.get(columns);
  if (list === undefined) {
    list = columns
      .map((column) => {
        const quoted = quoteIdentifier(column.name);
        return RENAMED_RESULT_COLUMNS.has(column.name.toLowerCase()) ? `${quoted} AS ${quoted}` : quoted;
      })
      .join(', ');
    selectLists.set(columns, list);
  }
  return list;
}

// Column arrays of cached schemas are reused on every write; their lists are built once.
const selectLists = new WeakMap<readonly ColumnSchema[], string>();

function safeLimit(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new Error(`nocoflo: invalid limit ${limit}`);
  return String(limit);
}

/** The parts of a select that depend only on table, sort and columns: computed once per shape. */
interface SelectShape {
  keys: SortKey[];
  fingerprint: string;
  columns: ColumnSchema[];
  hidden: string[];
  head: string;
  forward: string;
  reverse: string;
}

const shapes = new WeakMap<TableSchema, Map<string, SelectShape>>();

function shapeOf(schema: TableSchema, options: SelectOptions, context: SelectContext): SelectShape {
  let byKey = shapes.get(schema);
  if (!byKey) {
    byKey = new Map();
    shapes.set(schema, byKey);
  }
  // A schema object belongs to one datasource, so the table reference and the dialect are
  // fixed; the shape varies with the sort and the columns (none: the common case).
  let key: string | null = context.from;
  if (options.sort !== undefined || options.columns !== undefined) {
    try {
      key = `${context.from}\0${JSON.stringify(options.sort ?? null)}\0${JSON.stringify(options.columns ?? null)}`;
    } catch {
      key = null; // not serialisable, so not cacheable; validation below says what is wrong
    }
  }
  const cached = key === null ? undefined : byKey.get(key);
  if (cached) return cached;
  const keys = resolveSortKeys(schema, options.sort, context.orderable);
  const requested = selectedColumns(schema, options.columns);
  const names = new Set(requested.map((column) => column.name));
  const hidden = keys.map((k) => k.column).filter((column) => !names.has(column.name));
  const columns = [...requested, ...hidden];
  const shape: SelectShape = {
    keys,
    fingerprint: sortFingerprint(keys),
    columns,
    hidden: hidden.map((column) => column.name),
    head: `SELECT ${selectList(columns)} FROM ${context.from}`,
    forward: ` ORDER BY ${orderByClause(keys, context.dialect)}`,
    reverse: ` ORDER BY ${orderByClause(keys, context.dialect, true)}`,
  };
  if (key !== null) {
    if (byKey.size >= 100) byKey.clear();
    byKey.set(key, shape);
  }
  return shape;
}

function build(
  schema: TableSchema,
  options: SelectOptions,
  context: SelectContext,
  shape: SelectShape,
  cursor: { direction: 'after' | 'before'; values: CellValue[] } | null,
  limit: number | null,
): SelectPlan {
  const params = new SqlParams(context.dialect.placeholder);
  const conditions = compileFilters(schema, options.filter, context.dialect, params);
  conditions.push(...compileSearch(schema, options.search, context.dialect, params, context.fullText));
  if (cursor) {
    conditions.push(keysetCondition(shape.keys, cursor.values, cursor.direction, context.dialect, params));
  }
  let sql = shape.head;
  if (conditions.length === 1) sql += ` WHERE ${conditions[0]}`;
  else if (conditions.length > 1) sql += ` WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}`;
  sql += cursor?.direction === 'before' ? shape.reverse : shape.forward;
  // The limit is a validated integer, written into the SQL: a bound LIMIT costs SQLite about
  // a tenth of a 100-row read, and a page size gets its own prepared statement either way.
  if (limit !== null) sql += ` LIMIT ${safeLimit(limit)}`;
  return { sql, params: params.values, keys: shape.keys, columns: shape.columns, hidden: shape.hidden };
}

/**
 * Builds the `SELECT` of a full read (a stream): filters, total sort, no limit. With
 * `resumeAfter` (the sort-key values of the last row already read, in {@link SelectPlan.keys}
 * order) it reads only the rows after that one, so a stream can continue on a new statement.
 *
 * @example
 * ```ts
 * import type { Row, StreamOptions, TableSchema } from '@nocoflo/sdk';
 * import { planSelect, quoteIdentifier, type SqlDialect, stripHidden } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect;
 * declare function iterate(sql: string, params: unknown[]): AsyncIterable<Row>; // the driver's cursor
 *
 * // A datasource's stream: every matching row in a total order, sort-only columns removed.
 * async function* stream(schema: TableSchema, options: StreamOptions = {}): AsyncIterable<Row> {
 *   const plan = planSelect(schema, options, { from: quoteIdentifier(schema.name), dialect });
 *   for await (const row of iterate(plan.sql, plan.params)) yield stripHidden([row], plan.hidden)[0] as Row;
 * }
 * ```
 */
export function planSelect(
  schema: TableSchema,
  options: SelectOptions,
  context: SelectContext,
  resumeAfter?: readonly CellValue[],
): SelectPlan {
  const shape = shapeOf(schema, options, context);
  const cursor = resumeAfter ? { direction: 'after' as const, values: [...resumeAfter] } : null;
  return build(schema, options, context, shape, cursor, null);
}

/** A page query: the select plus how to turn its rows into a {@link Page}. */
export interface PagePlan extends SelectPlan {
  /** Rows asked for; the query fetches one more to know whether another page follows. */
  readonly limit: number;
  /** How the page was reached. */
  readonly mode: 'first' | 'after' | 'before';
  /** The sort fingerprint cursors carry. */
  readonly fingerprint: string;
}

/**
 * Builds the keyset page query for {@link ReadPageOptions}: validates limit, sort, filters,
 * columns and cursor; the query reads `limit + 1` rows (reversed for a `before` cursor).
 * Turn its rows into a page with {@link finishPage}.
 *
 * @example
 * ```ts
 * import type { Page, ReadPageOptions, Row, TableSchema } from '@nocoflo/sdk';
 * import { finishPage, planPage, quoteIdentifier, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect;
 * declare function all(sql: string, params: unknown[]): Promise<Row[]>; // the driver's query, rows as SDK values
 *
 * // A datasource's readPage: validation, keyset SQL and cursors come from the SDK.
 * async function readPage(schema: TableSchema, options: ReadPageOptions): Promise<Page> {
 *   const plan = planPage(schema, options, { from: quoteIdentifier(schema.name), dialect });
 *   return finishPage(plan, await all(plan.sql, plan.params));
 * }
 * ```
 */
export function planPage(schema: TableSchema, options: ReadPageOptions, context: SelectContext): PagePlan {
  const limit = boundedInteger(options.limit, 'limit', 100, 1, 10_000);
  const shape = shapeOf(schema, options, context);
  const cursor =
    options.cursor === undefined || options.cursor === null || options.cursor === ''
      ? null
      : typeof options.cursor === 'string'
        ? checkedCursor(decodeCursor(options.cursor, shape.fingerprint), shape.keys, schema.name)
        : invalidQuery('cursor must be a string from a previous page');
  const plan = build(schema, options, context, shape, cursor, limit + 1);
  return {
    sql: plan.sql,
    params: plan.params,
    keys: plan.keys,
    columns: plan.columns,
    hidden: plan.hidden,
    limit,
    mode: cursor ? cursor.direction : 'first',
    fingerprint: shape.fingerprint,
  };
}

/**
 * A decoded cursor whose values can be bound for their sort keys. A value that fits its
 * column is normalised as the column's values are. Bytes or a big integer where the column
 * holds neither is forged (`NCF_INVALID_QUERY` naming the parameter, never a database
 * error); a plain string or number that does not fit is kept as it is, since a loosely
 * typed database (SQLite) may hold such a value in any column and hand it out in a cursor.
 */
function checkedCursor(
  cursor: CursorPayload,
  keys: readonly SortKey[],
  table: string,
): { direction: 'after' | 'before'; values: CellValue[] } {
  if (cursor.values.length !== keys.length)
    invalidQuery('the "cursor" parameter does not match this sort; start again from the first page');
  const values = cursor.values.map((value, index) => {
    const column = keys[index]!.column;
    try {
      return validateValue(table, column, value);
    } catch (error) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
      const reason = isNocofloError(error) ? error.message : String(error);
      return invalidQuery(
        `the "cursor" parameter holds a value that does not fit column ${column.name} (${reason})`,
      );
    }
  });
  return { direction: cursor.direction, values };
}

/**
 * Removes sort-only columns from rows, in place.
 *
 * @example
 * ```ts
 * import type { Row, StreamOptions, TableSchema } from '@nocoflo/sdk';
 * import { planSelect, quoteIdentifier, type SqlDialect, stripHidden } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect;
 * declare function iterate(sql: string, params: unknown[]): AsyncIterable<Row>; // the driver's cursor
 *
 * // A datasource's stream: every matching row in a total order, sort-only columns removed.
 * async function* stream(schema: TableSchema, options: StreamOptions = {}): AsyncIterable<Row> {
 *   const plan = planSelect(schema, options, { from: quoteIdentifier(schema.name), dialect });
 *   for await (const row of iterate(plan.sql, plan.params)) yield stripHidden([row], plan.hidden)[0] as Row;
 * }
 * ```
 */
export function stripHidden(rows: Row[], hidden: readonly string[]): Row[] {
  if (hidden.length === 0) return rows;
  for (const row of rows) for (const name of hidden) delete row[name];
  return rows;
}

/**
 * Turns the rows of a {@link planPage} query (already decoded to SDK values) into a page:
 * trims the extra row, restores order for `before` pages, and makes the cursors. It reuses
 * (and changes) the `fetched` array.
 *
 * @example
 * ```ts
 * import type { Page, ReadPageOptions, Row, TableSchema } from '@nocoflo/sdk';
 * import { finishPage, planPage, quoteIdentifier, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect;
 * declare function all(sql: string, params: unknown[]): Promise<Row[]>; // the driver's query, rows as SDK values
 *
 * // A datasource's readPage: validation, keyset SQL and cursors come from the SDK.
 * async function readPage(schema: TableSchema, options: ReadPageOptions): Promise<Page> {
 *   const plan = planPage(schema, options, { from: quoteIdentifier(schema.name), dialect });
 *   return finishPage(plan, await all(plan.sql, plan.params));
 * }
 * ```
 */
export function finishPage(plan: PagePlan, fetched: Row[]): Page {
  const hasMore = fetched.length > plan.limit;
  const rows = fetched;
  if (hasMore) rows.length = plan.limit;
  if (plan.mode === 'before') rows.reverse();
  const cursorOf = (row: Row | undefined, direction: 'after' | 'before') =>
    row
      ? encodeCursor({
          direction,
          values: plan.keys.map((key) => row[key.column.name] ?? null),
          sort: plan.fingerprint,
        })
      : null;
  const first = rows[0];
  const last = rows[rows.length - 1];
  let nextCursor: string | null;
  let prevCursor: string | null;
  if (plan.mode === 'before') {
    nextCursor = cursorOf(last, 'after');
    prevCursor = hasMore ? cursorOf(first, 'before') : null;
  } else {
    nextCursor = hasMore ? cursorOf(last, 'after') : null;
    prevCursor = plan.mode === 'after' ? cursorOf(first, 'before') : null;
  }
  return { rows: stripHidden(rows, plan.hidden), nextCursor, prevCursor };
}
