/**
 * A nocoflo view plugin. `canHandle` says how well the view shows a table (a score from
 * 0 to 100, or `false`); `render` returns an HTML fragment built from one page of rows.
 */
import { type CellValue, definePlugin, defineView, escapeHtml, type ViewDefinition } from '@nocoflo/sdk';

/** Rows shown per page. */
const LIMIT = 20;

/** A cell as text: NULL stays visible as NULL; binary and JSON values get a short form. */
function cellText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The view: the first rows of a table as a list of "column: value" lines. */
export const listView: ViewDefinition = defineView({
  name: 'list',
  title: 'List',
  // A low score: a specialised view (or the table view) wins; this one is in the switcher.
  canHandle: (table) => (table.columns.length > 0 ? 10 : false),
  async render({ table, data }) {
    const page = await data.readPage(table.name, { limit: LIMIT });
    const items = page.rows.map((row) => {
      const fields = table.columns.map((c) => `${escapeHtml(c.name)}: ${escapeHtml(cellText(row[c.name]))}`);
      return `<li>${fields.join('; ')}</li>`;
    });
    const html = items.length ? `<ul class="list-view">${items.join('')}</ul>` : '<p>No rows.</p>';
    return { html, title: `${table.name} (list)` };
  },
});

/** The plugin: contributes the view. Name and version come from package.json. */
export default definePlugin({ views: [listView] });
