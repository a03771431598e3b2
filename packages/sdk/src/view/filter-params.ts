/**
 * The filter of a table page as URL parameters, shared by every view (the table, the chart)
 * so that a link from one view to another keeps what the user filtered:
 *
 * - condition 0: `fcol`, `fop`, `fval`, `fcase=1`; condition n: `fcol<n>`, `fop<n>`, … (n ≥ 1);
 * - `fmatch=any`: the conditions combine with OR (default: all of them hold);
 * - `q`: quick-search text.
 *
 * Bookmarkable, and the browser's Back button restores an earlier filter. Invalid
 * conditions (an unknown column or operator) are left out with a notice.
 */
import type {
  CellValue,
  ColumnSchema,
  FilterCondition,
  FilterOperator,
  TableSchema,
} from '../datasource/types.js';
import { FILTER_OPERATORS, NUMERIC_COLUMN_TYPES } from '../datasource/types.js';
import { parseBooleanText } from '../values/codec.js';

/** The most conditions a page's URL holds. */
export const MAX_URL_FILTERS = 20;

/** One condition as the URL carries it (the value as typed). */
export interface UrlFilter {
  /** The column. */
  column: string;
  /** The operator. */
  op: FilterOperator;
  /** The value as typed (comma-separated for `in` / `notIn`). */
  value: string;
  /** Text operators match upper and lower case apart. */
  caseSensitive?: boolean;
}

/** A page's filter as the URL carries it. */
export interface UrlFilterState {
  /** The conditions, in URL order. */
  filters: UrlFilter[];
  /** How they combine: `all` (AND, the default) or `any` (OR). */
  match: 'all' | 'any';
  /** Quick-search text, if any. */
  search?: string;
}

/** The parsed URL filter, the read it implies, and notices about left-out parameters. */
export interface ParsedUrlFilter {
  /** What the URL says (valid conditions only). */
  state: UrlFilterState;
  /** One datasource condition per entry of `state.filters`, same order. */
  conditions: FilterCondition[];
  /** Parameters that were left out, in words. */
  notices: string[];
}

const VALUELESS: readonly FilterOperator[] = ['isNull', 'isNotNull'];
const LIST_OPERATORS: readonly FilterOperator[] = ['in', 'notIn'];
const TEXT_OPERATORS: readonly FilterOperator[] = ['contains', 'startsWith', 'endsWith'];

/** Whether a URL parameter belongs to the shared filter (and should follow the user across views). */
export function isFilterParam(name: string): boolean {
  return /^(fcol|fop|fval|fcase)\d*$/.test(name) || name === 'fmatch' || name === 'q';
}

/**
 * Converts filter text typed by a person to the value the column compares with: numbers
 * for numeric columns, booleans for boolean ones, text otherwise (the datasource checks).
 */
export function coerceFilterText(column: ColumnSchema, text: string): CellValue {
  const trimmed = text.trim();
  if (NUMERIC_COLUMN_TYPES.includes(column.type) && column.type !== 'decimal') {
    const n = Number(trimmed);
    if (trimmed !== '' && Number.isFinite(n)) return n;
  }
  if (column.type === 'boolean') {
    const parsed = parseBooleanText(trimmed);
    if (parsed !== undefined) return parsed;
  }
  return column.type === 'text' ? text : trimmed;
}

/** The datasource condition of one URL condition. */
export function urlFilterCondition(column: ColumnSchema, filter: UrlFilter): FilterCondition {
  const condition: {
    column: string;
    op: FilterOperator;
    value?: CellValue | CellValue[];
    caseSensitive?: boolean;
  } = {
    column: column.name,
    op: filter.op,
  };
  if (TEXT_OPERATORS.includes(filter.op) && filter.caseSensitive) condition.caseSensitive = true;
  // "a, b" means a and b: the spaces around a comma are not part of the values.
  if (LIST_OPERATORS.includes(filter.op))
    condition.value = filter.value.split(',').map((part) => coerceFilterText(column, part.trim()));
  else if (!VALUELESS.includes(filter.op)) condition.value = coerceFilterText(column, filter.value);
  return condition;
}

/** Reads the shared filter parameters of a page. */
export function parseUrlFilter(
  table: TableSchema,
  params: Readonly<Record<string, string>>,
): ParsedUrlFilter {
  const notices: string[] = [];
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const state: UrlFilterState = { filters: [], match: params.fmatch === 'any' ? 'any' : 'all' };
  const conditions: FilterCondition[] = [];
  for (let i = 0; i < MAX_URL_FILTERS; i++) {
    const suffix = i === 0 ? '' : String(i);
    const name = params[`fcol${suffix}`];
    if (!name) continue;
    const column = byName.get(name);
    const op = (params[`fop${suffix}`] ?? 'eq') as FilterOperator;
    if (!column) {
      notices.push(`Cannot filter on ${JSON.stringify(name)}: the table has no such column.`);
      continue;
    }
    if (!FILTER_OPERATORS.includes(op)) {
      notices.push(`Unknown filter operator ${JSON.stringify(op)}.`);
      continue;
    }
    const filter: UrlFilter = {
      column: column.name,
      op,
      value: VALUELESS.includes(op) ? '' : (params[`fval${suffix}`] ?? ''),
    };
    if (TEXT_OPERATORS.includes(op) && params[`fcase${suffix}`] === '1') filter.caseSensitive = true;
    state.filters.push(filter);
    conditions.push(urlFilterCondition(column, filter));
  }
  const search = params.q?.trim();
  if (search) state.search = params.q as string;
  return { state, conditions, notices };
}

/** The datasource `filter` of conditions combined as the state says (`any`: one OR group). */
export function combineConditions(
  conditions: readonly FilterCondition[],
  match: 'all' | 'any',
): FilterCondition[] {
  if (match === 'any' && conditions.length > 1) return [{ or: [...conditions] }];
  return [...conditions];
}

/** The URL parameters of a filter state (defaults left out). */
export function urlFilterParams(state: UrlFilterState): Record<string, string> {
  const out: Record<string, string> = {};
  state.filters.slice(0, MAX_URL_FILTERS).forEach((filter, i) => {
    const suffix = i === 0 ? '' : String(i);
    out[`fcol${suffix}`] = filter.column;
    out[`fop${suffix}`] = filter.op;
    if (!VALUELESS.includes(filter.op)) out[`fval${suffix}`] = filter.value;
    if (filter.caseSensitive) out[`fcase${suffix}`] = '1';
  });
  if (state.match === 'any' && state.filters.length > 1) out.fmatch = 'any';
  if (state.search) out.q = state.search;
  return out;
}
