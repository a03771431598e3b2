import type { ColumnSchema, TableSchema } from '../datasource/types.js';
import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';

/** Finds a column of a described table, or throws `NCF_COLUMN_NOT_FOUND` naming the known columns. */
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

/** Throws `NCF_INVALID_QUERY` with the reason. */
export function invalidQuery(reason: string): never {
  throw NocofloError.create(Errors.InvalidQuery, [reason]);
}

/** Reads an optional integer option within bounds, or throws `NCF_INVALID_QUERY`. */
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
