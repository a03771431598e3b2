import type { ColumnSchema, Row, RowKey, TableSchema } from '../datasource/types.js';
import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';
import { type SqlDialect, SqlParams } from './dialect.js';
import { quoteIdentifier } from './quote.js';
import { invalidQuery, requireColumn } from './schema.js';
import { selectList } from './select.js';
import { validateValue } from './values.js';

/** A write statement ready to run. */
export interface WritePlan {
  /** The SQL text (with `RETURNING` for insert and update). */
  readonly sql: string;
  /** Bind parameters, in placeholder order. */
  readonly params: unknown[];
}

/** What the write builders need. */
export interface WriteContext {
  /** The quoted (schema-qualified) table reference. */
  readonly from: string;
  /** The dialect. */
  readonly dialect: SqlDialect;
  /** Whether the datasource was opened for writing. */
  readonly writable: boolean;
}

/**
 * Throws `NCF_READ_ONLY` unless the table can be written through this datasource.
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { assertWritable, quoteIdentifier, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema;
 * declare const dialect: SqlDialect;
 *
 * // NCF_READ_ONLY for a datasource opened read-only, a view, or a table without a primary key.
 * assertWritable(schema, { from: quoteIdentifier(schema.name), dialect, writable: false });
 * ```
 */
export function assertWritable(schema: TableSchema, context: WriteContext): void {
  if (!context.writable) {
    throw NocofloError.create(Errors.ReadOnly, [schema.name, 'the datasource was opened read-only']);
  }
  if (schema.kind === 'view') throw NocofloError.create(Errors.ReadOnly, [schema.name, 'it is a view']);
  if (schema.primaryKey.length === 0 || !schema.writable) {
    throw NocofloError.create(Errors.ReadOnly, [schema.name, 'it has no primary key to identify rows by']);
  }
}

function assertRecord(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    invalidQuery(`${what} must be an object of column → value`);
  }
}

function writableColumns(schema: TableSchema, values: Record<string, unknown>): [ColumnSchema, unknown][] {
  return Object.entries(values).map(([name, value]) => {
    const column = requireColumn(schema, name);
    if (column.generated) {
      throw NocofloError.create(Errors.InvalidValue, [
        schema.name,
        column.name,
        'the column is computed by the database and cannot be written',
      ]);
    }
    return [column, value];
  });
}

/** The WHERE clause selecting one row by its full primary key. */
function keyCondition(schema: TableSchema, key: RowKey, context: WriteContext, params: SqlParams): string {
  assertRecord(key, 'the key');
  // An unknown column is NCF_COLUMN_NOT_FOUND; a real column outside the key is a bad query.
  for (const name of Object.keys(key)) requireColumn(schema, name);
  const extra = Object.keys(key).filter((name) => !schema.primaryKey.includes(name));
  if (extra.length > 0) {
    invalidQuery(
      `the key of ${schema.name} is (${schema.primaryKey.join(', ')}); ${extra.join(', ')} is not part of it`,
    );
  }
  return schema.primaryKey
    .map((name) => {
      const column = requireColumn(schema, name);
      if (!(name in key) || key[name] === undefined) {
        invalidQuery(`the key of ${schema.name} needs ${schema.primaryKey.join(', ')}; ${name} is missing`);
      }
      const value = validateValue(schema.name, column, key[name]);
      if (value === null) return `${quoteIdentifier(name)} IS NULL`;
      return `${quoteIdentifier(name)} = ${params.add(context.dialect.toParam(value, column))}`;
    })
    .join(' AND ');
}

/**
 * Describes a key for messages: `(PlaylistId=1, TrackId=2)`.
 *
 * @example
 * ```ts
 * import { formatKey } from '@nocoflo/sdk/sql';
 *
 * formatKey({ PlaylistId: 1, TrackId: 2n }); // '(PlaylistId=1, TrackId=2)', for messages
 * ```
 */
export function formatKey(key: RowKey): string {
  return `(${Object.entries(key ?? {})
    .map(([name, value]) => `${name}=${typeof value === 'bigint' ? value.toString() : JSON.stringify(value)}`)
    .join(', ')})`;
}

const returningList = (schema: TableSchema, context: WriteContext): string =>
  context.dialect.returning === false ? '' : ` RETURNING ${selectList(schema.columns)}`;

/**
 * `INSERT … RETURNING` every column (plain `INSERT` where the dialect has no `RETURNING`);
 * validates names, generated columns and values.
 *
 * @example
 * ```ts
 * import type { Row, RowKey, TableSchema } from '@nocoflo/sdk';
 * import { planDelete, planInsert, planUpdate, quoteIdentifier, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect;
 * declare function all(sql: string, params: unknown[]): Promise<Row[]>;
 * declare function run(sql: string, params: unknown[]): Promise<{ changes: number }>;
 *
 * // Names, generated columns, values and keys are validated; read-only tables refused.
 * async function write(schema: TableSchema, key: RowKey, values: Row): Promise<Row | undefined> {
 *   const context = { from: quoteIdentifier(schema.name), dialect, writable: true };
 *   const inserted = planInsert(schema, values, context); // INSERT … RETURNING *
 *   await all(inserted.sql, inserted.params);
 *   const updated = planUpdate(schema, key, { status: 'paid' }, context); // UPDATE … WHERE <key> RETURNING *
 *   const [row] = await all(updated.sql, updated.params); // no row: NCF_ROW_NOT_FOUND is yours to throw
 *   const deleted = planDelete(schema, key, context);
 *   await run(deleted.sql, deleted.params);
 *   return row;
 * }
 * ```
 */
export function planInsert(schema: TableSchema, values: Row, context: WriteContext): WritePlan {
  assertWritable(schema, context);
  assertRecord(values, 'the values');
  const params = new SqlParams(context.dialect.placeholder);
  const entries = writableColumns(schema, values).filter(([, value]) => value !== undefined);
  const returning = returningList(schema, context);
  if (entries.length === 0)
    return {
      sql: `INSERT INTO ${context.from} ${context.dialect.emptyInsert ?? 'DEFAULT VALUES'}${returning}`,
      params: [],
    };
  const names = entries.map(([column]) => quoteIdentifier(column.name)).join(', ');
  const placeholders = entries
    .map(([column, value]) =>
      params.add(context.dialect.toParam(validateValue(schema.name, column, value), column)),
    )
    .join(', ');
  return {
    sql: `INSERT INTO ${context.from} (${names}) VALUES (${placeholders})${returning}`,
    params: params.values,
  };
}

/**
 * `UPDATE … WHERE <key> RETURNING` every column (no `RETURNING` where the dialect has
 * none), or a plain keyed `SELECT` when there is nothing to change. No returned row means
 * no row has the key.
 *
 * @example
 * ```ts
 * import type { Row, RowKey, TableSchema } from '@nocoflo/sdk';
 * import { planDelete, planInsert, planUpdate, quoteIdentifier, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect;
 * declare function all(sql: string, params: unknown[]): Promise<Row[]>;
 * declare function run(sql: string, params: unknown[]): Promise<{ changes: number }>;
 *
 * // Names, generated columns, values and keys are validated; read-only tables refused.
 * async function write(schema: TableSchema, key: RowKey, values: Row): Promise<Row | undefined> {
 *   const context = { from: quoteIdentifier(schema.name), dialect, writable: true };
 *   const inserted = planInsert(schema, values, context); // INSERT … RETURNING *
 *   await all(inserted.sql, inserted.params);
 *   const updated = planUpdate(schema, key, { status: 'paid' }, context); // UPDATE … WHERE <key> RETURNING *
 *   const [row] = await all(updated.sql, updated.params); // no row: NCF_ROW_NOT_FOUND is yours to throw
 *   const deleted = planDelete(schema, key, context);
 *   await run(deleted.sql, deleted.params);
 *   return row;
 * }
 * ```
 */
export function planUpdate(schema: TableSchema, key: RowKey, changes: Row, context: WriteContext): WritePlan {
  assertWritable(schema, context);
  assertRecord(changes, 'the changes');
  const params = new SqlParams(context.dialect.placeholder);
  const entries = writableColumns(schema, changes).filter(([, value]) => value !== undefined);
  if (entries.length === 0) {
    const where = keyCondition(schema, key, context, params);
    return {
      sql: `SELECT ${selectList(schema.columns)} FROM ${context.from} WHERE ${where}`,
      params: params.values,
    };
  }
  const assignments = entries
    .map(
      ([column, value]) =>
        `${quoteIdentifier(column.name)} = ${params.add(context.dialect.toParam(validateValue(schema.name, column, value), column))}`,
    )
    .join(', ');
  const where = keyCondition(schema, key, context, params);
  return {
    sql: `UPDATE ${context.from} SET ${assignments} WHERE ${where}${returningList(schema, context)}`,
    params: params.values,
  };
}

/**
 * `SELECT` every column of the row with this full key: how a datasource whose dialect has
 * no `RETURNING` reads back the row it has just written. Validates the key like the writes
 * do; it does not need write access.
 *
 * @example
 * ```ts
 * import type { Row, RowKey, TableSchema } from '@nocoflo/sdk';
 * import { planFetch, planInsert, quoteIdentifier, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect; // one without RETURNING (MySQL): dialect.returning === false
 * declare function all(sql: string, params: unknown[]): Promise<Row[]>;
 *
 * // Insert, then read the row back by its key, in the same transaction.
 * async function insert(schema: TableSchema, values: Row, key: RowKey): Promise<Row | undefined> {
 *   const context = { from: quoteIdentifier(schema.name), dialect, writable: true };
 *   const plan = planInsert(schema, values, context);
 *   await all(plan.sql, plan.params);
 *   const fetch = planFetch(schema, key, context);
 *   return (await all(fetch.sql, fetch.params))[0];
 * }
 * ```
 */
export function planFetch(
  schema: TableSchema,
  key: RowKey,
  context: Omit<WriteContext, 'writable'>,
): WritePlan {
  const params = new SqlParams(context.dialect.placeholder);
  const where = keyCondition(schema, key, { ...context, writable: true }, params);
  return {
    sql: `SELECT ${selectList(schema.columns)} FROM ${context.from} WHERE ${where}`,
    params: params.values,
  };
}

/**
 * `DELETE … WHERE <key>`; zero affected rows means no row has the key.
 *
 * @example
 * ```ts
 * import type { Row, RowKey, TableSchema } from '@nocoflo/sdk';
 * import { planDelete, planInsert, planUpdate, quoteIdentifier, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const dialect: SqlDialect;
 * declare function all(sql: string, params: unknown[]): Promise<Row[]>;
 * declare function run(sql: string, params: unknown[]): Promise<{ changes: number }>;
 *
 * // Names, generated columns, values and keys are validated; read-only tables refused.
 * async function write(schema: TableSchema, key: RowKey, values: Row): Promise<Row | undefined> {
 *   const context = { from: quoteIdentifier(schema.name), dialect, writable: true };
 *   const inserted = planInsert(schema, values, context); // INSERT … RETURNING *
 *   await all(inserted.sql, inserted.params);
 *   const updated = planUpdate(schema, key, { status: 'paid' }, context); // UPDATE … WHERE <key> RETURNING *
 *   const [row] = await all(updated.sql, updated.params); // no row: NCF_ROW_NOT_FOUND is yours to throw
 *   const deleted = planDelete(schema, key, context);
 *   await run(deleted.sql, deleted.params);
 *   return row;
 * }
 * ```
 */
export function planDelete(schema: TableSchema, key: RowKey, context: WriteContext): WritePlan {
  assertWritable(schema, context);
  const params = new SqlParams(context.dialect.placeholder);
  const where = keyCondition(schema, key, context, params);
  return { sql: `DELETE FROM ${context.from} WHERE ${where}`, params: params.values };
}
