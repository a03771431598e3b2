import type { CellValue, ColumnSchema, TimeBucket } from '../datasource/types.js';

/** How a database writes bind parameters: `?` (SQLite, MySQL) or `$1, $2, …` (PostgreSQL). */
export type PlaceholderStyle = 'question' | 'dollar';

/**
 * What the shared SQL builders need to know about one database. A datasource plugin
 * declares one dialect; the builders in `@nocoflo/sdk/sql` produce SQL for it.
 */
export interface SqlDialect {
  /** Name for messages, e.g. `sqlite`. */
  readonly name: string;
  /** Bind-parameter style. */
  readonly placeholder: PlaceholderStyle;
  /**
   * Where the database puts NULLs when no `NULLS FIRST/LAST` is given: SQLite treats them as
   * the smallest value, PostgreSQL as the largest. nocoflo orders NULLs as smallest, so
   * `largest` dialects get explicit `NULLS FIRST` / `NULLS LAST` on nullable sort columns.
   */
  readonly nullsSortAs: 'smallest' | 'largest';
  /**
   * How to match text literally and case-sensitively: `like` where LIKE is case-sensitive
   * (PostgreSQL), `glob` where only GLOB is (SQLite).
   */
  readonly textMatch: 'like' | 'glob';
  /**
   * Whether `INSERT` and `UPDATE` can end in `RETURNING` (SQLite, PostgreSQL; default true).
   * Without it (MySQL), the write builders leave it out and the datasource reads the row
   * back by key with {@link planFetch}, in the same transaction.
   */
  readonly returning?: boolean;
  /**
   * How an `INSERT` that names no column is written after the table name. Default
   * `DEFAULT VALUES` (standard SQL); MySQL writes `() VALUES ()`.
   */
  readonly emptyInsert?: string;
  /** Converts a validated value into what the driver binds (e.g. booleans to 0/1 for SQLite). */
  toParam(value: CellValue, column: ColumnSchema): unknown;
  /** The SQL expression a text match is applied to (e.g. `col::text` for non-text PostgreSQL columns). */
  textOperand?(columnSql: string, column: ColumnSchema): string;
  /** An expression truncating a temporal column to a bucket, giving ISO date text (`YYYY-MM-DD`). */
  bucket(columnSql: string, bucket: TimeBucket, column: ColumnSchema): string;
  /**
   * The SQL of one measure. Default: `fn(col)` (and `count(*)` without a column). Dialects
   * override it to make sums and averages exact (e.g. `sum(col)::numeric`).
   */
  measure?(
    fn: 'count' | 'sum' | 'avg' | 'min' | 'max',
    columnSql: string | null,
    column: ColumnSchema | null,
  ): string;
}

/**
 * Collects bind parameters while SQL is built left to right, and hands out the matching
 * placeholder. With `?` placeholders the order of `add` calls must be the order in the text,
 * which every builder here keeps.
 *
 * @example
 * ```ts
 * import { SqlParams } from '@nocoflo/sdk/sql';
 *
 * const params = new SqlParams('dollar'); // PostgreSQL; 'question' for SQLite and MySQL
 * const sql = `SELECT * FROM "orders" WHERE "status" = ${params.add('open')} AND "total" > ${params.add(100)}`;
 * // sql: … "status" = $1 AND "total" > $2; params.values: ['open', 100]
 * ```
 */
export class SqlParams {
  /** The values, in placeholder order. */
  readonly values: unknown[] = [];

  /** @param style - The dialect's placeholder style. */
  constructor(private readonly style: PlaceholderStyle) {}

  /** Adds a value and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return this.style === 'question' ? '?' : `$${this.values.length}`;
  }
}
