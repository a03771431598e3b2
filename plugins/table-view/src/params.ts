/**
 * Turns the page's query-string parameters into a datasource read, and back into links.
 * Invalid parameters (an unknown column, an unknown operator) are dropped with a notice
 * rather than failing the page, so a stale bookmark still shows the table.
 */
import {
  type CellValue,
  type ColumnSchema,
  FILTER_OPERATORS,
  type Filter,
  type FilterOperator,
  NUMERIC_COLUMN_TYPES,
  parseBooleanText,
  type ReadPageOptions,
  type SortDirection,
  type TableSchema,
} from '@nocoflo/sdk';

/** Rows per page when the URL does not say. */
export const DEFAULT_PAGE_SIZE = 50;

/** Largest page the view asks for. */
export const MAX_PAGE_SIZE = 500;

/** The table view's state, as carried in the page URL. */
export interface TableViewState {
  /** Column sorted by, if any. */
  sort?: {
    /** The column. */
    column: string;
    /** Ascending or descending. */
    direction: SortDirection;
  };
  /** The one filter the UI edits, if any. */
  filter?: {
    /** The column filtered on. */
    column: string;
    /** The operator. */
    op: FilterOperator;
    /** The value as typed (comma-separated for `in`). */
    value: string;
    /** Text operators match upper and lower case apart (`fcase=1`). */
    caseSensitive?: boolean;
  };
  /** Keyset cursor of the page shown. */
  cursor?: string;
  /** Rows per page. */
  limit: number;
}

/** The parsed state, the datasource read it implies, and notices about dropped parameters. */
export interface ParsedParams {
  /** What the page shows, for the links and controls it renders. */
  state: TableViewState;
  /** The read those parameters ask for. */
  options: ReadPageOptions;
  /** Parameters that were ignored, said in words for the page. */
  notices: string[];
}

const VALUELESS: readonly FilterOperator[] = ['isNull', 'isNotNull'];

/** Operators whose value is a comma-separated list. */
const LIST_OPERATORS: readonly FilterOperator[] = ['in', 'notIn'];

/** Operators that match text, and can ignore case or not. */
export const TEXT_OPERATORS: readonly FilterOperator[] = ['contains', 'startsWith', 'endsWith'];

/** Whether an operator takes no value. */
export function isValueless(op: FilterOperator): boolean {
  return VALUELESS.includes(op);
}

/**
 * Converts filter text typed by a person to the value the column compares with: numbers
 * for numeric columns, booleans for boolean ones, text otherwise (the datasource checks).
 */
export function coerceFilterValue(column: ColumnSchema, text: string): CellValue {
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

/** Parses the page parameters for a table. */
export function parseParams(table: TableSchema, params: Readonly<Record<string, string>>): ParsedParams {
  const notices: string[] = [];
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const state: TableViewState = { limit: DEFAULT_PAGE_SIZE };
  const options: ReadPageOptions = {};

  const limit = Number(params.limit);
  if (params.limit !== undefined) {
    if (Number.isInteger(limit) && limit >= 1 && limit <= MAX_PAGE_SIZE) state.limit = limit;
    else
      notices.push(
        `Page size must be a whole number from 1 to ${MAX_PAGE_SIZE}; showing ${DEFAULT_PAGE_SIZE}.`,
      );
  }
  options.limit = state.limit;

  if (params.sort) {
    if (byName.has(params.sort)) {
      const direction: SortDirection = params.dir === 'desc' ? 'desc' : 'asc';
      state.sort = { column: params.sort, direction };
      options.sort = [{ column: params.sort, direction }];
    } else {
      notices.push(`Cannot sort by ${JSON.stringify(params.sort)}: the table has no such column.`);
    }
  }

  if (params.fcol) {
    const column = byName.get(params.fcol);
    const op = (params.fop ?? 'eq') as FilterOperator;
    if (!column) {
      notices.push(`Cannot filter on ${JSON.stringify(params.fcol)}: the table has no such column.`);
    } else if (!FILTER_OPERATORS.includes(op)) {
      notices.push(`Unknown filter operator ${JSON.stringify(op)}.`);
    } else {
      const text = params.fval ?? '';
      state.filter = { column: column.name, op, value: text };
      const filter: Filter = { column: column.name, op };
      if (TEXT_OPERATORS.includes(op) && params.fcase === '1') {
        state.filter.caseSensitive = true;
        filter.caseSensitive = true;
      }
      if (LIST_OPERATORS.includes(op)) {
        // "a, b" means a and b: the spaces around a comma are not part of the values.
        filter.value = text.split(',').map((part) => coerceFilterValue(column, part.trim()));
      } else if (!isValueless(op)) {
        filter.value = coerceFilterValue(column, text);
      }
      options.filter = [filter];
    }
  }

  // A cursor belongs to one sort and filter; it is dropped along with a dropped sort.
  if (params.cursor && notices.length === 0) {
    state.cursor = params.cursor;
    options.cursor = params.cursor;
  }
  return { state, options, notices };
}

/** Serialises a state to query-string parameters (defaults omitted). */
export function stateToParams(state: TableViewState): Record<string, string> {
  const out: Record<string, string> = {};
  if (state.sort) {
    out.sort = state.sort.column;
    out.dir = state.sort.direction;
  }
  if (state.filter) {
    out.fcol = state.filter.column;
    out.fop = state.filter.op;
    if (!isValueless(state.filter.op)) out.fval = state.filter.value;
    if (state.filter.caseSensitive) out.fcase = '1';
  }
  if (state.limit !== DEFAULT_PAGE_SIZE) out.limit = String(state.limit);
  if (state.cursor) out.cursor = state.cursor;
  return out;
}

/** The page URL for a state. */
export function pageHref(base: string, state: TableViewState): string {
  const query = new URLSearchParams(stateToParams(state)).toString();
  return query ? `${base}?${query}` : base;
}
