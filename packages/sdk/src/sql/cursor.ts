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

function decodeValue(value: unknown): CellValue {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (typeof record.$bigint === 'string') return BigInt(record.$bigint);
    if (typeof record.$bytes === 'string') return new Uint8Array(Buffer.from(record.$bytes, 'base64'));
  }
  return value as CellValue;
}

/** Encodes a cursor as an opaque URL-safe string. */
export function encodeCursor(payload: CursorPayload): string {
  const json = JSON.stringify({ d: payload.direction, v: payload.values.map(encodeValue), s: payload.sort });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}; rejects anything else with `NCF_INVALID_QUERY`. */
export function decodeCursor(cursor: string, expectedSort: string): CursorPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw NocofloError.create(Errors.InvalidQuery, ['the cursor is not one this datasource produced']);
  }
  const record = parsed as { d?: unknown; v?: unknown; s?: unknown } | null;
  if (
    !record ||
    (record.d !== 'after' && record.d !== 'before') ||
    !Array.isArray(record.v) ||
    typeof record.s !== 'string'
  ) {
    throw NocofloError.create(Errors.InvalidQuery, ['the cursor is not one this datasource produced']);
  }
  if (record.s !== expectedSort) {
    throw NocofloError.create(Errors.InvalidQuery, [
      'the cursor was made for another sort order; start again from the first page',
    ]);
  }
  return { direction: record.d, values: record.v.map(decodeValue), sort: record.s };
}
