/**
 * Links to the host's export of the table as the page shows it (its filter and its sort):
 * CSV and NDJSON, streamed by the host from the datasource's `stream()`.
 */
import { type FilterCondition, html, type SafeHtml, type SortSpec, type ViewUrls } from '@nocoflo/sdk';
import { toJson } from './format.js';

/** Export formats the host offers, with their link labels. */
const FORMATS = [
  { format: 'csv', label: 'CSV' },
  { format: 'ndjson', label: 'NDJSON' },
] as const;

/** What the export carries over from the page. */
export interface ExportState {
  /** The sort shown. */
  sort?: readonly SortSpec[];
  /** The filter applied (a refused filter is not exported). */
  filter?: readonly FilterCondition[];
  /** The quick search applied. */
  search?: string;
  /** The columns shown, in their order, when the person hid or moved some (default: every column). */
  columns?: readonly string[];
}

/** The host's export URL (`…/export?format=…&sort=…&filter=…`) for the rows API URL of a table. */
export function exportHref(rowsUrl: string, format: string, state: ExportState): string {
  const query = new URLSearchParams({ format });
  if (state.sort?.length) {
    // `column:dir,…` unless a name holds a comma or a colon; then the JSON form.
    const plain = state.sort.every((s) => !/[,:]/.test(s.column) && !s.column.trim().startsWith('['));
    query.set(
      'sort',
      plain ? state.sort.map((s) => `${s.column}:${s.direction}`).join(',') : toJson(state.sort),
    );
  }
  if (state.filter?.length) query.set('filter', toJson(state.filter));
  if (state.search) query.set('q', state.search);
  if (state.columns?.length) query.set('columns', state.columns.join(','));
  return `${rowsUrl.replace(/\/rows$/, '/export')}?${query}`;
}

/** The export links of the toolbar. */
export function renderExportLinks(urls: ViewUrls, state: ExportState): SafeHtml {
  const links = FORMATS.map(
    ({ format, label }) =>
      html`<a class="ncf-button ncf-secondary" data-export="${format}" href="${exportHref(urls.rows, format, state)}" download title="Download every row of this table${state.filter?.length ? ' matching the filter' : ''} as ${label}">${label}</a>`,
  );
  return html`<div class="ncf-export" role="group" aria-label="Export"><span class="ncf-export-label">Export</span> ${links}</div>`;
}
