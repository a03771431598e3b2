/**
 * The reference view of the mutation corpus: a table of one page of rows with sort links
 * (aria-sort on the sorted column), a "Next" link carrying the cursor, NULL marked, the row
 * key as JSON in an attribute, and datasource errors shown. It passes the whole view suite;
 * each mutant in mutants.ts plants one bug in a copy of this file.
 */
import {
  type CellValue,
  defineView,
  errorMessage,
  escapeHtml,
  isNocofloError,
  type Page,
  type ViewDefinition,
} from '@nocoflo/sdk';

const LIMIT = 50;

/** JSON of a value, bigint as a string. */
const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** A cell: NULL marked, bytes counted, objects as JSON, everything escaped. */
function cell(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '<td class="null">NULL</td>';
  if (value instanceof Uint8Array) return `<td>${value.byteLength} bytes</td>`;
  if (typeof value === 'object') return `<td>${escapeHtml(json(value))}</td>`;
  return `<td>${escapeHtml(String(value))}</td>`;
}

/** The reference view. */
export const referenceView: ViewDefinition = defineView({
  name: 'reference',
  title: 'Reference',
  canHandle: (table) => (table.columns.length > 0 ? 20 : false),
  async render({ table, data, params, urls }) {
    const sortColumn = table.columns.find((c) => c.name === params.sort)?.name;
    const direction = params.dir === 'desc' ? 'desc' : 'asc';
    const link = (query: Record<string, string>) => escapeHtml(`${urls.page}?${new URLSearchParams(query)}`);
    let page: Page;
    try {
      page = await data.readPage(table.name, {
        limit: LIMIT,
        cursor: params.cursor ?? null,
        ...(sortColumn ? { sort: [{ column: sortColumn, direction }] } : {}),
      });
    } catch (error) {
      const code = isNocofloError(error) ? error.code : 'NCF_INTERNAL';
      return {
        html: `<div class="ref-error" role="alert"><code>${escapeHtml(code)}</code> ${escapeHtml(errorMessage(error))}</div>`,
      };
    }
    const head = table.columns
      .map((c) => {
        const sorted = c.name === sortColumn;
        const next = sorted && direction === 'asc' ? 'desc' : 'asc';
        const mark = sorted ? ` aria-sort="${direction === 'asc' ? 'ascending' : 'descending'}"` : '';
        return `<th${mark}><a href="${link({ sort: c.name, dir: next })}">${escapeHtml(c.name)}</a></th>`;
      })
      .join('');
    const rows = page.rows
      .map((row) => {
        const key = json(Object.fromEntries(table.primaryKey.map((k) => [k, row[k] ?? null])));
        return `<tr data-key="${escapeHtml(key)}">${table.columns.map((c) => cell(row[c.name])).join('')}</tr>`;
      })
      .join('');
    const body = page.rows.length
      ? `<table class="ref"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`
      : '<div class="ref-empty"><p>No rows</p></div>';
    const keep: Record<string, string> = sortColumn ? { sort: sortColumn, dir: direction } : {};
    const next = page.nextCursor
      ? `<a rel="next" href="${link({ ...keep, cursor: page.nextCursor })}">Next</a>`
      : '';
    return { html: `${body}${next}`, title: `${table.name} (reference)` };
  },
});
