/**
 * Renders the table view's HTML fragment: toolbar (filter, row estimate, paging), the
 * table with sortable headers, and, for writable tables, the add-row form. The browser
 * script (assets/table-view.js) adds inline editing, adding and deleting on top.
 */
import {
  type ColumnSchema,
  html,
  type Page,
  type Row,
  rowVersion,
  type SafeHtml,
  type TableSchema,
  type ViewUrls,
} from '@nocoflo/sdk';
import { describeKey } from './added.js';
import {
  type ColumnLayout,
  type ColumnPlacement,
  columnLayout,
  renderColumnsPanel,
  widthStyle,
} from './columns.js';
import { describeCount, type RowCount } from './count.js';
import { type ExportState, renderExportLinks } from './export.js';
import { type Facet, renderFacets } from './facets.js';
import { type FilterErrors, renderFilterForm, renderSearchForm } from './filters.js';
import type { ForeignKeyLinks } from './foreign-keys.js';
import { columnClass, formatCell, isEditableColumn, toJson } from './format.js';
import { pageHref, type TableViewState } from './params.js';
import { renderForeignKeyLink } from './row-page.js';

/** What an editable cell says about itself (its tooltip). */
const EDIT_HINT = 'Double-click, press Enter or tap twice to edit';

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
  /** What of the filter in `state` was not applied (the datasource refused it), shown beside the form. */
  filterErrors?: FilterErrors;
  /** Value counts of low-cardinality columns under the filter. */
  facets?: readonly Facet[];
  /** How many rows the table or the filter has, when known. */
  count?: RowCount;
  /** The row just inserted, shown first and marked. */
  added?: Row;
  /** The sort and applied filter the export links carry; no links without it. */
  exportState?: ExportState;
  /** Links of foreign-key cells to the rows they reference, with their labels. */
  links?: ForeignKeyLinks;
  /** Hidden, ordered and sized columns (default: every column, in table order). */
  layout?: ColumnLayout;
}

function keyOf(table: TableSchema, row: Row): Row {
  const key: Row = {};
  for (const name of table.primaryKey) key[name] = row[name] ?? null;
  return key;
}

function renderPager(page: Page, state: TableViewState, urls: ViewUrls): SafeHtml {
  const link = (label: string, rel: string, cursor: string | null) =>
    cursor
      ? html`<a class="ncf-button" rel="${rel}" data-nav="${rel}" href="${pageHref(urls.page, { ...state, cursor })}">${label}</a>`
      : html`<span class="ncf-button ncf-disabled" aria-disabled="true" data-nav="${rel}">${label}</span>`;
  const first =
    state.cursor &&
    html`<a class="ncf-button" data-nav="first" href="${pageHref(urls.page, { ...state, cursor: undefined })}">⇤ First</a>`;
  return html`<nav class="ncf-pager" aria-label="Pages">${first}${link('← Previous', 'prev', page.prevCursor)}${link('Next →', 'next', page.nextCursor)}</nav>`;
}

/** The data API's download of one cell (`…/cell?key=…&column=…`), for bytes. */
function cellUrl(urls: ViewUrls, table: TableSchema, row: Row, column: ColumnSchema): string | undefined {
  if (table.primaryKey.length === 0) return undefined;
  const query = new URLSearchParams({ key: toJson(keyOf(table, row)), column: column.name });
  return `${urls.rows.replace(/\/rows$/, '/cell')}?${query}`;
}

/** Link of a row to the form view (`@nocoflo/form-view`), which shows one record by its key. */
function formHref(urls: ViewUrls, table: TableSchema, row: Row): string {
  return `${urls.page}?${new URLSearchParams({ view: 'form', key: toJson(keyOf(table, row)) })}`;
}

function renderHeader(
  table: TableSchema,
  columns: readonly ColumnPlacement[],
  state: TableViewState,
  urls: ViewUrls,
  writable: boolean,
): SafeHtml {
  const cells = columns.map(({ column, width }) => {
    const sorted = state.sort?.column === column.name ? state.sort.direction : undefined;
    const next = sorted === 'asc' ? 'desc' : 'asc';
    const href = pageHref(urls.page, {
      ...state,
      sort: { column: column.name, direction: next },
      cursor: undefined,
    });
    const arrow = sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : '';
    const key =
      table.primaryKey.includes(column.name) && html` <span class="ncf-key" title="primary key">PK</span>`;
    const aria = sorted && html` aria-sort="${sorted === 'asc' ? 'ascending' : 'descending'}"`;
    const style = width !== undefined && html` style="${widthStyle(width)}"`;
    return html`<th scope="col" class="${columnClass(column)}" data-col="${column.name}"${aria}${style}><a href="${href}" title="Sort by ${column.name} (${next})">${column.name}${arrow}</a>${key}<div class="ncf-type">${column.nativeType || column.type}</div><span class="ncf-resize" aria-hidden="true"></span></th>`;
  });
  return html`<thead><tr>${table.primaryKey.length > 0 && html`<th scope="col" class="ncf-open"><span class="ncf-sr">Form</span></th>`}${cells}${writable && html`<th scope="col" class="ncf-actions"><span class="ncf-sr">Actions</span></th>`}</tr></thead>`;
}

function renderRow(
  table: TableSchema,
  columns: readonly ColumnPlacement[],
  row: Row,
  writable: boolean,
  urls: ViewUrls,
  added: boolean,
  links: ForeignKeyLinks | undefined,
): SafeHtml {
  const cells = columns.map(({ column }) => {
    const value = row[column.name] ?? null;
    const editable = writable && isEditableColumn(column);
    // The browser script makes the grid one tab stop (roving tabindex), so no cell has one here.
    const data = editable && html` data-value="${toJson(value)}" title="${EDIT_HINT}"`;
    const download = value instanceof Uint8Array ? cellUrl(urls, table, row, column) : undefined;
    const link = renderForeignKeyLink(links?.get(column.name)?.get(row));
    return html`<td class="${columnClass(column)}${editable ? ' ncf-editable' : ''}${link ? ' ncf-has-fk' : ''}" data-col="${column.name}"${data}>${formatCell(value, column.type, download)}${link}</td>`;
  });
  const open =
    table.primaryKey.length > 0 &&
    html`<td class="ncf-open"><a href="${formHref(urls, table, row)}" title="Open this row as a form" aria-label="Open as a form">⤢</a></td>`;
  const remove =
    writable &&
    html`<td class="ncf-actions"><button type="button" class="ncf-delete" title="Delete this row" aria-label="Delete row">✕</button></td>`;
  // The row's version goes back with an edit, so a change made meanwhile is not overwritten (409).
  const key = writable && html` data-key="${toJson(keyOf(table, row))}" data-version="${rowVersion(row)}"`;
  return html`<tr${key}${added && html` class="ncf-added"`}>${open}${cells}${remove}</tr>`;
}

function renderAddForm(table: TableSchema): SafeHtml {
  const fields = table.columns
    .filter((c) => !c.generated && c.type !== 'binary')
    .map((c: ColumnSchema) => {
      const hint = c.hasDefault ? 'default' : c.nullable ? 'NULL' : 'required';
      const nullBox =
        c.nullable &&
        html` <label class="ncf-null-box"><input type="checkbox" name="${c.name}" data-null> NULL</label>`;
      return html`<label class="ncf-field"><span>${c.name} <small>${c.type}</small></span><input name="${c.name}" data-type="${c.type}" placeholder="${hint}">${nullBox}</label>`;
    });
  return html`<details class="ncf-add"><summary>Add row</summary><form class="ncf-add-form">${fields}<div><button type="submit">Insert</button> <small>Empty fields take the column default (or NULL).</small></div></form></details>`;
}

function readOnlyReason(table: TableSchema): string {
  if (table.kind === 'view') return 'this is a database view';
  if (table.primaryKey.length === 0) return 'this table has no primary key to find a row by';
  return 'the datasource cannot write it';
}

/** Renders the table view's HTML. */
export function renderTable({
  table,
  page,
  state,
  urls,
  notices,
  filterErrors,
  facets = [],
  count: rowCount,
  added,
  exportState,
  links,
  layout = columnLayout(table, undefined),
}: RenderTableInput): string {
  const writable = table.writable && table.primaryKey.length > 0;
  const applied = state.filter.filters.length - (filterErrors?.conditions.size ?? 0);
  const filtered = applied > 0 || (state.filter.search !== undefined && filterErrors?.search === undefined);
  const count = describeCount(rowCount, page.rows.length, filtered);
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
  const noticeHtml = notices.map((n) => html`<p class="ncf-notice" role="status">${n}</p>`);
  const addedKey = added ? toJson(keyOf(table, added)) : undefined;
  const rows = added
    ? [added, ...page.rows.filter((row) => toJson(keyOf(table, row)) !== addedKey)]
    : page.rows;
  const span = layout.visible.length + (writable ? 1 : 0) + (table.primaryKey.length > 0 ? 1 : 0);
  const body =
    rows.length === 0
      ? html`<tbody><tr><td class="ncf-nodata" colspan="${span}">No rows${filtered && ' match the filter'}.</td></tr></tbody>`
      : html`<tbody>${rows.map((row) => renderRow(table, layout.visible, row, writable, urls, row === added, links))}</tbody>`;
  const addedNote =
    added &&
    html`<p class="ncf-added-note" role="status">Row added (${describeKey(table, added)}); it is shown first.</p>`;
  const readOnly = !writable && html`<p class="ncf-readonly">Read-only: ${readOnlyReason(table)}.</p>`;
  return String(html`<section class="ncf-table-view" data-rows-url="${urls.rows}" data-table="${table.name}" data-columns="${toJson(columns)}" data-primary-key="${toJson(table.primaryKey)}"${writable && html` data-writable`}>
${addedNote}${noticeHtml}<div class="ncf-alert" role="alert" hidden></div>
<div class="ncf-toolbar">${renderSearchForm(table, state, urls, filterErrors?.search)}${renderFilterForm(table, state, urls, filterErrors)}<span class="ncf-count" role="status">${count}</span>${exportState && renderExportLinks(urls, exportState)}${urls.settings && renderColumnsPanel(layout, urls.settings)}${renderPager(page, state, urls)}</div>
${renderFacets(facets)}${readOnly}<div class="ncf-scroll"><table class="ncf-grid">${renderHeader(table, layout.visible, state, urls, writable)}${body}</table></div>
<div class="ncf-toolbar ncf-bottom">${renderPager(page, state, urls)}</div>
${writable && renderAddForm(table)}
</section>`);
}
