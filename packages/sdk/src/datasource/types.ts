/**
 * The contract between the host (and views) and a datasource plugin. A `Datasource` is
 * one open connection (or pool) to one database; it is created by a
 * {@link DatasourceDefinition} registered for one or more URL schemes.
 */

/**
 * Column types normalised across databases. Datasources map their native types onto
 * these (keeping the original in {@link ColumnSchema.nativeType}).
 *
 * - `integer`: whole numbers. Read as `number` within ±2^53−1, as `bigint` beyond it.
 * - `decimal`: exact numbers (NUMERIC). Always read as a `string` so no digit is lost.
 * - `float`: binary floating point, read as `number`.
 * - `date` / `time` / `timestamp` / `timestamptz`: read as ISO-8601 strings;
 *   `timestamptz` keeps its offset.
 * - `json`: the parsed JSON value. `binary`: `Uint8Array`. `array`: a JS array.
 */
export type ColumnType =
  | 'text'
  | 'integer'
  | 'decimal'
  | 'float'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'json'
  | 'uuid'
  | 'binary'
  | 'array'
  | 'enum'
  | 'unknown';

/** Every {@link ColumnType}, for validation and exhaustive tests. */
export const COLUMN_TYPES: readonly ColumnType[] = [
  'text',
  'integer',
  'decimal',
  'float',
  'boolean',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'json',
  'uuid',
  'binary',
  'array',
  'enum',
  'unknown',
];

/** Column types whose values are numbers a chart can measure. */
export const NUMERIC_COLUMN_TYPES: readonly ColumnType[] = ['integer', 'decimal', 'float'];

/** Column types whose values are points in time. */
export const TEMPORAL_COLUMN_TYPES: readonly ColumnType[] = ['date', 'timestamp', 'timestamptz'];

/**
 * One cell value as datasources read and accept it. See {@link ColumnType} for which JS
 * type each column type uses.
 */
export type CellValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Uint8Array
  | readonly CellValue[]
  | { readonly [key: string]: unknown };

/** One row: column name → value. */
export type Row = Record<string, CellValue>;

/** The values of a row's primary-key columns, identifying exactly one row. */
export type RowKey = Record<string, CellValue>;

/** One column of a table. */
export interface ColumnSchema {
  /** Column name exactly as the database spells it. */
  name: string;
  /** Normalised type. */
  type: ColumnType;
  /** The database's own type name, e.g. `VARCHAR(80)`, `numeric(10,2)`, `int8[]`. */
  nativeType: string;
  /** Whether NULL is allowed. */
  nullable: boolean;
  /** Whether the database fills the column when an insert omits it (default, serial, identity, rowid). */
  hasDefault: boolean;
  /** Whether the column is computed by the database and cannot be written. */
  generated?: boolean;
  /** For `enum` columns: the allowed values, in order. */
  enumValues?: readonly string[];
  /** For `array` columns: the normalised element type. */
  elementType?: ColumnType;
}

/** A foreign key: these columns reference those columns of another table. */
export interface ForeignKey {
  /** Columns of this table, in key order. */
  columns: readonly string[];
  /** The referenced table (as {@link Datasource.listTables} names it). */
  referencedTable: string;
  /** The referenced columns, in the same order. */
  referencedColumns: readonly string[];
}

/** Everything a view or the host needs to know about a table. */
export interface TableSchema {
  /** The table's name as the datasource lists it (schema-qualified where the database has schemas). */
  name: string;
  /** Base table or (read-only) view. */
  kind: 'table' | 'view';
  /** Columns in table order. */
  columns: readonly ColumnSchema[];
  /**
   * Primary-key columns in key order; possibly composite. Empty when the table has no key
   * (such a table can be read but not updated or deleted by key).
   */
  primaryKey: readonly string[];
  /** Foreign keys of this table. */
  foreignKeys: readonly ForeignKey[];
  /** Whether insert, update and delete are possible (base table, key, writable datasource). */
  writable: boolean;
  /** A cheap estimate of the row count, when the database keeps one. */
  rowCountEstimate?: number;
  /** How a query's `search` text is matched; absent when the table cannot be searched. */
  search?: TableSearch;
}

/** One entry of {@link Datasource.listTables}. */
export interface TableInfo {
  /** The table's name, usable in every other call. */
  name: string;
  /** Base table or view. */
  kind: 'table' | 'view';
  /** A cheap estimate of the row count, when the database keeps one. */
  rowCountEstimate?: number;
}

/** Sort direction. */
export type SortDirection = 'asc' | 'desc';

/** One sort key. Rows are always ordered by the primary key last, so order is total. */
export interface SortSpec {
  /** Column to sort by. */
  column: string;
  /** Direction; NULLs sort first ascending and last descending (as if smallest). */
  direction: SortDirection;
}

/** Filter operators. All comparisons are done by the database. */
export type FilterOperator =
  | 'eq'
  | 'neq'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'in'
  | 'notIn'
  | 'contains'
  | 'startsWith'
  | 'endsWith'
  | 'isNull'
  | 'isNotNull';

/** Every {@link FilterOperator}. */
export const FILTER_OPERATORS: readonly FilterOperator[] = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'endsWith',
  'isNull',
  'isNotNull',
];

/**
 * One filter condition; a query's filters are combined with AND.
 * `contains`, `startsWith` and `endsWith` match text literally (`%` and `_` are not
 * wildcards) and ignore case unless `caseSensitive` is true (ASCII letters everywhere; other
 * letters where the database lowercases them: PostgreSQL, MySQL; see
 * {@link DatasourceCapabilities.caseInsensitiveText} for datasources that cannot ignore case). `in` and `notIn` take an array value (SQL datasources
 * take at most 30,000 values across a query's lists: each is a bound parameter); `isNull` and
 * `isNotNull` take none. `neq` does not match NULLs (SQL semantics).
 */
export interface Filter {
  /** Column the condition is on. */
  column: string;
  /** Operator. */
  op: FilterOperator;
  /** Operand; an array for `in` / `notIn`, absent for `isNull` / `isNotNull`. */
  value?: CellValue | readonly CellValue[];
  /** For `contains`, `startsWith` and `endsWith`: match upper and lower case apart. Default false. */
  caseSensitive?: boolean;
}

/**
 * Conditions combined with OR (`{ or: [...] }`) or AND (`{ and: [...] }`). Groups nest (at
 * most {@link MAX_FILTER_DEPTH} levels). An empty `or` matches no row, an empty `and` every row.
 *
 * @example
 * ```ts
 * import type { FilterCondition } from '@nocoflo/sdk';
 * // quantity >= 5 AND (sku = 'apple' OR sku = 'fig')
 * const filter: FilterCondition[] = [
 *   { column: 'quantity', op: 'gte', value: 5 },
 *   { or: [{ column: 'sku', op: 'eq', value: 'apple' }, { column: 'sku', op: 'eq', value: 'fig' }] },
 * ];
 * ```
 */
export type FilterGroup =
  | {
      /** Conditions of which at least one must hold. */
      readonly or: readonly FilterCondition[];
    }
  | {
      /** Conditions that must all hold. */
      readonly and: readonly FilterCondition[];
    };

/** One entry of a query's `filter`: a single {@link Filter}, or a {@link FilterGroup} of them. */
export type FilterCondition = Filter | FilterGroup;

/** How deep {@link FilterGroup}s may nest. */
export const MAX_FILTER_DEPTH = 8;

/** Whether a filter entry is a {@link FilterGroup} (`{ or }` / `{ and }`) rather than one condition. */
export function isFilterGroup(condition: FilterCondition): condition is FilterGroup {
  return (
    typeof condition === 'object' &&
    condition !== null &&
    !('column' in condition) &&
    ('or' in condition || 'and' in condition)
  );
}

/**
 * How a table is searched by a query's `search` text (see {@link ReadPageOptions.search}),
 * as {@link Datasource.describeTable} reports it. Absent: the table cannot be searched.
 */
export interface TableSearch {
  /**
   * `fulltext`: the database's full-text index (SQLite FTS5, PostgreSQL `tsvector`), which
   * matches words and word prefixes; `substring`: each word anywhere in a text column,
   * ignoring case (`LIKE`).
   */
  method: 'fulltext' | 'substring';
  /** The columns searched. */
  columns: readonly string[];
  /** The full-text index used (an FTS5 table, an index name), for `fulltext`. */
  index?: string;
}

/** Options of {@link Datasource.readPage}. */
export interface ReadPageOptions {
  /** Rows per page, 1–10,000. Default 100. */
  limit?: number;
  /** Sort keys; the primary key is appended so the order is total. */
  sort?: readonly SortSpec[];
  /** Conditions, combined with AND; a {@link FilterGroup} combines its own with OR or AND. */
  filter?: readonly FilterCondition[];
  /**
   * Quick search: only rows where every word of the text is found in one of the table's
   * searched columns ({@link TableSchema.search}), ignoring case. Refused with
   * `NCF_UNSUPPORTED` on a table that reports no `search`.
   */
  search?: string;
  /**
   * Opaque keyset cursor from a previous page's `nextCursor` or `prevCursor`. Paging with
   * cursors neither skips nor repeats rows, even while rows are inserted. A cursor is only
   * valid with the same sort it was produced with.
   */
  cursor?: string | null;
  /** Columns to return (default: all). Key columns are always returned. */
  columns?: readonly string[];
}

/** One page of rows. */
export interface Page {
  /** The rows, in sort order. */
  rows: Row[];
  /** Cursor of the page after this one, or null when this is the last page. */
  nextCursor: string | null;
  /** Cursor of the page before this one, or null when this is the first page. */
  prevCursor: string | null;
  /** Estimated total rows matching (may be absent; never a full count on big tables). */
  estimatedTotal?: number;
}

/** Options of {@link Datasource.stream}. */
export interface StreamOptions {
  /** Sort keys (default: primary key). */
  sort?: readonly SortSpec[];
  /** Conditions, combined with AND; a {@link FilterGroup} combines its own with OR or AND. */
  filter?: readonly FilterCondition[];
  /** Quick search, as {@link ReadPageOptions.search}. */
  search?: string;
  /** Columns to return (default: all). */
  columns?: readonly string[];
  /** Rows fetched from the database per round trip. Default 1,000. */
  batchSize?: number;
  /** Aborting stops the stream and releases its resources. */
  signal?: AbortSignal;
}

/** Aggregate functions, all computed by the database. */
export type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** Time buckets for grouping a temporal column. */
export type TimeBucket = 'year' | 'month' | 'day';

/** One grouping key: a column, optionally truncated to a time bucket. */
export interface GroupBySpec {
  /** Column to group by. */
  column: string;
  /** For temporal columns: truncate to this bucket (the key is then an ISO date string). */
  bucket?: TimeBucket;
  /** Name of the key in result rows (default: the column name). */
  as?: string;
}

/** One measure of an aggregate query. */
export interface MeasureSpec {
  /** Function. */
  fn: AggregateFunction;
  /** Column measured; omit for `count` to count rows. */
  column?: string;
  /** Name of the measure in result rows (default: `fn` or `fn_column`). */
  as?: string;
}

/** An aggregate query: group by keys, compute measures. */
export interface AggregateQuery {
  /** Grouping keys (empty for one overall row). */
  groupBy?: readonly (string | GroupBySpec)[];
  /** Measures; at least one. */
  measures: readonly MeasureSpec[];
  /** Conditions applied before grouping; a {@link FilterGroup} combines its own with OR or AND. */
  filter?: readonly FilterCondition[];
  /** Quick search applied before grouping, as {@link ReadPageOptions.search}. */
  search?: string;
  /** Order of result rows by key or measure name (default: by the group keys ascending). */
  sort?: readonly SortSpec[];
  /** Maximum groups returned (default 1,000, at most 100,000). */
  limit?: number;
}

/**
 * Result of an aggregate query. `sum` and `avg` of integer/decimal columns are exact
 * decimal strings where the database computes them exactly; `count` is a number.
 */
export interface AggregateResult {
  /** One row per group: the keys, then the measures. */
  rows: Row[];
}

/** What a successful {@link Datasource.testConnection} reports. */
export interface ConnectionInfo {
  /** Always true (failures reject with a NocofloError). */
  ok: true;
  /** Database product and version, e.g. `SQLite 3.46.1`. */
  serverVersion: string;
  /** Round-trip time of a trivial query, in milliseconds. */
  latencyMs: number;
}

/**
 * What a datasource can do. SQL datasources can do everything; a datasource over a
 * narrower source (a REST API) declares what it cannot, and refuses those requests with
 * `NCF_UNSUPPORTED` (writes with `NCF_READ_ONLY`) instead of answering them wrongly.
 */
export interface DatasourceCapabilities {
  /** Insert, update and delete are possible (not opened read-only). */
  write: boolean;
  /** Row-count estimates are cheap. */
  estimates: boolean;
  /** Whether {@link Datasource.stream} reads every row. Default true. */
  stream?: boolean;
  /** Whether {@link Datasource.aggregate} runs aggregates. Default true. */
  aggregate?: boolean;
  /**
   * Whether reads take a `sort` on any column. Default true. A datasource that sorts on some
   * columns only says so per table in its README and refuses the others.
   */
  sort?: boolean;
  /**
   * The filter operators reads accept (on at least some columns). Default: every
   * {@link FilterOperator}.
   */
  filterOperators?: readonly FilterOperator[];
  /**
   * Whether text filters (`contains`, `startsWith`, `endsWith`) ignore case unless a filter
   * says `caseSensitive: true`. Default true. A datasource whose source cannot (an API that
   * only matches exactly) says false: its text filters then match case-sensitively always.
   */
  caseInsensitiveText?: boolean;
  /**
   * Whether reads and aggregates take {@link FilterGroup}s (`{ or }`, `{ and }`) in their
   * `filter`. Default true (the SDK's SQL helpers compile them); a datasource that cannot
   * refuses them with `NCF_UNSUPPORTED`.
   */
  filterGroups?: boolean;
  /**
   * Whether reads and aggregates take a `search` text, on the tables whose schema reports
   * {@link TableSchema.search}. Default false: a datasource that does not say so is not asked.
   */
  search?: boolean;
  /**
   * Whether {@link Datasource.update} and {@link Datasource.delete} honour
   * {@link WriteOptions.ifVersion}: the version check and the write happen atomically in the
   * database (the row locked in one transaction), so hosts sharing the database cannot both
   * write over the same version. Default false: the host then checks versions itself, which
   * serialises writes of one host only.
   */
  conditionalWrites?: boolean;
}

/** Options of {@link Datasource.update} and {@link Datasource.delete}. */
export interface WriteOptions {
  /**
   * The version (`rowVersion(row)`) the row must still have. The datasource reads the row
   * and writes it in one transaction, with the row locked against other writers, and rejects
   * `NCF_ROW_CHANGED` (with `details.current` and `details.version`) when it has another
   * version, `NCF_ROW_NOT_FOUND` when it is gone. Only datasources that declare
   * {@link DatasourceCapabilities.conditionalWrites} honour it.
   */
  ifVersion?: string;
}

/**
 * An open datasource. Every method validates table and column names against the schema
 * and rejects with a {@link NocofloError} (`NCF_TABLE_NOT_FOUND`, `NCF_COLUMN_NOT_FOUND`,
 * `NCF_INVALID_QUERY`, …), never a raw driver error. Identifiers are quoted and values are
 * bound as parameters, always.
 *
 * @example
 * ```ts
 * import type { Datasource } from '@nocoflo/sdk';
 * declare const ds: Datasource; // e.g. from `host.datasources.open('sqlite:./shop.db')`
 *
 * const tables = await ds.listTables();
 * const orders = await ds.describeTable(tables[0]?.name ?? 'orders');
 *
 * // Pages follow opaque keyset cursors: no row is skipped or repeated while rows are inserted.
 * let cursor: string | null = null;
 * do {
 *   const page = await ds.readPage(orders.name, {
 *     limit: 500,
 *     sort: [{ column: 'created_at', direction: 'desc' }],
 *     filter: [{ column: 'status', op: 'eq', value: 'open' }],
 *     cursor,
 *   });
 *   for (const row of page.rows) console.log(row);
 *   cursor = page.nextCursor;
 * } while (cursor);
 *
 * if (ds.capabilities.write) {
 *   const row = await ds.insert('orders', { status: 'open', total: '12.50' });
 *   await ds.update('orders', { id: row.id ?? null }, { status: 'shipped' });
 * }
 * await ds.close();
 * ```
 */
export interface Datasource {
  /** The URL it was opened with (credentials removed). */
  readonly url: string;
  /** What it can do. */
  readonly capabilities: DatasourceCapabilities;
  /** Tables and views, sorted by name. */
  listTables(): Promise<TableInfo[]>;
  /** Columns, key and foreign keys of one table. */
  describeTable(table: string): Promise<TableSchema>;
  /** One page of rows, with keyset cursors. */
  readPage(table: string, options?: ReadPageOptions): Promise<Page>;
  /**
   * Every matching row, fetched in batches with flat memory. Its iterator may also offer
   * the batch read, `nextBatch(max)` (see the SDK's `RowBatchIterator`): optional, and worth it
   * when the driver reads rows in batches anyway.
   */
  stream(table: string, options?: StreamOptions): AsyncIterable<Row>;
  /** Group-by aggregates, computed in the database. */
  aggregate(table: string, query: AggregateQuery): Promise<AggregateResult>;
  /** Inserts one row and returns it as stored (with generated keys and defaults). */
  insert(table: string, values: Row): Promise<Row>;
  /**
   * Updates the row with this key; returns it as stored. Rejects `NCF_ROW_NOT_FOUND` if no row
   * has the key, and `NCF_ROW_CHANGED` if `options.ifVersion` is not its version (see `WriteOptions`).
   */
  update(table: string, key: RowKey, changes: Row, options?: WriteOptions): Promise<Row>;
  /**
   * Deletes the row with this key. Rejects `NCF_ROW_NOT_FOUND` if no row has the key, and
   * `NCF_ROW_CHANGED` if `options.ifVersion` is not its version (see `WriteOptions`).
   */
  delete(table: string, key: RowKey, options?: WriteOptions): Promise<void>;
  /** Checks the connection; rejects with `NCF_CONNECTION_FAILED` and a hint. */
  testConnection(): Promise<ConnectionInfo>;
  /** Releases every resource. Idempotent; afterwards every call rejects `NCF_DATASOURCE_CLOSED`. */
  close(): Promise<void>;
  /**
   * The most database connections it may hold at once (its pool size), for a datasource
   * that pools connections; the host counts it against its budget of connections.
   */
  readonly maxConnections?: number;
}

/** Options the host passes when opening a datasource. */
export interface DatasourceOpenOptions {
  /** Open without write access. */
  readOnly?: boolean;
  /** Folder where relative file paths (e.g. `sqlite:./data.db`) are resolved. Default: the host root. */
  cwd?: string;
  /**
   * The most connections the datasource may hold: what the host can still spare of its
   * budget, at most a default pool's share (10) unless the caller asked for more. A pooling
   * datasource keeps its pool at most this large, whatever its URL says.
   */
  maxConnections?: number;
}

/**
 * A datasource factory contributed by a plugin: it opens URLs of its schemes.
 */
export interface DatasourceDefinition {
  /** Unique name, e.g. `sqlite`. */
  name: string;
  /** URL schemes without the colon, e.g. `['sqlite', 'sqlite3']`. */
  schemes: readonly string[];
  /** One line for the admin page. */
  description?: string;
  /** Opens a datasource for the URL. Rejects `NCF_CONNECTION_FAILED` when it cannot. */
  open(url: string, options: DatasourceOpenOptions): Promise<Datasource>;
}
