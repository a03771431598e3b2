/**
 * Checks and normalises a value for a column type, following the SDK's value conventions
 * (integers as number or, beyond 2^53, bigint; decimals as strings; temporal values as ISO
 * strings; binary as Uint8Array; json as a parsed value).
 */
import { type CellValue, type ColumnSchema, Errors, NocofloError } from '@nocoflo/sdk';
import { isDecimalText } from '../../values/decimal.js';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An integer in the SDK convention: number when safe, bigint beyond. */
export function integerValue(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/** A deep copy, so callers never share mutable state with the store. */
export function copyValue(value: CellValue): CellValue {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value !== null && typeof value === 'object') return structuredClone(value);
  return value;
}

/**
 * The stored form of `value` for `column`, or a `NCF_INVALID_VALUE` error naming what was
 * expected. NULL passes here; NOT NULL is the caller's check (it is a constraint).
 */
export function coerceValue(table: string, column: ColumnSchema, value: unknown): CellValue {
  if (value === null) return null;
  const invalid = (expected: string) =>
    NocofloError.create(Errors.InvalidValue, [
      table,
      column.name,
      `expected ${expected}, got ${describe(value)}`,
    ]);
  switch (column.type) {
    case 'text':
      if (typeof value === 'string') return value;
      throw invalid('a string');
    case 'integer':
      if (typeof value === 'bigint') return integerValue(value);
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim()))
        return integerValue(BigInt(value.trim()));
      throw invalid('an integer (number or bigint)');
    case 'decimal':
      if (typeof value === 'string' && isDecimalText(value)) return value.trim();
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      if (typeof value === 'bigint') return value.toString();
      throw invalid('a decimal string such as "12.50"');
    case 'float':
      if (typeof value === 'number') return value;
      throw invalid('a number');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      throw invalid('true or false');
    case 'date':
      if (typeof value === 'string' && DATE.test(value)) return value;
      throw invalid('an ISO date "YYYY-MM-DD"');
    case 'time':
      if (typeof value === 'string' && TIME.test(value)) return value;
      throw invalid('an ISO time "HH:MM:SS"');
    case 'timestamp':
      if (typeof value === 'string' && TIMESTAMP.test(value)) return value;
      throw invalid('an ISO timestamp "YYYY-MM-DDTHH:MM:SS"');
    case 'timestamptz':
      if (typeof value === 'string' && TIMESTAMPTZ.test(value)) return value;
      throw invalid('an ISO timestamp with offset "YYYY-MM-DDTHH:MM:SSZ"');
    case 'uuid':
      if (typeof value === 'string' && UUID.test(value)) return value.toLowerCase();
      throw invalid('a UUID');
    case 'binary':
      if (value instanceof Uint8Array) return new Uint8Array(value);
      throw invalid('a Uint8Array');
    case 'array':
      if (Array.isArray(value)) return structuredClone(value) as CellValue;
      throw invalid('an array');
    case 'enum':
      if (typeof value === 'string' && (!column.enumValues || column.enumValues.includes(value)))
        return value;
      throw invalid(`one of ${(column.enumValues ?? []).join(', ')}`);
    case 'json':
      try {
        return structuredClone(value) as CellValue;
      } catch {
        throw invalid('a JSON value');
      }
    default:
      return copyValue(value as CellValue);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}
