/**
 * How cell values look in the table, and how they travel to the browser for editing.
 * Every value is escaped; NULL and the empty string look different.
 */
import { type CellValue, type ColumnSchema, escapeHtml } from '@nocoflo/sdk';

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

/** The cell's text (before escaping), or undefined for NULL. */
export function cellText(value: CellValue): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Uint8Array) return `‹${value.byteLength} bytes›`;
  return toJson(value);
}

/** The escaped HTML inside a `<td>` for a value. */
export function formatCell(value: CellValue): string {
  const text = cellText(value);
  if (text === undefined) return '<span class="ncf-null" title="NULL (no value)">NULL</span>';
  if (text === '') return '<span class="ncf-empty" title="empty text"></span>';
  return escapeHtml(cut(text));
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
