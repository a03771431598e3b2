import {
  type AggregateFunction,
  type AggregateQuery,
  type ColumnSchema,
  NUMERIC_COLUMN_TYPES,
  type TableSchema,
  TEMPORAL_COLUMN_TYPES,
  type TimeBucket,
} from '../datasource/types.js';
import { type SqlDialect, SqlParams } from './dialect.js';
import { compileFilters } from './filter.js';
import { quoteIdentifier } from './quote.js';
import { boundedInteger, invalidQuery, requireColumn } from './schema.js';
import { compileSearch, type FullTextSearch } from './search.js';

const FUNCTIONS: readonly AggregateFunction[] = ['count', 'sum', 'avg', 'min', 'max'];
const BUCKETS: readonly TimeBucket[] = ['year', 'month', 'day'];

/** One output column of an aggregate query, so the caller can decode it. */
export type AggregateOutput =
  | {
      /** A group key. */
      kind: 'key';
      /** Output column name. */
      name: string;
      /** The grouped column. */
      column: ColumnSchema;
      /** The time bucket a temporal key is truncated to. */
      bucket?: TimeBucket;
    }
  | {
      /** A measure. */
      kind: 'measure';
      /** Output column name. */
      name: string;
      /** The aggregate function. */
      fn: AggregateFunction;
      /** The measured column; null for `count(*)`. */
      column: ColumnSchema | null;
    };

/** An aggregate query ready to run. */
export interface AggregatePlan {
  /** The SQL text. */
  readonly sql: string;
  /** Bind parameters, in placeholder order. */
  readonly params: unknown[];
  /** The output columns, keys first, in result order. */
  readonly outputs: readonly AggregateOutput[];
}

/**
 * Builds a GROUP BY query run entirely by the database. Validates keys, buckets (temporal
 * columns only), measures (`sum`/`avg` on numeric columns only), output names (unique),
 * the sort (by output names) and the limit (default 1,000, at most 100,000).
 *
 * @example
 * ```ts
 * import type { AggregateQuery, AggregateResult, Row, TableSchema } from '@nocoflo/sdk';
 * import { planAggregate, quoteIdentifier, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect;
 * declare function all(sql: string, params: unknown[]): Promise<Row[]>;
 *
 * async function aggregate(schema: TableSchema, query: AggregateQuery): Promise<AggregateResult> {
 *   const plan = planAggregate(schema, query, { from: quoteIdentifier(schema.name), dialect });
 *   // plan.outputs names the result columns (keys first) and what each one is.
 *   return { rows: await all(plan.sql, plan.params) };
 * }
 * // e.g. revenue per month: { groupBy: [{ column: 'created_at', bucket: 'month' }], measures: [{ fn: 'sum', column: 'total', as: 'revenue' }] }
 * ```
 */
export function planAggregate(
  schema: TableSchema,
  query: AggregateQuery,
  context: { from: string; dialect: SqlDialect; fullText?: FullTextSearch },
): AggregatePlan {
  if (!query || typeof query !== 'object')
    invalidQuery('aggregate needs { groupBy?, measures, filter?, sort?, limit? }');
  const { dialect } = context;
  const params = new SqlParams(dialect.placeholder);
  const outputs: AggregateOutput[] = [];
  const names = new Set<string>();
  const claim = (name: string) => {
    if (names.has(name)) invalidQuery(`two outputs are named ${JSON.stringify(name)}; give one an "as"`);
    names.add(name);
  };
  const select: string[] = [];

  if (query.groupBy !== undefined && !Array.isArray(query.groupBy)) invalidQuery('groupBy must be an array');
  for (const entry of query.groupBy ?? []) {
    const spec = typeof entry === 'string' ? { column: entry } : entry;
    if (!spec || typeof spec !== 'object')
      invalidQuery('each groupBy entry must be a column name or { column, bucket?, as? }');
    const column = requireColumn(schema, spec.column);
    const name = spec.as ?? column.name;
    if (typeof name !== 'string' || name === '') invalidQuery('"as" must be a non-empty string');
    claim(name);
    let expression = quoteIdentifier(column.name);
    if (spec.bucket !== undefined) {
      if (!BUCKETS.includes(spec.bucket)) invalidQuery(`bucket must be one of ${BUCKETS.join(', ')}`);
      if (!TEMPORAL_COLUMN_TYPES.includes(column.type)) {
        invalidQuery(
          `column ${column.name} is ${column.type}; only date and timestamp columns can be bucketed`,
        );
      }
      expression = dialect.bucket(expression, spec.bucket, column);
      outputs.push({ kind: 'key', name, column, bucket: spec.bucket });
    } else {
      outputs.push({ kind: 'key', name, column });
    }
    select.push(`${expression} AS ${quoteIdentifier(name)}`);
  }
  const keyCount = outputs.length;

  if (!Array.isArray(query.measures) || query.measures.length === 0) {
    invalidQuery('aggregate needs at least one measure, e.g. { fn: "count" }');
  }
  for (const measure of query.measures) {
    if (!measure || !FUNCTIONS.includes(measure.fn)) {
      invalidQuery(
        `measure function must be one of ${FUNCTIONS.join(', ')}, got ${JSON.stringify(measure?.fn)}`,
      );
    }
    let column: ColumnSchema | null = null;
    if (measure.column !== undefined) column = requireColumn(schema, measure.column);
    else if (measure.fn !== 'count') invalidQuery(`measure "${measure.fn}" needs a column`);
    if (
      (measure.fn === 'sum' || measure.fn === 'avg') &&
      column &&
      !NUMERIC_COLUMN_TYPES.includes(column.type)
    ) {
      invalidQuery(
        `cannot ${measure.fn} column ${column.name} of type ${column.type}; pick a numeric column`,
      );
    }
    const name = measure.as ?? (column ? `${measure.fn}_${column.name}` : measure.fn);
    if (typeof name !== 'string' || name === '') invalidQuery('"as" must be a non-empty string');
    claim(name);
    const columnSql = column ? quoteIdentifier(column.name) : null;
    const expression = dialect.measure
      ? dialect.measure(measure.fn, columnSql, column)
      : `${measure.fn}(${columnSql ?? '*'})`;
    select.push(`${expression} AS ${quoteIdentifier(name)}`);
    outputs.push({ kind: 'measure', name, fn: measure.fn, column });
  }

  let sql = `SELECT ${select.join(', ')} FROM ${context.from}`;
  const conditions = compileFilters(schema, query.filter, dialect, params);
  conditions.push(...compileSearch(schema, query.search, dialect, params, context.fullText));
  if (conditions.length > 0) sql += ` WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}`;
  if (keyCount > 0)
    sql += ` GROUP BY ${outputs
      .slice(0, keyCount)
      .map((_, i) => i + 1)
      .join(', ')}`;

  if (query.sort !== undefined && !Array.isArray(query.sort)) invalidQuery('sort must be an array');
  // Group keys not sorted on explicitly follow, ascending, so the order of groups is total.
  const requested = query.sort ?? [];
  const sort = [
    ...requested,
    ...outputs
      .slice(0, keyCount)
      .filter((output) => !requested.some((spec) => spec?.column === output.name))
      .map((output) => ({ column: output.name, direction: 'asc' as const })),
  ];
  const order = sort.map((spec) => {
    const index = outputs.findIndex((output) => output.name === spec?.column);
    if (index < 0) {
      invalidQuery(
        `aggregates sort by output names (${outputs.map((o) => o.name).join(', ')}), not ${JSON.stringify(spec?.column)}`,
      );
    }
    const direction = spec.direction ?? 'asc';
    if (direction !== 'asc' && direction !== 'desc') invalidQuery('sort direction must be "asc" or "desc"');
    // Sort by position: valid in both dialects, and NULLs are placed as the smallest value.
    let term = `${index + 1} ${direction.toUpperCase()}`;
    if (dialect.nullsSortAs === 'largest') term += direction === 'asc' ? ' NULLS FIRST' : ' NULLS LAST';
    return term;
  });
  if (order.length > 0) sql += ` ORDER BY ${order.join(', ')}`;
  // A validated integer, written into the SQL as page queries do: some servers (MySQL) refuse
  // a LIMIT bound as a floating-point parameter, which is how drivers send JS numbers.
  const limit = boundedInteger(query.limit, 'limit', 1000, 1, 100_000);
  sql += ` LIMIT ${limit}`;
  return { sql, params: params.values, outputs };
}
