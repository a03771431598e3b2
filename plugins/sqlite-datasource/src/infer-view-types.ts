/**
 * Column types of SQLite views. A view column that is an expression (`sum(price * qty)`,
 * `strftime('%Y-%m', day)`) has no declared type, so it would be `unknown`: compared as
 * text by filters and offered no chart. Its type is inferred from the storage classes
 * (`typeof`) of a sample of its values instead.
 */
import type { ColumnSchema, ColumnType } from '@nocoflo/sdk';
import { quoteIdentifier } from '@nocoflo/sdk/sql';
import type Database from 'better-sqlite3';

/** Values sampled per view to infer its untyped columns. */
export const VIEW_TYPE_SAMPLE = 1000;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * The type of a column from its sampled non-NULL values, each with its storage class:
 * integers, numbers, ISO dates and date-times (SQLite's own text forms), text, bytes.
 */
export function typeFromSample(values: readonly { storage: string; value: unknown }[]): ColumnType {
  if (values.length === 0) return 'unknown';
  const classes = new Set(values.map((v) => v.storage));
  const only = (...allowed: string[]) => [...classes].every((c) => allowed.includes(c));
  if (only('integer')) return 'integer';
  if (only('integer', 'real')) return 'float';
  if (only('blob')) return 'binary';
  if (!only('text')) return 'unknown';
  const texts = values.map((v) => String(v.value));
  if (texts.every((t) => DATE.test(t))) return 'date';
  if (texts.every((t) => DATETIME.test(t))) return 'timestamp';
  return 'text';
}

/**
 * Gives the untyped columns of a view the type their values have. Columns with a declared
 * type (a plain column of a table, a CAST) keep it.
 */
export function inferViewColumnTypes(
  db: Database.Database,
  view: string,
  columns: readonly ColumnSchema[],
): ColumnSchema[] {
  const untyped = columns.filter((c) => c.type === 'unknown');
  if (untyped.length === 0) return [...columns];
  const picks = untyped
    .map((c, i) => `typeof(${quoteIdentifier(c.name)}) AS t${i}, ${quoteIdentifier(c.name)} AS v${i}`)
    .join(', ');
  let sample: unknown[][];
  try {
    sample = db
      .prepare(`SELECT ${picks} FROM ${quoteIdentifier(view)} LIMIT ${VIEW_TYPE_SAMPLE}`)
      .raw()
      .all() as unknown[][];
  } catch {
    // A view that cannot run (a dropped table under it) fails when read, with its own error.
    return [...columns];
  }
  const inferred = new Map<string, ColumnType>();
  untyped.forEach((column, i) => {
    const values = sample
      .map((row) => ({ storage: String(row[2 * i]), value: row[2 * i + 1] }))
      .filter((v) => v.storage !== 'null');
    inferred.set(column.name, typeFromSample(values));
  });
  return columns.map((c) => {
    const type = inferred.get(c.name);
    return type === undefined || type === 'unknown' ? c : { ...c, type };
  });
}
