import {
  type CellValue,
  FILTER_OPERATORS,
  type Filter,
  type FilterCondition,
  isFilterGroup,
  MAX_FILTER_DEPTH,
  type TableSchema,
} from '../datasource/types.js';
import type { SqlDialect, SqlParams } from './dialect.js';
import { escapeGlob, escapeLike, quoteIdentifier } from './quote.js';
import { invalidQuery, requireColumn } from './schema.js';
import { validateValue } from './values.js';

/**
 * The most values one query's filters may bind (`in` / `notIn` lists are where many come
 * from). Databases cap bound parameters per statement (SQLite at 32,766; PostgreSQL's wire
 * protocol at 65,535); past the cap the database's own error says nothing about the
 * filter. The margin leaves room for the cursor's values.
 */
const MAX_BOUND_VALUES = 30_000;

const COMPARISONS = { eq: '=', neq: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

/** A LIKE pattern matching `text` literally, as a substring, prefix or suffix. */
function likePattern(op: 'contains' | 'startsWith' | 'endsWith', text: string): string {
  const body = escapeLike(text);
  return op === 'contains' ? `%${body}%` : op === 'startsWith' ? `${body}%` : `%${body}`;
}

function textPattern(
  dialect: SqlDialect,
  op: 'contains' | 'startsWith' | 'endsWith',
  text: string,
): { operator: string; pattern: string } {
  if (dialect.textMatch === 'glob') {
    const body = escapeGlob(text);
    const pattern = op === 'contains' ? `*${body}*` : op === 'startsWith' ? `${body}*` : `*${body}`;
    return { operator: 'GLOB', pattern };
  }
  return { operator: 'LIKE', pattern: likePattern(op, text) };
}

/**
 * Compiles filters into SQL conditions (to be joined with AND), binding every operand as a
 * parameter. Column names are checked against the schema and operands against the
 * column types, so a bad filter fails with `NCF_COLUMN_NOT_FOUND`, `NCF_INVALID_QUERY` or
 * `NCF_INVALID_VALUE` before any SQL runs. A filter group (`{ or: [...] }`,
 * `{ and: [...] }`) becomes one parenthesised condition; groups nest up to
 * `MAX_FILTER_DEPTH` levels.
 *
 * `eq null` and `neq null` mean IS NULL / IS NOT NULL; text operators match literally,
 * ignoring case unless the filter says `caseSensitive: true`.
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { compileFilters, quoteIdentifier, SqlParams, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema;
 * declare const dialect: SqlDialect;
 *
 * const params = new SqlParams(dialect.placeholder);
 * const where = compileFilters(
 *   schema,
 *   [
 *     { column: 'status', op: 'in', value: ['open', 'paid'] },
 *     { column: 'note', op: 'contains', value: '50%' }, // literal: % is not a wildcard
 *     { column: 'shipped_at', op: 'isNull' },
 *   ],
 *   dialect,
 *   params,
 * );
 * const sql = `SELECT * FROM ${quoteIdentifier(schema.name)} WHERE ${where.join(' AND ')}`;
 * // run sql with params.values
 * ```
 */
export function compileFilters(
  schema: TableSchema,
  filters: readonly FilterCondition[] | undefined,
  dialect: SqlDialect,
  params: SqlParams,
): string[] {
  if (filters === undefined || filters === null) return [];
  if (!Array.isArray(filters)) invalidQuery('filter must be an array of { column, op, value }');
  return (filters as readonly FilterCondition[]).map((condition) =>
    compileCondition(schema, condition, dialect, params, 1),
  );
}

function compileCondition(
  schema: TableSchema,
  condition: FilterCondition,
  dialect: SqlDialect,
  params: SqlParams,
  depth: number,
): string {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition))
    invalidQuery(
      'each filter must be an object { column, op, value } or a group { or: [...] } / { and: [...] }',
    );
  if (!isFilterGroup(condition)) return compileFilter(schema, condition, dialect, params);
  if (depth >= MAX_FILTER_DEPTH) invalidQuery(`filter groups may nest at most ${MAX_FILTER_DEPTH} levels`);
  const isOr = 'or' in condition;
  if (isOr && 'and' in condition) invalidQuery('a filter group has either "or" or "and", not both');
  const members = isOr
    ? (condition as { or: readonly FilterCondition[] }).or
    : (condition as { and: readonly FilterCondition[] }).and;
  if (!Array.isArray(members)) invalidQuery(`"${isOr ? 'or' : 'and'}" of a filter group must be an array`);
  // Nothing satisfies "any of none"; everything satisfies "all of none".
  if (members.length === 0) return isOr ? '1 = 0' : '1 = 1';
  const parts = members.map((member) => `(${compileCondition(schema, member, dialect, params, depth + 1)})`);
  return parts.join(isOr ? ' OR ' : ' AND ');
}

function compileFilter(schema: TableSchema, filter: Filter, dialect: SqlDialect, params: SqlParams): string {
  const conditions: string[] = [];
  {
    const column = requireColumn(schema, filter.column);
    const sql = quoteIdentifier(column.name);
    const op = filter.op;
    if (!FILTER_OPERATORS.includes(op)) {
      invalidQuery(
        `unknown filter operator ${JSON.stringify(op)}; use one of ${FILTER_OPERATORS.join(', ')}`,
      );
    }
    const bind = (value: unknown) =>
      params.add(dialect.toParam(validateValue(schema.name, column, value), column));
    switch (op) {
      case 'isNull':
        conditions.push(`${sql} IS NULL`);
        break;
      case 'isNotNull':
        conditions.push(`${sql} IS NOT NULL`);
        break;
      case 'eq':
      case 'neq':
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        if (filter.value === undefined) invalidQuery(`filter "${op}" on ${column.name} needs a value`);
        if (Array.isArray(filter.value) && column.type !== 'array' && column.type !== 'json') {
          invalidQuery(`filter "${op}" on ${column.name} takes one value; use "in" for a list`);
        }
        if (filter.value === null) {
          if (op === 'eq') conditions.push(`${sql} IS NULL`);
          else if (op === 'neq') conditions.push(`${sql} IS NOT NULL`);
          else invalidQuery(`filter "${op}" on ${column.name} cannot compare with null`);
          break;
        }
        conditions.push(`${sql} ${COMPARISONS[op]} ${bind(filter.value)}`);
        break;
      }
      case 'in':
      case 'notIn': {
        if (!Array.isArray(filter.value))
          invalidQuery(`filter "${op}" on ${column.name} needs an array value`);
        const values = filter.value as readonly CellValue[];
        if (params.values.length + values.length > MAX_BOUND_VALUES) {
          const n = (count: number) => count.toLocaleString('en-US');
          invalidQuery(
            `filter "${op}" on ${column.name} has ${n(values.length)} values, and one query's filters may bind at most ${n(MAX_BOUND_VALUES)}; filter on a range, or split the list over several reads`,
          );
        }
        if (values.length === 0) {
          // Nothing is in an empty list; everything is outside it.
          conditions.push(op === 'in' ? '1 = 0' : '1 = 1');
          break;
        }
        const list = values.map(bind).join(', ');
        conditions.push(`${sql} ${op === 'in' ? 'IN' : 'NOT IN'} (${list})`);
        break;
      }
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        if (typeof filter.value !== 'string') {
          invalidQuery(`filter "${op}" on ${column.name} needs a string value`);
        }
        if (filter.caseSensitive !== undefined && typeof filter.caseSensitive !== 'boolean') {
          invalidQuery(`filter "${op}" on ${column.name}: caseSensitive must be true or false`);
        }
        const operand = dialect.textOperand ? dialect.textOperand(sql, column) : sql;
        if (filter.caseSensitive !== true) {
          // Both sides lowercased by the database itself, so they fold the same way.
          const pattern = likePattern(op, filter.value);
          conditions.push(`lower(${operand}) LIKE lower(${params.add(pattern)}) ESCAPE '\\'`);
          break;
        }
        const { operator, pattern } = textPattern(dialect, op, filter.value);
        const escapeClause = operator === 'LIKE' ? ` ESCAPE '\\'` : '';
        conditions.push(`${operand} ${operator} ${params.add(pattern)}${escapeClause}`);
        break;
      }
    }
  }
  return conditions[0] as string;
}
