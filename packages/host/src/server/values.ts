/**
 * Checks and converts values arriving as JSON to what a column holds, before any write
 * reaches the datasource: a value of the wrong type, an unknown column or an incomplete
 * key is refused with a NocofloError saying which column and why, and nothing is written.
 * Text from a form ("42", "true") is accepted for numbers and booleans.
 */
import {
  type CellValue,
  type ColumnSchema,
  canonicalTimestamp,
  Errors,
  isCalendarDate,
  NocofloError,
  parseBooleanText,
  type Row,
  type RowKey,
  type TableSchema,
  VALUE_EXAMPLES,
} from '@nocoflo/sdk';

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Converts one value for a column, or returns why it does not fit. */
function convert(column: ColumnSchema, value: unknown): { value: CellValue } | { reason: string } {
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (column.type) {
    case 'text':
      return typeof value === 'string' ? { value } : { reason: `expected text, got ${describe(value)}` };
    case 'integer': {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return { value };
      if (text !== undefined && INTEGER.test(text)) {
        const big = BigInt(text);
        const safe = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER);
        return { value: safe ? Number(big) : big };
      }
      return { reason: `expected a whole number, got ${describe(value)}` };
    }
    case 'float': {
      if (typeof value === 'number' && Number.isFinite(value)) return { value };
      if (text !== undefined && NUMBER.test(text)) return { value: Number(text) };
      return { reason: `expected a number, got ${describe(value)}` };
    }
    case 'decimal': {
      if (typeof value === 'number' && Number.isFinite(value)) return { value: String(value) };
      if (text !== undefined && NUMBER.test(text)) return { value: text };
      return { reason: `expected a decimal number, got ${describe(value)}` };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { value };
      if (value === 0 || value === 1) return { value: value === 1 };
      const parsed = text === undefined ? undefined : parseBooleanText(text);
      if (parsed !== undefined) return { value: parsed };
      return { reason: `expected true or false, got ${describe(value)}` };
    }
    case 'date':
      return text !== undefined && isCalendarDate(text)
        ? { value: text }
        : { reason: `expected a date like ${VALUE_EXAMPLES.date}, got ${describe(value)}` };
    case 'time':
      return text !== undefined && TIME.test(text)
        ? { value: text }
        : { reason: `expected a time like ${VALUE_EXAMPLES.time}, got ${describe(value)}` };
    case 'timestamp':
    case 'timestamptz': {
      const canonical =
        text === undefined ? undefined : canonicalTimestamp(text, column.type === 'timestamptz');
      return canonical !== undefined
        ? { value: canonical }
        : { reason: `expected a date and time like ${VALUE_EXAMPLES[column.type]}, got ${describe(value)}` };
    }
    case 'uuid':
      return text !== undefined && UUID.test(text)
        ? { value: text }
        : { reason: `expected a UUID, got ${describe(value)}` };
    case 'enum':
      if (typeof value !== 'string')
        return { reason: `expected one of the allowed values, got ${describe(value)}` };
      if (column.enumValues && !column.enumValues.includes(value)) {
        return { reason: `${JSON.stringify(value)} is not one of ${column.enumValues.join(', ')}` };
      }
      return { value };
    case 'binary':
      if (isPlainObject(value) && typeof value.$base64 === 'string') {
        return { value: new Uint8Array(Buffer.from(value.$base64, 'base64')) };
      }
      return { reason: 'expected bytes as { "$base64": "…" }' };
    case 'array':
      return Array.isArray(value)
        ? { value: value as CellValue[] }
        : { reason: `expected a JSON array, got ${describe(value)}` };
    case 'json':
      return { value: value as CellValue };
    default:
      return isPlainObject(value) ? { reason: 'expected a plain value' } : { value: value as CellValue };
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 40 ? `text "${value.slice(0, 40)}…"` : `text "${value}"`;
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

function columnOf(table: TableSchema, name: string): ColumnSchema {
  const column = table.columns.find((c) => c.name === name);
  if (!column) {
    throw NocofloError.create(Errors.ColumnNotFound, [table.name, name, table.columns.map((c) => c.name)]);
  }
  return column;
}

function convertValue(table: TableSchema, column: ColumnSchema, value: unknown): CellValue {
  if (value === null) {
    if (!column.nullable) {
      throw NocofloError.create(Errors.InvalidValue, [
        table.name,
        column.name,
        'the column does not accept NULL',
      ]);
    }
    return null;
  }
  if (value === undefined) {
    throw NocofloError.create(Errors.InvalidValue, [table.name, column.name, 'no value was given']);
  }
  const result = convert(column, value);
  if ('reason' in result)
    throw NocofloError.create(Errors.InvalidValue, [table.name, column.name, result.reason]);
  return result.value;
}

/** Checks that the table can be written by key at all. */
export function assertWritable(table: TableSchema, needsKey: boolean): void {
  if (table.kind === 'view') throw NocofloError.create(Errors.ReadOnly, [table.name, 'it is a view']);
  if (!table.writable)
    throw NocofloError.create(Errors.ReadOnly, [table.name, 'the datasource cannot write it']);
  if (needsKey && table.primaryKey.length === 0) {
    throw NocofloError.create(Errors.ReadOnly, [table.name, 'it has no primary key to find a row by']);
  }
}

/** Values for an insert or the changes of an update, converted per column. */
export function convertRow(table: TableSchema, input: unknown, what: 'values' | 'changes'): Row {
  if (!isPlainObject(input)) {
    throw NocofloError.create(Errors.BadRequest, [`"${what}" must be an object of column name → value`]);
  }
  const names = Object.keys(input);
  if (what === 'changes' && names.length === 0) {
    throw NocofloError.create(Errors.BadRequest, ['"changes" names no column to change']);
  }
  const row: Row = {};
  for (const name of names) {
    const column = columnOf(table, name);
    if (column.generated) {
      throw NocofloError.create(Errors.InvalidValue, [table.name, name, 'the database computes this column']);
    }
    row[name] = convertValue(table, column, input[name]);
  }
  return row;
}

/** A row key: exactly the primary-key columns, each converted to its type. */
export function convertKey(table: TableSchema, input: unknown): RowKey {
  if (!isPlainObject(input)) {
    throw NocofloError.create(Errors.BadRequest, [
      `"key" must be an object with the primary-key columns (${table.primaryKey.join(', ')})`,
    ]);
  }
  const extra = Object.keys(input).filter((name) => !table.primaryKey.includes(name));
  const missing = table.primaryKey.filter((name) => !(name in input));
  if (extra.length > 0 || missing.length > 0) {
    const parts = [
      missing.length ? `it lacks ${missing.join(', ')}` : '',
      extra.length
        ? `${extra.join(', ')} ${extra.length === 1 ? 'is' : 'are'} not part of the primary key`
        : '',
    ].filter(Boolean);
    throw NocofloError.create(Errors.BadRequest, [
      `the key of ${table.name} is (${table.primaryKey.join(', ')}), but ${parts.join(' and ')}`,
    ]);
  }
  const key: RowKey = {};
  for (const name of table.primaryKey) {
    const column = columnOf(table, name);
    if (input[name] === null)
      throw NocofloError.create(Errors.InvalidValue, [table.name, name, 'a key value cannot be NULL']);
    key[name] = convertValue(table, column, input[name]);
  }
  return key;
}
