import type { ColumnSchema, TableSchema } from '../datasource/types.js';
import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';

/**
 * Finds a column of a described table, or throws `NCF_COLUMN_NOT_FOUND` naming the known columns.
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { requireColumn } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema;
 *
 * const column = requireColumn(schema, 'total'); // the ColumnSchema, or NCF_COLUMN_NOT_FOUND naming the columns there are
 * if (column.type !== 'decimal') console.log(`${column.name} is ${column.nativeType}`);
 * ```
 */
export function requireColumn(schema: TableSchema, name: unknown): ColumnSchema {
  const column =
    typeof name === 'string' ? schema.columns.find((candidate) => candidate.name === name) : undefined;
  if (!column) {
    throw NocofloError.create(Errors.ColumnNotFound, [
      schema.name,
      String(name),
      schema.columns.map((c) => c.name),
    ]);
  }
  return column;
}

/**
 * Throws `NCF_INVALID_QUERY` with the reason.
 *
 * @example
 * ```ts
 * import type { ReadPageOptions } from '@nocoflo/sdk';
 * import { invalidQuery } from '@nocoflo/sdk/sql';
 *
 * function checkOptions(options: ReadPageOptions): void {
 *   if (options.filter && options.filter.length > 5) invalidQuery('this API accepts at most 5 filters'); // NCF_INVALID_QUERY
 * }
 * ```
 */
export function invalidQuery(reason: string): never {
  throw NocofloError.create(Errors.InvalidQuery, [reason]);
}

/**
 * Reads an optional integer option within bounds, or throws `NCF_INVALID_QUERY`.
 *
 * @example
 * ```ts
 * import type { ReadPageOptions } from '@nocoflo/sdk';
 * import { boundedInteger } from '@nocoflo/sdk/sql';
 * declare const options: ReadPageOptions;
 *
 * // 100 when absent; NCF_INVALID_QUERY naming `limit` when not an integer from 1 to 10,000.
 * const limit = boundedInteger(options.limit, 'limit', 100, 1, 10_000);
 * ```
 */
export function boundedInteger(
  value: unknown,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidQuery(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}
