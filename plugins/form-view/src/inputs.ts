/**
 * One typed input per column: numbers, dates, date-times, checkboxes, a textarea for long
 * text and JSON, a select for enums, each with a NULL toggle where the column allows NULL.
 */
import { type CellValue, type ColumnSchema, escapeHtml } from '@nocoflo/sdk';

/** JSON of a value with bigints as digit strings and bytes as `{ "$base64": … }` (as the data API reads them). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Uint8Array) return { $base64: Buffer.from(v).toString('base64') };
    return v;
  });
}

const attr = (value: unknown) => escapeHtml(value);

/** Whether a text column gets a textarea: no declared length, or a long one, or text with line breaks. */
function isLongText(column: ColumnSchema, value: CellValue): boolean {
  if (typeof value === 'string' && (value.length > 80 || value.includes('\n'))) return true;
  const length = /\((\d+)\)/.exec(column.nativeType)?.[1];
  if (length !== undefined) return Number(length) > 255;
  return /text|clob|json/i.test(column.nativeType) || column.nativeType === '';
}

/** `2024-01-02 03:04:05` → `2024-01-02T03:04:05`, or null when a datetime-local input cannot hold it. */
function localDateTime(value: string): string | null {
  const iso = value.trim().replace(' ', 'T');
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(iso) ? iso : null;
}

/** What an input shows for a value (`''` for NULL). */
function shown(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Uint8Array) return `‹${value.byteLength} bytes›`;
  return JSON.stringify(value, null, 2);
}

/** The input kind a column gets (also sent to the browser script, which reads values back by it). */
export type InputKind =
  | 'number'
  | 'checkbox'
  | 'date'
  | 'time'
  | 'datetime'
  | 'text'
  | 'textarea'
  | 'json'
  | 'select'
  | 'bytes';

/** Which input a column gets, for this value. */
export function inputKind(column: ColumnSchema, value: CellValue): InputKind {
  switch (column.type) {
    case 'integer':
    case 'decimal':
    case 'float':
      return 'number';
    case 'boolean':
      return 'checkbox';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'timestamp':
      return typeof value === 'string' && localDateTime(value) === null ? 'text' : 'datetime';
    case 'json':
    case 'array':
      return 'json';
    case 'enum':
      return column.enumValues && column.enumValues.length > 0 ? 'select' : 'text';
    case 'binary':
      return 'bytes';
    case 'text':
      return isLongText(column, value) ? 'textarea' : 'text';
    default:
      return 'text';
  }
}

/** Options of {@link renderInput}. */
export interface InputOptions {
  /** Element id (the label's `for`). */
  id: string;
  /** Whether the value can be changed here. */
  editable: boolean;
  /** Placeholder for an empty field in a new record. */
  placeholder?: string;
}

/** The control of one column: the input, and the NULL toggle for nullable columns. */
export function renderInput(column: ColumnSchema, value: CellValue, options: InputOptions): string {
  const kind = inputKind(column, value);
  const isNull = value === null || value === undefined;
  const editable = options.editable && kind !== 'bytes';
  const isNew = options.placeholder !== undefined;
  // A checkbox or a select cannot be read-only: they are disabled instead. A NULL value
  // starts disabled, with its NULL toggle ticked.
  const lockedByKind = !editable && (kind === 'checkbox' || kind === 'select');
  const disabled = lockedByKind || (editable && isNull && column.nullable && !isNew);
  const flags = [
    !editable && !lockedByKind ? ' readonly' : '',
    disabled ? ' disabled' : '',
    !column.nullable && !column.hasDefault && editable && kind !== 'checkbox' ? ' required' : '',
    isNew ? ` placeholder="${attr(options.placeholder)}"` : '',
  ].join('');
  const common = `id="${attr(options.id)}" name="${attr(column.name)}" data-col="${attr(column.name)}" data-kind="${kind}" data-type="${attr(column.type)}"${flags}`;
  let control: string;
  switch (kind) {
    case 'number': {
      const step = column.type === 'integer' ? '1' : 'any';
      control = `<input type="number" step="${step}" inputmode="${column.type === 'integer' ? 'numeric' : 'decimal'}" ${common} value="${attr(shown(value))}">`;
      break;
    }
    case 'checkbox':
      control = `<input type="checkbox" ${common}${value === true ? ' checked' : ''}>`;
      break;
    case 'date':
      control = `<input type="date" ${common} value="${attr(shown(value).slice(0, 10))}">`;
      break;
    case 'time':
      control = `<input type="time" step="1" ${common} value="${attr(shown(value))}">`;
      break;
    case 'datetime':
      control = `<input type="datetime-local" step="any" ${common} value="${attr(typeof value === 'string' ? (localDateTime(value) ?? '') : '')}">`;
      break;
    case 'textarea':
    case 'json':
      control = `<textarea rows="${kind === 'json' ? 4 : 3}" ${common}>${escapeHtml(shown(value))}</textarea>`;
      break;
    case 'select': {
      const choices = (column.enumValues ?? [])
        .map(
          (choice) =>
            `<option value="${attr(choice)}"${choice === value ? ' selected' : ''}>${escapeHtml(choice)}</option>`,
        )
        .join('');
      const blank = isNull ? '<option value="" selected></option>' : '';
      control = `<select ${common}>${blank}${choices}</select>`;
      break;
    }
    case 'bytes':
      control = `<input type="text" ${common} value="${attr(shown(value))}">`;
      break;
    default:
      control = `<input type="text" ${common} value="${attr(shown(value))}">`;
  }
  const nullToggle =
    column.nullable && editable
      ? ` <label class="ncf-null-toggle"><input type="checkbox" class="ncf-null" data-null-for="${attr(options.id)}"${isNull && !isNew ? ' checked' : ''}> NULL</label>`
      : '';
  return `${control}${nullToggle}`;
}
