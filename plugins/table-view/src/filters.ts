/**
 * The filter form (several conditions, combined with all/any), the quick-search box, and the
 * read that leaves out a condition the datasource refuses, saying why beside the form.
 */
import {
  combineConditions,
  FILTER_OPERATORS,
  type FilterCondition,
  type FilterOperator,
  html,
  isNocofloError,
  type Page,
  type ReadPageOptions,
  type SafeHtml,
  type TableSchema,
  type UrlFilter,
  type ViewDataAccess,
  type ViewUrls,
} from '@nocoflo/sdk';
import { DEFAULT_PAGE_SIZE, isValueless, pageHref, type TableViewState, TEXT_OPERATORS } from './params.js';

const OPERATOR_LABELS: Record<FilterOperator, string> = {
  eq: '=',
  neq: '≠',
  lt: '<',
  lte: '≤',
  gt: '>',
  gte: '≥',
  in: 'in (a,b,…)',
  notIn: 'not in (a,b,…)',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  isNull: 'is NULL',
  isNotNull: 'is not NULL',
};

/** Errors that mean a condition's value or shape was wrong, not that the datasource failed. */
const FILTER_ERRORS = ['NCF_INVALID_VALUE', 'NCF_INVALID_QUERY', 'NCF_COLUMN_NOT_FOUND', 'NCF_UNSUPPORTED'];

/** What the datasource refused of the page's filter: by condition index, and the search. */
export interface FilterErrors {
  /** Message per refused condition (index into `state.filter.filters`). */
  conditions: Map<number, string>;
  /** Why the search was not applied. */
  search?: string;
}

/** Whether an error is a refusal of the filter (shown beside the form) rather than a failure. */
export function isFilterRefusal(error: unknown): boolean {
  return FILTER_ERRORS.some((code) => isNocofloError(error, code));
}

/**
 * Finds which conditions (and whether the search) the datasource refuses, each tried on its
 * own with a one-row read, so the rest still apply.
 */
export async function findRefused(
  data: ViewDataAccess,
  table: string,
  conditions: readonly FilterCondition[],
  search: string | undefined,
): Promise<FilterErrors> {
  const errors: FilterErrors = { conditions: new Map() };
  for (const [index, condition] of conditions.entries()) {
    try {
      await data.readPage(table, { filter: [condition], limit: 1 });
    } catch (error) {
      if (!isFilterRefusal(error)) throw error;
      errors.conditions.set(index, (error as Error).message);
    }
  }
  if (search) {
    try {
      await data.readPage(table, { search, limit: 1 });
    } catch (error) {
      if (!isFilterRefusal(error)) throw error;
      errors.search = (error as Error).message;
    }
  }
  return errors;
}

/** The read without the refused parts. */
export function withoutRefused(
  options: ReadPageOptions,
  conditions: readonly FilterCondition[],
  match: 'all' | 'any',
  errors: FilterErrors,
): ReadPageOptions {
  const kept = conditions.filter((_, index) => !errors.conditions.has(index));
  const filter = combineConditions(kept, match);
  const { filter: _f, search, cursor: _c, ...rest } = options;
  return {
    ...rest,
    ...(filter.length > 0 ? { filter } : {}),
    ...(search !== undefined && errors.search === undefined ? { search } : {}),
  };
}

function conditionRow(
  table: TableSchema,
  filter: UrlFilter | undefined,
  index: number,
  removeHref: string | undefined,
  error: string | undefined,
): SafeHtml {
  const suffix = index === 0 ? '' : String(index);
  const n = index + 1;
  const columnOptions = table.columns.map(
    (c) => html`<option value="${c.name}" ${filter?.column === c.name && html`selected`}>${c.name}</option>`,
  );
  const opOptions = FILTER_OPERATORS.map(
    (op) =>
      html`<option value="${op}" ${(filter?.op ?? 'eq') === op && html`selected`}>${OPERATOR_LABELS[op]}</option>`,
  );
  const value = filter && !isValueless(filter.op) ? filter.value : '';
  const errorId = `ncf-filter-error-${index}`;
  const invalid = error && html` aria-invalid="true" aria-describedby="${errorId}"`;
  const caseBox =
    (!filter || TEXT_OPERATORS.includes(filter.op)) &&
    html`<label class="ncf-case" title="Tell upper and lower case apart (contains, starts with, ends with)"><input type="checkbox" name="fcase${suffix}" value="1" ${filter?.caseSensitive && html`checked`}> Match case</label>`;
  const remove =
    removeHref &&
    html` <a class="ncf-remove" href="${removeHref}" title="Remove this condition" aria-label="Remove condition ${n}">✕</a>`;
  return html`<div class="ncf-condition" data-condition="${index}"><select name="fcol${suffix}" aria-label="Filter column ${n}"><option value="">${filter ? 'column' : '+ condition on…'}</option>${columnOptions}</select>
<select name="fop${suffix}" aria-label="Filter operator ${n}">${opOptions}</select>
<input name="fval${suffix}" value="${value}" placeholder="value" aria-label="Filter value ${n}"${invalid}>
${caseBox}${remove}${error && html`<p class="ncf-filter-error" id="${errorId}" role="alert">Filter not applied: ${error}</p>`}</div>`;
}

/**
 * The filter form: one row per condition, one empty row to add another, all/any when there
 * are several, Apply and Clear. A GET form: every filter is a URL (bookmarkable, Back works).
 */
export function renderFilterForm(
  table: TableSchema,
  state: TableViewState,
  urls: ViewUrls,
  errors: FilterErrors | undefined,
): SafeHtml {
  const { filters, match } = state.filter;
  const rows = filters.map((filter, index) => {
    const remaining = filters.filter((_, i) => i !== index);
    const href = pageHref(urls.page, {
      ...state,
      filter: { ...state.filter, filters: remaining },
      cursor: undefined,
    });
    return conditionRow(table, filter, index, href, errors?.conditions.get(index));
  });
  rows.push(conditionRow(table, undefined, filters.length, undefined, undefined));
  // What the form does not change goes on: the sort, the search and the page size.
  const keep = html`${
    state.sort &&
    html`<input type="hidden" name="sort" value="${state.sort.column}"><input type="hidden" name="dir" value="${state.sort.direction}">`
  }${state.filter.search && html`<input type="hidden" name="q" value="${state.filter.search}">`}${
    state.limit !== DEFAULT_PAGE_SIZE &&
    html`<input type="hidden" name="limit" value="${String(state.limit)}">`
  }`;
  const matchSelect =
    filters.length > 0 &&
    html`<label class="ncf-match">Rows matching <select name="fmatch" aria-label="Combine conditions"><option value="all" ${match === 'all' && html`selected`}>all conditions</option><option value="any" ${match === 'any' && html`selected`}>any condition</option></select></label>`;
  const clear =
    filters.length > 0 &&
    html` <a class="ncf-button ncf-secondary" href="${pageHref(urls.page, { ...state, filter: { filters: [], match: 'all', ...(state.filter.search ? { search: state.filter.search } : {}) }, cursor: undefined })}">Clear</a>`;
  return html`<form class="ncf-filter" method="get" action="${urls.page}" aria-label="Filter">
<fieldset><legend>Filter</legend>${rows}</fieldset>
${matchSelect}${keep}<button type="submit">Apply</button>${clear}</form>`;
}

/** The quick-search box (when the table can be searched), keeping sort and filter. */
export function renderSearchForm(
  table: TableSchema,
  state: TableViewState,
  urls: ViewUrls,
  error: string | undefined,
): SafeHtml {
  const how = table.search;
  if (!how) return html``;
  const hidden = Object.entries({
    ...(state.sort ? { sort: state.sort.column, dir: state.sort.direction } : {}),
    ...Object.fromEntries(
      Object.entries(pageParams(state)).filter(([name]) => name !== 'q' && name !== 'cursor'),
    ),
  }).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  const kind = how.method === 'fulltext' ? 'full-text' : 'text';
  const title = `Search ${how.columns.join(', ')} (${kind}${how.index ? `: ${how.index}` : ''})`;
  const invalid = error && html` aria-invalid="true" aria-describedby="ncf-search-error"`;
  return html`<form class="ncf-search" method="get" action="${urls.page}" role="search">
<input type="search" name="q" value="${state.filter.search ?? ''}" placeholder="Search ${kind}…" aria-label="Search ${table.name}" title="${title}"${invalid}>${hidden}<button type="submit">Search</button>
${error && html`<p class="ncf-filter-error" id="ncf-search-error" role="alert">Search not applied: ${error}</p>`}</form>`;
}

/** The page's parameters for a state, as a record (for hidden fields). */
function pageParams(state: TableViewState): Record<string, string> {
  const href = pageHref('', { ...state, cursor: undefined });
  const query = href.includes('?') ? href.slice(href.indexOf('?') + 1) : '';
  return Object.fromEntries(new URLSearchParams(query));
}

/** Reads the page; parts of the filter the datasource refuses are left out and reported. */
export async function readWithFilter(
  data: ViewDataAccess,
  table: string,
  options: ReadPageOptions,
  conditions: readonly FilterCondition[],
  match: 'all' | 'any',
  read: (options: ReadPageOptions) => Promise<Page>,
): Promise<{ page: Page; options: ReadPageOptions; errors?: FilterErrors }> {
  try {
    return { page: await read(options), options };
  } catch (error) {
    if ((!options.filter?.length && !options.search) || !isFilterRefusal(error)) throw error;
    const errors = await findRefused(data, table, conditions, options.search);
    // Refused only together (rare): leave the whole filter out, and say so on each.
    if (errors.conditions.size === 0 && errors.search === undefined) {
      for (const index of conditions.keys()) errors.conditions.set(index, (error as Error).message);
      if (options.search) errors.search = (error as Error).message;
    }
    const kept = withoutRefused(options, conditions, match, errors);
    return { page: await read(kept), options: kept, errors };
  }
}
