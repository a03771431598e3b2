import { type CellValue, defineView, escapeHtml, type ViewDefinition } from '@nocoflo/sdk';

/** How many rows and columns a card page shows. */
const ROWS = 12;
const COLUMNS = 8;

/** A cell as text: NULL stays visibly NULL, binary and JSON get a short form. */
function cellText(value: CellValue): string {
  if (value === null) return 'NULL';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Shows the first rows of any table as cards: one card per row, one line per column. */
export const cardsView: ViewDefinition = defineView({
  name: 'cards',
  title: 'Cards',
  // A low score: the table view stays the default, cards are one click away.
  canHandle: (table) => (table.columns.length > 0 ? 10 : false),
  async render({ table, data }) {
    const page = await data.readPage(table.name, { limit: ROWS });
    const columns = table.columns.slice(0, COLUMNS);
    const cards = page.rows.map((row) => {
      const lines = columns.map(
        (c) => `<dt>${escapeHtml(c.name)}</dt><dd>${escapeHtml(cellText(row[c.name] ?? null))}</dd>`,
      );
      return `<article class="card"><dl>${lines.join('')}</dl></article>`;
    });
    const body = cards.length ? cards.join('') : '<p>No rows.</p>';
    return { html: `<section class="cards">${body}</section>`, title: `${table.name} (cards)` };
  },
});
