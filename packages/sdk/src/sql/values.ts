import type { CellValue, ColumnSchema, ColumnType } from '../datasource/types.js';
import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';
import { canonicalTimestamp, isCalendarDate, VALUE_EXAMPLES } from '../values/codec.js';

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}$/;
const TIME_TEXT = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}(:?\d{2})?|Z)?$/;
const UUID_TEXT = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A `bigint` as a `number` when it fits exactly, as the SDK's integer convention says.
 *
 * @example
 * ```ts
 * import { normaliseBigInt } from '@nocoflo/sdk/sql';
 *
 * normaliseBigInt(42n); // 42: fits a number exactly
 * normaliseBigInt(2n ** 60n); // 1152921504606846976n: stays a bigint
 * ```
 */
export function normaliseBigInt(value: bigint): number | bigint {
  return value <= MAX_SAFE && value >= -MAX_SAFE ? Number(value) : value;
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return 'an object';
  return String(value);
}

function isJsonValue(value: unknown, depth = 0): boolean {
  if (depth > 100) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonValue(item, depth + 1));
  if (typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.values(value as object).every((item) => isJsonValue(item, depth + 1));
  }
  return false;
}

// Returns the accepted value (possibly normalised, e.g. "42" → 42 for an integer column)
// or a reason it is refused.
function check(
  type: ColumnType,
  column: ColumnSchema,
  value: unknown,
): { ok: CellValue } | { reason: string } {
  switch (type) {
    case 'integer':
      if (typeof value === 'bigint') return { ok: normaliseBigInt(value) };
      if (typeof value === 'number' && Number.isInteger(value)) {
        return Number.isSafeInteger(value)
          ? { ok: value }
          : { reason: 'integers beyond ±2^53 must be given as bigint or as a string of digits' };
      }
      if (typeof value === 'string' && INTEGER_TEXT.test(value.trim())) {
        return { ok: normaliseBigInt(BigInt(value.trim())) };
      }
      return { reason: `expected an integer, got ${describe(value)}` };
    case 'decimal':
      if (typeof value === 'bigint') return { ok: value.toString() };
      if (typeof value === 'number' && Number.isFinite(value)) return { ok: String(value) };
      if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return { ok: value.trim() };
      return {
        reason: `expected an exact number (a decimal string such as "12.50"), got ${describe(value)}`,
      };
    case 'float':
      if (typeof value === 'number') return { ok: value };
      if (typeof value === 'bigint') return { ok: Number(value) };
      if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return { ok: Number(value) };
      return { reason: `expected a number, got ${describe(value)}` };
    case 'boolean':
      if (typeof value === 'boolean') return { ok: value };
      return { reason: `expected true or false, got ${describe(value)}` };
    case 'text':
      if (typeof value === 'string') return { ok: value };
      return { reason: `expected a string, got ${describe(value)}` };
    case 'enum':
      if (typeof value !== 'string') return { reason: `expected a string, got ${describe(value)}` };
      if (column.enumValues && !column.enumValues.includes(value)) {
        return { reason: `${describe(value)} is not one of ${column.enumValues.join(', ')}` };
      }
      return { ok: value };
    case 'uuid':
      if (typeof value === 'string' && UUID_TEXT.test(value)) return { ok: value };
      return { reason: `expected a UUID such as "0b6c1e1e-…", got ${describe(value)}` };
    case 'date':
      if (typeof value === 'string' && DATE_TEXT.test(value.trim()) && isCalendarDate(value.trim())) {
        return { ok: value.trim() };
      }
      return { reason: `expected a date such as "${VALUE_EXAMPLES.date}", got ${describe(value)}` };
    case 'time':
      if (typeof value === 'string' && TIME_TEXT.test(value)) return { ok: value };
      return { reason: `expected a time such as "${VALUE_EXAMPLES.time}", got ${describe(value)}` };
    case 'timestamp':
    case 'timestamptz': {
      // One canonical text (space, no trailing zeros), so a filter on 2021-01-01 finds the
      // midnight SQLite keeps as "2021-01-01 00:00:00", and an edit is stored as the others are.
      const canonical =
        typeof value === 'string' ? canonicalTimestamp(value, type === 'timestamptz') : undefined;
      if (canonical !== undefined) return { ok: canonical };
      return {
        reason: `expected a date and time such as "${VALUE_EXAMPLES[type]}", got ${describe(value)}`,
      };
    }
    case 'json':
      if (isJsonValue(value)) return { ok: value as CellValue };
      return { reason: `expected a JSON value, got ${describe(value)}` };
    case 'binary':
      if (value instanceof Uint8Array) return { ok: value };
      return { reason: `expected bytes (a Uint8Array), got ${describe(value)}` };
    case 'array': {
      if (!Array.isArray(value)) return { reason: `expected an array, got ${describe(value)}` };
      const elementType = column.elementType ?? 'unknown';
      const items: CellValue[] = [];
      for (const [index, item] of value.entries()) {
        if (item === null) {
          items.push(null);
          continue;
        }
        const result = check(elementType, column, item);
        if ('reason' in result) return { reason: `element ${index}: ${result.reason}` };
        items.push(result.ok);
      }
      return { ok: items };
    }
    case 'unknown':
      return { ok: value as CellValue };
  }
}

/**
 * Checks that a value fits a column's normalised type and returns it in the SDK's
 * convention (integer strings become numbers or bigints, decimals become exact strings).
 * `null` is accepted here; NOT NULL is the database's to enforce. Throws
 * `NCF_INVALID_VALUE` naming the table, the column and what was expected.
 *
 * @example
 * ```ts
 * import type { ColumnSchema } from '@nocoflo/sdk';
 * import { validateValue } from '@nocoflo/sdk/sql';
 * declare const total: ColumnSchema; // type 'decimal'
 * declare const id: ColumnSchema; // type 'integer'
 *
 * validateValue('orders', total, 12.5); // '12.5': decimals are exact strings
 * validateValue('orders', id, '9007199254740993'); // 9007199254740993n: past 2^53 an integer is a bigint
 * validateValue('orders', id, 'abc'); // throws NCF_INVALID_VALUE naming orders.id and what was expected
 * ```
 */
export function validateValue(table: string, column: ColumnSchema, value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  const result = check(column.type, column, value);
  if ('reason' in result) {
    throw NocofloError.create(Errors.InvalidValue, [table, column.name, result.reason]);
  }
  return result.ok;
}
