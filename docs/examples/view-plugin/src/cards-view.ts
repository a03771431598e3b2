import {
  type CellValue,
  type ColumnSchema,
  defineView,
  escapeHtml,
  type Row,
  rowVersion,
  type TableSchema,
  type ViewDefinition,
} from '@nocoflo/sdk';

/** How many rows and columns a card page shows. */
const ROWS = 12;
const COLUMNS = 8;

/** A cell as text: NULL stays visibly NULL, binary and JSON get a short form. */
function cellText(value: CellValue): string {
  if (value === null) return 'NULL';
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * A value as the data API reads it in JSON, which has neither bigints nor bytes: a bigint
 * as its digits, bytes as `{ "$base64": "…" }`. Keys are sent back in this form.
 */
export function apiValue(value: CellValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value).toString('base64') };
  return value;
}

/** The row's key as JSON for the data API, or undefined when the table cannot be written by key. */
function keyJson(table: TableSchema, row: Row): string | undefined {
  if (!table.writable || table.primaryKey.length === 0) return undefined;
  return JSON.stringify(
    Object.fromEntries(table.primaryKey.map((name) => [name, apiValue(row[name] ?? null)])),
  );
}

/** Text values outside the key can be edited in place (by the browser code in assets/cards.js). */
const editable = (table: TableSchema, column: ColumnSchema) =>
  table.writable && column.type === 'text' && !column.generated && !table.primaryKey.includes(column.name);

/** Shows the first rows of any table as cards: one card per row, one line per column. */
export const cardsView: ViewDefinition = defineView({
  name: 'cards',
  title: 'Cards',
  // A low score: the table view stays the default, cards are one click away.
  canHandle: (table) => (table.columns.length > 0 ? 10 : false),
  // Browser code and CSS are files of the package (listed in package.json "files").
  assets: ['./assets/cards.js', './assets/cards.css'],
  async render({ table, data, urls }) {
    const page = await data.readPage(table.name, { limit: ROWS });
    const columns = table.columns.slice(0, COLUMNS);
    const cards = page.rows.map((row) => {
      const lines = columns.map((c) => {
        const value = row[c.name] ?? null;
        const attributes = [
          editable(table, c) ? ` data-column="${escapeHtml(c.name)}"` : '',
          value === null ? ' class="null"' : '',
        ].join('');
        return `<dt>${escapeHtml(c.name)}</dt><dd${attributes}>${escapeHtml(cellText(value))}</dd>`;
      });
      const key = keyJson(table, row);
      // The key and the version travel with the card: the browser code sends both back.
      const identity = key
        ? ` data-key="${escapeHtml(key)}" data-version="${escapeHtml(rowVersion(row))}"`
        : '';
      return `<article class="card"${identity}><dl>${lines.join('')}</dl></article>`;
    });
    const body = cards.length ? cards.join('') : '<p>No rows.</p>';
    return {
      html: `<section class="cards" data-rows="${escapeHtml(urls.rows)}">${body}</section>`,
      title: `${table.name} (cards)`,
    };
  },
});
