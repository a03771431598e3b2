/**
 * Turns the page's query-string parameters into a datasource read, and back into links.
 * Invalid parameters (an unknown column, an unknown operator) are dropped with a notice
 * rather than failing the page, so a stale bookmark still shows the table.
 */
import {
  type CellValue,
  type ColumnSchema,
  coerceFilterText,
  combineConditions,
  type FilterCondition,
  type FilterOperator,
  parseUrlFilter,
  type ReadPageOptions,
  type SortDirection,
  type TableSchema,
  type UrlFilterState,
  urlFilterParams,
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
  /** The filter conditions, how they combine, and the quick search (the URL's shared filter). */
  filter: UrlFilterState;
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
  /** The datasource condition of each of `state.filter.filters`, in order (before combining). */
  conditions: FilterCondition[];
}

const VALUELESS: readonly FilterOperator[] = ['isNull', 'isNotNull'];

/** Operators that match text, and can ignore case or not. */
export const TEXT_OPERATORS: readonly FilterOperator[] = ['contains', 'startsWith', 'endsWith'];

/** Whether an operator takes no value. */
export function isValueless(op: FilterOperator): boolean {
  return VALUELESS.includes(op);
}

/**
 * Converts filter text typed by a person to the value the column compares with (the SDK's
 * {@link coerceFilterText}).
 */
export function coerceFilterValue(column: ColumnSchema, text: string): CellValue {
  return coerceFilterText(column, text);
}

/** Parses the page parameters for a table. */
export function parseParams(table: TableSchema, params: Readonly<Record<string, string>>): ParsedParams {
  const notices: string[] = [];
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const state: TableViewState = { limit: DEFAULT_PAGE_SIZE, filter: { filters: [], match: 'all' } };
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

  const parsed = parseUrlFilter(table, params);
  state.filter = parsed.state;
  notices.push(...parsed.notices);
  const filter = combineConditions(parsed.conditions, parsed.state.match);
  if (filter.length > 0) options.filter = filter;
  if (parsed.state.search) options.search = parsed.state.search;

  // A cursor belongs to one sort and filter; it is dropped along with a dropped sort.
  if (params.cursor && notices.length === 0) {
    state.cursor = params.cursor;
    options.cursor = params.cursor;
  }
  return { state, options, notices, conditions: parsed.conditions };
}

/** Serialises a state to query-string parameters (defaults omitted). */
export function stateToParams(state: TableViewState): Record<string, string> {
  const out: Record<string, string> = {};
  if (state.sort) {
    out.sort = state.sort.column;
    out.dir = state.sort.direction;
  }
  Object.assign(out, urlFilterParams(state.filter));
  if (state.limit !== DEFAULT_PAGE_SIZE) out.limit = String(state.limit);
  if (state.cursor) out.cursor = state.cursor;
  return out;
}

/** The page URL for a state. */
export function pageHref(base: string, state: TableViewState): string {
  const query = new URLSearchParams(stateToParams(state)).toString();
  return query ? `${base}?${query}` : base;
}
