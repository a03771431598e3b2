/**
 * Rows as CSV (RFC 4180) and NDJSON, for the export route. Pure functions over one row at a
 * time, so an export of any size holds one batch of text at a time.
 *
 * CSV: a header row of column names, then one record per row; every record ends with CR LF;
 * a field holding a comma, a double quote, CR or LF is quoted, its quotes doubled. NULL is
 * an empty field, bigints are their decimal digits, bytes are base64, booleans `true` /
 * `false`, JSON and arrays their JSON text. NDJSON: one JSON object per line (LF), with the
 * data API's spelling of bigints (decimal strings) and bytes (`{ "$base64": … }`).
 *
 * Formulas (CSV injection, OWASP): a spreadsheet opening the file runs a cell that starts
 * with `=`, `+`, `-` or `@` (or a tab or CR before one) as a formula, which can read other
 * cells or reach the network. By default a text value starting with one of those characters
 * gets a leading `'`, so the spreadsheet shows it as text; numbers, dates and the rest are
 * never changed (a negative number is a number, not a formula). `?formulas=keep` writes text
 * exactly as stored, for programs that read the file as data. NDJSON is never changed.
 */
import type { CellValue, Row } from '@nocoflo/sdk';
import { toJson } from '../json.js';

/** Export formats. */
export type ExportFormat = 'csv' | 'ndjson';

/** Every {@link ExportFormat}. */
export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'ndjson'];

/** Content type of each format. */
export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

const NEEDS_QUOTES = /[",\r\n]/;

/** What a CSV export does with text a spreadsheet would run as a formula. */
export type CsvFormulas = 'escape' | 'keep';

/** Every {@link CsvFormulas}; the first is the default. */
export const CSV_FORMULAS: readonly CsvFormulas[] = ['escape', 'keep'];

/**
 * Text with a leading `'` when a spreadsheet would read it as a formula: it starts with
 * `=`, `+`, `-`, `@`, a tab or a CR (OWASP's list for CSV injection).
 */
export function escapeFormula(text: string): string {
  switch (text.charCodeAt(0)) {
    case 0x3d: // =
    case 0x2b: // +
    case 0x2d: // -
    case 0x40: // @
    case 0x09: // tab
    case 0x0d: // CR
      return `'${text}`;
    default:
      return text;
  }
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** The text of one cell in CSV, before quoting: NULL empty, bytes base64, structures JSON. */
export function csvText(value: CellValue | undefined): string {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      if (value instanceof Uint8Array) return bytesToBase64(value);
      if (value instanceof Date) return value.toISOString();
      return toJson(value);
  }
}

/** One CSV record with its CR LF, for these columns in this order. */
export function csvRecord(values: readonly (CellValue | undefined)[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += ',';
    line += csvField(csvText(values[i]));
  }
  return `${line}\r\n`;
}

/** The CSV header record: the column names. */
export function csvHeader(columns: readonly string[]): string {
  return csvRecord(columns);
}

/** One row as a CSV record, its fields in `columns` order, text exactly as stored (see {@link csvSafeRow}). */
export function csvRow(row: Row, columns: readonly string[]): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += ',';
    line += csvField(csvText(row[columns[i] as string]));
  }
  return `${line}\r\n`;
}

/** One row as a CSV record, with text values a spreadsheet would run as formulas escaped ({@link escapeFormula}). */
export function csvSafeRow(row: Row, columns: readonly string[]): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) line += ',';
    const value = row[columns[i] as string];
    line += csvField(typeof value === 'string' ? escapeFormula(value) : csvText(value));
  }
  return `${line}\r\n`;
}

/** One row as an NDJSON line, its keys in `columns` order. */
export function ndjsonRow(row: Row, columns: readonly string[]): string {
  const ordered: Record<string, CellValue> = {};
  for (const name of columns) ordered[name] = row[name] ?? null;
  return `${toJson(ordered)}\n`;
}

/**
 * The `Content-Disposition` of a download named after the table: an ASCII `filename` (other
 * characters replaced by `_`) for old clients and the exact name as RFC 8187 `filename*`.
 */
export function attachmentDisposition(baseName: string, extension: string): string {
  const exact = `${baseName}.${extension}`;
  const ascii = `${baseName.replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '') || 'export'}.${extension}`;
  const encoded = encodeURIComponent(exact).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
