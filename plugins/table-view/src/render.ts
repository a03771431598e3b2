/**
 * Renders the table view's HTML fragment: toolbar (filter, row estimate, paging), the
 * table with sortable headers, and, for writable tables, the add-row form. The browser
 * script (assets/table-view.js) adds inline editing, adding and deleting on top.
 */
import {
  type ColumnSchema,
  escapeHtml,
  FILTER_OPERATORS,
  type FilterOperator,
  type Page,
  type Row,
  rowVersion,
  type TableSchema,
  type ViewUrls,
} from '@nocoflo/sdk';
import { columnClass, formatCell, isEditableColumn, toJson } from './format.js';
import { isValueless, pageHref, type TableViewState } from './params.js';

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

const attr = (value: unknown): string => escapeHtml(value);

/** What {@link renderTable} needs. */
export interface RenderTableInput {
  /** The table shown. */
  table: TableSchema;
  /** The page of rows shown. */
  page: Page;
  /** Sort, filter, cursor and page size of the page. */
  state: TableViewState;
  /** URLs for links, the data API and assets. */
  urls: ViewUrls;
  /** Messages shown above the table. */
  notices: readonly string[];
}

function keyOf(table: TableSchema, row: Row): Row {
  const key: Row = {};
  for (const name of table.primaryKey) key[name] = row[name] ?? null;
  return key;
}

function renderFilterForm(table: TableSchema, state: TableViewState, urls: ViewUrls): string {
  const current = state.filter;
  const columnOptions = table.columns
    .map(
      (c) =>
        `<option value="${attr(c.name)}"${current?.column === c.name ? ' selected' : ''}>${escapeHtml(c.name)}</option>`,
    )
    .join('');
  const opOptions = FILTER_OPERATORS.map(
    (op) =>
      `<option value="${op}"${(current?.op ?? 'eq') === op ? ' selected' : ''}>${escapeHtml(OPERATOR_LABELS[op])}</option>`,
  ).join('');
  const keep = state.sort
    ? `<input type="hidden" name="sort" value="${attr(state.sort.column)}"><input type="hidden" name="dir" value="${state.sort.direction}">`
    : '';
  const clear = current
    ? ` <a class="ncf-button ncf-secondary" href="${attr(pageHref(urls.page, { ...state, filter: undefined, cursor: undefined }))}">Clear</a>`
    : '';
  const value = current && !isValueless(current.op) ? current.value : '';
  return `<form class="ncf-filter" method="get" action="${attr(urls.page)}">
<label>Filter <select name="fcol" aria-label="Filter column">${columnOptions}</select></label>
<select name="fop" aria-label="Filter operator">${opOptions}</select>
<input name="fval" value="${attr(value)}" placeholder="value" aria-label="Filter value">
${keep}<button type="submit">Apply</button>${clear}
</form>`;
}

function renderPager(page: Page, state: TableViewState, urls: ViewUrls): string {
  const link = (label: string, rel: string, cursor: string | null, extra = '') =>
    cursor
      ? `<a class="ncf-button" rel="${rel}" data-nav="${rel}" href="${attr(pageHref(urls.page, { ...state, cursor }))}"${extra}>${label}</a>`
      : `<span class="ncf-button ncf-disabled" aria-disabled="true" data-nav="${rel}">${label}</span>`;
  const first = state.cursor
    ? `<a class="ncf-button" data-nav="first" href="${attr(pageHref(urls.page, { ...state, cursor: undefined }))}">⇤ First</a>`
    : '';
  return `<nav class="ncf-pager" aria-label="Pages">${first}${link('← Previous', 'prev', page.prevCursor)}${link('Next →', 'next', page.nextCursor)}</nav>`;
}

/** Link of a row to the form view (`@nocoflo/form-view`), which shows one record by its key. */
function formHref(urls: ViewUrls, table: TableSchema, row: Row): string {
  return `${urls.page}?${new URLSearchParams({ view: 'form', key: toJson(keyOf(table, row)) })}`;
}

function renderHeader(table: TableSchema, state: TableViewState, urls: ViewUrls, writable: boolean): string {
  const cells = table.columns.map((column) => {
    const sorted = state.sort?.column === column.name ? state.sort.direction : undefined;
    const next = sorted === 'asc' ? 'desc' : 'asc';
    const href = pageHref(urls.page, {
      ...state,
      sort: { column: column.name, direction: next },
      cursor: undefined,
    });
    const arrow = sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : '';
    const key = table.primaryKey.includes(column.name)
      ? ' <span class="ncf-key" title="primary key">PK</span>'
      : '';
    const aria = sorted ? ` aria-sort="${sorted === 'asc' ? 'ascending' : 'descending'}"` : '';
    return `<th scope="col" class="${columnClass(column)}" data-col="${attr(column.name)}"${aria}><a href="${attr(href)}" title="Sort by ${attr(column.name)} (${next})">${escapeHtml(column.name)}${arrow}</a>${key}<div class="ncf-type">${escapeHtml(column.nativeType || column.type)}</div></th>`;
  });
  if (writable) cells.push('<th scope="col" class="ncf-actions"><span class="ncf-sr">Actions</span></th>');
  if (table.primaryKey.length > 0)
    cells.unshift('<th scope="col" class="ncf-open"><span class="ncf-sr">Form</span></th>');
  return `<thead><tr>${cells.join('')}</tr></thead>`;
}

function renderRow(table: TableSchema, row: Row, writable: boolean, urls: ViewUrls): string {
  const cells = table.columns.map((column) => {
    const value = row[column.name] ?? null;
    const editable = writable && isEditableColumn(column);
    const data = editable ? ` data-value="${attr(toJson(value))}" tabindex="0"` : '';
    return `<td class="${columnClass(column)}${editable ? ' ncf-editable' : ''}" data-col="${attr(column.name)}"${data}>${formatCell(value)}</td>`;
  });
  if (writable) {
    cells.push(
      '<td class="ncf-actions"><button type="button" class="ncf-delete" title="Delete this row" aria-label="Delete row">✕</button></td>',
    );
  }
  if (table.primaryKey.length > 0) {
    cells.unshift(
      `<td class="ncf-open"><a href="${attr(formHref(urls, table, row))}" title="Open this row as a form" aria-label="Open as a form">⤢</a></td>`,
    );
  }
  // The row's version goes back with an edit, so a change made meanwhile is not overwritten (409).
  const key = writable
    ? ` data-key="${attr(toJson(keyOf(table, row)))}" data-version="${attr(rowVersion(row))}"`
    : '';
  return `<tr${key}>${cells.join('')}</tr>`;
}

function renderAddForm(table: TableSchema): string {
  const fields = table.columns
    .filter((c) => !c.generated && c.type !== 'binary')
    .map((c: ColumnSchema) => {
      const hint = c.hasDefault ? 'default' : c.nullable ? 'NULL' : 'required';
      const nullBox = c.nullable
        ? ` <label class="ncf-null-box"><input type="checkbox" name="${attr(c.name)}" data-null> NULL</label>`
        : '';
      return `<label class="ncf-field"><span>${escapeHtml(c.name)} <small>${escapeHtml(c.type)}</small></span><input name="${attr(c.name)}" data-type="${attr(c.type)}" placeholder="${hint}">${nullBox}</label>`;
    })
    .join('');
  return `<details class="ncf-add"><summary>Add row</summary><form class="ncf-add-form">${fields}<div><button type="submit">Insert</button> <small>Empty fields take the column default (or NULL).</small></div></form></details>`;
}

function readOnlyReason(table: TableSchema): string {
  if (table.kind === 'view') return 'this is a database view';
  if (table.primaryKey.length === 0) return 'this table has no primary key to find a row by';
  return 'the datasource cannot write it';
}

/** Renders the table view's HTML. */
export function renderTable({ table, page, state, urls, notices }: RenderTableInput): string {
  const writable = table.writable && table.primaryKey.length > 0;
  const total = page.estimatedTotal ?? (state.filter ? undefined : table.rowCountEstimate);
  const count =
    total === undefined
      ? `${page.rows.length} rows on this page`
      : `≈ ${total.toLocaleString('en-US')} rows${state.filter ? ' match' : ''}`;
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
  const noticeHtml = notices.map((n) => `<p class="ncf-notice" role="status">${escapeHtml(n)}</p>`).join('');
  const body =
    page.rows.length === 0
      ? `<tbody><tr><td class="ncf-nodata" colspan="${table.columns.length + (writable ? 1 : 0) + (table.primaryKey.length > 0 ? 1 : 0)}">No rows${state.filter ? ' match the filter' : ''}.</td></tr></tbody>`
      : `<tbody>${page.rows.map((row) => renderRow(table, row, writable, urls)).join('')}</tbody>`;
  const readOnly = writable ? '' : `<p class="ncf-readonly">Read-only: ${readOnlyReason(table)}.</p>`;
  return `<section class="ncf-table-view" data-rows-url="${attr(urls.rows)}" data-table="${attr(table.name)}" data-columns="${attr(toJson(columns))}"${writable ? ' data-writable' : ''}>
${noticeHtml}<div class="ncf-alert" role="alert" hidden></div>
<div class="ncf-toolbar">${renderFilterForm(table, state, urls)}<span class="ncf-count">${escapeHtml(count)}</span>${renderPager(page, state, urls)}</div>
${readOnly}<div class="ncf-scroll"><table class="ncf-grid">${renderHeader(table, state, urls, writable)}${body}</table></div>
<div class="ncf-toolbar ncf-bottom">${renderPager(page, state, urls)}</div>
${writable ? renderAddForm(table) : ''}
</section>`;
}
