import type { CellValue } from '../datasource/types.js';
import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';

/** What a keyset cursor carries: where a page ended, and which way to go from there. */
export interface CursorPayload {
  /** `after` reads the rows after `values`, `before` the rows before them. */
  direction: 'after' | 'before';
  /** The sort-key values (sort columns, then key columns) of the boundary row. */
  values: CellValue[];
  /** Fingerprint of the sort the cursor was made with; a cursor is refused under another sort. */
  sort: string;
}

// bigint and Uint8Array do not survive JSON; tag them so a cursor round-trips exactly.
function encodeValue(value: CellValue): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  return value;
}

const forged = (reason: string): never => {
  throw NocofloError.create(Errors.InvalidQuery, [
    `the "cursor" parameter is not one this datasource produced (${reason}); start again from the first page`,
  ]);
};

const BIGINT_TEXT = /^-?\d{1,400}$/;
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

// A cursor comes from the client: every value is checked before it can reach a query.
function decodeValue(value: unknown): CellValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : forged('a value is not a finite number');
  if (typeof value !== 'object') return forged('a value is not JSON');
  // Arrays and other objects are values of JSON or array columns; the sort key's column
  // type decides later whether they fit.
  if (Array.isArray(value)) return value as CellValue;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === '$bigint') {
    if (typeof record.$bigint === 'string' && BIGINT_TEXT.test(record.$bigint)) return BigInt(record.$bigint);
    return forged('$bigint is not a whole number');
  }
  if (keys.length === 1 && keys[0] === '$bytes') {
    if (
      typeof record.$bytes === 'string' &&
      record.$bytes.length % 4 === 0 &&
      BASE64_TEXT.test(record.$bytes)
    )
      return new Uint8Array(Buffer.from(record.$bytes, 'base64'));
    return forged('$bytes is not base64');
  }
  if ('$bigint' in record || '$bytes' in record) return forged('a tagged value has extra fields');
  return value as CellValue;
}

/**
 * Encodes a cursor as an opaque URL-safe string.
 *
 * @example
 * ```ts
 * import { decodeCursor, encodeCursor } from '@nocoflo/sdk/sql';
 *
 * // Opaque to clients, exact for bigint and bytes, and tied to the sort it was made under.
 * const cursor = encodeCursor({ direction: 'after', values: [9007199254740993n, 'Ada'], sort: 'id:asc,name:asc' });
 * const { direction, values } = decodeCursor(cursor, 'id:asc,name:asc'); // 'after', [9007199254740993n, 'Ada']
 * decodeCursor(cursor, 'name:desc'); // throws NCF_INVALID_QUERY: made for another sort
 * ```
 */
export function encodeCursor(payload: CursorPayload): string {
  const json = JSON.stringify({ d: payload.direction, v: payload.values.map(encodeValue), s: payload.sort });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor}; rejects anything else (not base64url JSON,
 * other shapes, tagged values that do not parse, objects or arrays as values) with
 * `NCF_INVALID_QUERY` naming the `cursor` parameter.
 *
 * @example
 * ```ts
 * import { decodeCursor, encodeCursor } from '@nocoflo/sdk/sql';
 *
 * // Opaque to clients, exact for bigint and bytes, and tied to the sort it was made under.
 * const cursor = encodeCursor({ direction: 'after', values: [9007199254740993n, 'Ada'], sort: 'id:asc,name:asc' });
 * const { direction, values } = decodeCursor(cursor, 'id:asc,name:asc'); // 'after', [9007199254740993n, 'Ada']
 * decodeCursor(cursor, 'name:desc'); // throws NCF_INVALID_QUERY: made for another sort
 * ```
 */
export function decodeCursor(cursor: string, expectedSort: string): CursorPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return forged('it is not base64url JSON');
  }
  const record = parsed as { d?: unknown; v?: unknown; s?: unknown } | null;
  if (
    !record ||
    (record.d !== 'after' && record.d !== 'before') ||
    !Array.isArray(record.v) ||
    typeof record.s !== 'string'
  ) {
    return forged('it lacks a direction, values or sort');
  }
  if (record.s !== expectedSort) {
    throw NocofloError.create(Errors.InvalidQuery, [
      'the cursor was made for another sort order; start again from the first page',
    ]);
  }
  return { direction: record.d, values: record.v.map(decodeValue), sort: record.s };
}
