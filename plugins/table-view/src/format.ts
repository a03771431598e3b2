/**
 * How cell values look in the table, and how they travel to the browser for editing.
 * Every value is escaped; NULL and the empty string look different.
 */
import {
  type CellValue,
  type ColumnSchema,
  type ColumnType,
  displayText,
  html,
  type SafeHtml,
} from '@nocoflo/sdk';

/** Longest text shown in a cell before it is cut (the editor still gets all of it). */
export const MAX_CELL_CHARS = 200;

/**
 * JSON for a value, with the types JSON lacks spelled as data: bigint as a decimal string,
 * bytes as `{ "$base64": … }`.
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return { $base64: Buffer.from(v).toString('base64') };
    return v;
  });
}

function cut(text: string): string {
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text;
}

/**
 * The cell's text (before escaping), or undefined for NULL: the SDK's one display format
 * (timestamps as `2024-01-31 13:45:00` from every database).
 */
export function cellText(value: CellValue, type?: ColumnType): string | undefined {
  return displayText(value, type);
}

/**
 * The escaped HTML inside a `<td>` for a value. Text cut at `MAX_CELL_CHARS` characters keeps the
 * rest in the page behind a "show all" button; bytes link to `downloadUrl` when given.
 */
export function formatCell(value: CellValue, type?: ColumnType, downloadUrl?: string): SafeHtml {
  const text = cellText(value, type);
  if (text === undefined) return html`<span class="ncf-null" title="NULL (no value)">NULL</span>`;
  if (text === '') return html`<span class="ncf-empty" title="empty text"></span>`;
  if (value instanceof Uint8Array && downloadUrl) {
    return html`<a class="ncf-download" href="${downloadUrl}" download>${text} <span aria-hidden="true">⤓</span><span class="ncf-sr"> download</span></a>`;
  }
  if (text.length <= MAX_CELL_CHARS) return html`${text}`;
  return html`<span class="ncf-cut">${cut(text)}</span><button type="button" class="ncf-more" data-full="${text}" aria-label="Show all ${text.length.toLocaleString('en-US')} characters">more</button>`;
}

/** Whether a column's cells can be edited inline. */
export function isEditableColumn(column: ColumnSchema): boolean {
  return !column.generated && column.type !== 'binary';
}

/** CSS class for a column's alignment. */
export function columnClass(column: ColumnSchema): string {
  switch (column.type) {
    case 'integer':
    case 'decimal':
    case 'float':
      return 'ncf-num';
    default:
      return `ncf-${column.type}`;
  }
}
