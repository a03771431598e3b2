/**
 * SQL-like value semantics in JavaScript: ordering with NULLs smallest, equality by
 * normalised type. The memory datasource runs on it, and the conformance suite uses it to
 * compute expected results from the fixture.
 */
import { type CellValue, type ColumnType, canonicalTemporal } from '@nocoflo/sdk';
import { compareDecimals, isDecimalText, normalizeDecimal } from './decimal.js';

/**
 * Canonical text of a timestamp or time, by the SDK's value codec: space separator, no
 * trailing fractional zeros, `+00:00` for `Z`. With a type, a `timestamp` (without time
 * zone) drops an offset as the databases do.
 *
 * @example
 * ```ts
 * import { normalizeTemporal } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * expect(normalizeTemporal('2024-05-01T10:00:00.500Z')).toBe('2024-05-01 10:00:00.5+00:00');
 * expect(normalizeTemporal('2024-05-01T10:00:00+02:00', 'timestamp')).toBe('2024-05-01 10:00:00');
 * ```
 */
export function normalizeTemporal(value: string, type: ColumnType = 'timestamptz'): string {
  return canonicalTemporal(type, value);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] ?? 0) - (b[i] ?? 0);
  return a.length - b.length;
}

function isNumeric(v: unknown): v is number | bigint | string {
  return typeof v === 'number' || typeof v === 'bigint' || (typeof v === 'string' && isDecimalText(v));
}

function compareText(a: string, b: string): number {
  // Code-point order, as SQLite's BINARY collation and PostgreSQL's "C" collation sort.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two non-NULL values of a column type. Numbers (also decimal strings and bigints)
 * compare exactly; text by code unit; everything else by its canonical text.
 */
export function compareNonNull(type: ColumnType | undefined, a: CellValue, b: CellValue): number {
  if (
    (type === 'integer' || type === 'decimal' || type === 'float' || type === undefined) &&
    isNumeric(a) &&
    isNumeric(b)
  ) {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return compareDecimals(a, b);
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (typeof a === 'string' && typeof b === 'string') {
    if (type === 'timestamp' || type === 'timestamptz' || type === 'time') {
      return compareText(normalizeTemporal(a, type), normalizeTemporal(b, type));
    }
    return compareText(a, b);
  }
  return compareText(canonicalText(type, a), canonicalText(type, b));
}

/**
 * Orders two values with NULL smallest (so NULLs come first ascending, last descending).
 *
 * @example
 * ```ts
 * import { canonicalText, compareValues, valuesEqual } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * // SQL value semantics for expected rows: NULL smallest, decimals and timestamps by meaning.
 * expect(compareValues('integer', null, 1)).toBeLessThan(0);
 * expect(valuesEqual('decimal', '1.50', '1.5')).toBe(true);
 * expect(canonicalText('timestamptz', '2024-05-01T10:00:00Z')).toBe(canonicalText('timestamptz', '2024-05-01 10:00:00+00:00'));
 * ```
 */
export function compareValues(type: ColumnType | undefined, a: CellValue, b: CellValue): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  return compareNonNull(type, a, b);
}

/**
 * SQL equality of non-NULL values of a column type (decimals `'1.50'` = `'1.5'`).
 *
 * @example
 * ```ts
 * import { canonicalText, compareValues, valuesEqual } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * // SQL value semantics for expected rows: NULL smallest, decimals and timestamps by meaning.
 * expect(compareValues('integer', null, 1)).toBeLessThan(0);
 * expect(valuesEqual('decimal', '1.50', '1.5')).toBe(true);
 * expect(canonicalText('timestamptz', '2024-05-01T10:00:00Z')).toBe(canonicalText('timestamptz', '2024-05-01 10:00:00+00:00'));
 * ```
 */
export function valuesEqual(type: ColumnType | undefined, a: CellValue, b: CellValue): boolean {
  if (a === null || b === null) return a === b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return bytesEqual(a, b);
  return canonicalText(type, a) === canonicalText(type, b);
}

/**
 * A string that two values share exactly when they mean the same value of that column
 * type; used to compare datasource output with expected rows. NULL is `null`.
 *
 * @example
 * ```ts
 * import { canonicalText, compareValues, valuesEqual } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * // SQL value semantics for expected rows: NULL smallest, decimals and timestamps by meaning.
 * expect(compareValues('integer', null, 1)).toBeLessThan(0);
 * expect(valuesEqual('decimal', '1.50', '1.5')).toBe(true);
 * expect(canonicalText('timestamptz', '2024-05-01T10:00:00Z')).toBe(canonicalText('timestamptz', '2024-05-01 10:00:00+00:00'));
 * ```
 */
export function canonicalText(type: ColumnType | undefined, value: CellValue | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('hex')}`;
  switch (type) {
    case 'integer':
    case 'decimal':
      if (isNumeric(value)) return `num:${normalizeDecimal(value)}`;
      break;
    case 'float':
      if (typeof value === 'number') return `num:${Object.is(value, -0) ? '0' : String(value)}`;
      if (isNumeric(value)) return `num:${normalizeDecimal(value)}`;
      break;
    case 'timestamp':
    case 'timestamptz':
    case 'time':
      if (typeof value === 'string') return `str:${normalizeTemporal(value, type)}`;
      break;
    case 'json':
    case 'array':
      return `json:${stableJson(value)}`;
    default:
      break;
  }
  if (typeof value === 'string') return `str:${value}`;
  if (typeof value === 'bigint') return `num:${value}`;
  if (typeof value === 'number') return `num:${normalizeDecimal(value)}`;
  if (typeof value === 'boolean') return `bool:${value}`;
  return `json:${stableJson(value)}`;
}

/** JSON with object keys sorted, bigints as digits: equal values give equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array)) {
      return Object.fromEntries(
        Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
      );
    }
    return v;
  });
}
