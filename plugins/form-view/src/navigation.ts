/**
 * Finding records by key and their neighbours in key order, through the read access a
 * view is given: equality filters for one record, `gt`/`lt` filters with a key sort for
 * the next and previous one (one query per key column at most, so composite keys work
 * without OR), a key sort for the first and last.
 */
import type { CellValue, Filter, Row, RowKey, SortSpec, TableSchema, ViewDataAccess } from '@nocoflo/sdk';

/** What the page parameters say about which record to show. */
export type RecordTarget =
  | {
      /** The first (`at=first`, or nothing asked) or last (`at=last`) record in key order, or an empty form (`new`). */
      kind: 'first' | 'last' | 'new';
    }
  | {
      /** The record with a key (`key=<json>` or `key.<column>=…`). */
      kind: 'key';
      /** Its key. */
      key: RowKey;
    }
  | {
      /** A row of a table without a key, by page cursor. */
      kind: 'cursor';
      /** The cursor of a one-row page. */
      cursor: string;
    };

/** The target, and why a parameter was not usable (said on the page). */
export interface ParsedTarget {
  /** The record to show. */
  target: RecordTarget;
  /** A problem with the parameters, in words. */
  problem?: string;
}

/** Reads which record the page asks for: `new`, `at=first|last`, `key=<json>`, `key.<column>=…` or `cursor`. */
export function parseTarget(table: TableSchema, params: Readonly<Record<string, string>>): ParsedTarget {
  if (params.new !== undefined) return { target: { kind: 'new' } };
  if (params.at === 'last') return { target: { kind: 'last' } };
  if (table.primaryKey.length === 0) {
    return params.cursor
      ? { target: { kind: 'cursor', cursor: params.cursor } }
      : { target: { kind: 'first' } };
  }
  let key: Record<string, unknown> | null = null;
  if (params.key !== undefined) {
    try {
      const parsed = JSON.parse(params.key) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        key = parsed as Record<string, unknown>;
    } catch {
      // reported below
    }
    if (!key)
      return {
        target: { kind: 'first' },
        problem: 'The record key in the link is not valid JSON; showing the first record.',
      };
  } else if (table.primaryKey.some((name) => params[`key.${name}`] !== undefined)) {
    key = {};
    for (const name of table.primaryKey) key[name] = params[`key.${name}`] ?? '';
  }
  if (!key) return { target: { kind: 'first' } };
  const missing = table.primaryKey.filter((name) => key?.[name] === undefined || key?.[name] === '');
  if (missing.length > 0) {
    return {
      target: { kind: 'first' },
      problem: `The record key needs ${missing.join(', ')}; showing the first record.`,
    };
  }
  const clean: RowKey = {};
  for (const name of table.primaryKey) clean[name] = key[name] as CellValue;
  return { target: { kind: 'key', key: clean } };
}

/** The key of a row. */
export function keyOf(table: TableSchema, row: Row): RowKey {
  const key: RowKey = {};
  for (const name of table.primaryKey) key[name] = row[name] ?? null;
  return key;
}

const keySort = (table: TableSchema, direction: 'asc' | 'desc'): SortSpec[] =>
  table.primaryKey.map((column) => ({ column, direction }));

/** The record with this key, or null. */
export async function readByKey(data: ViewDataAccess, table: TableSchema, key: RowKey): Promise<Row | null> {
  const filter: Filter[] = table.primaryKey.map((column) => ({
    column,
    op: 'eq',
    value: key[column] ?? null,
  }));
  const page = await data.readPage(table.name, { filter, limit: 1 });
  return page.rows[0] ?? null;
}

/** The first or last record in key order, or null for an empty table. */
export async function readEdge(
  data: ViewDataAccess,
  table: TableSchema,
  which: 'first' | 'last',
): Promise<Row | null> {
  if (table.primaryKey.length === 0) return (await data.readPage(table.name, { limit: 1 })).rows[0] ?? null;
  const page = await data.readPage(table.name, {
    sort: keySort(table, which === 'first' ? 'asc' : 'desc'),
    limit: 1,
  });
  return page.rows[0] ?? null;
}

/**
 * The key of the record right after (or before) `key` in key order, or null. For a key
 * (k1, k2): first the rows with k1 equal and k2 beyond, then those with k1 beyond.
 */
export async function neighbourKey(
  data: ViewDataAccess,
  table: TableSchema,
  key: RowKey,
  direction: 'next' | 'prev',
): Promise<RowKey | null> {
  const keys = table.primaryKey;
  for (let i = keys.length - 1; i >= 0; i--) {
    const filter: Filter[] = keys
      .slice(0, i)
      .map((column) => ({ column, op: 'eq', value: key[column] ?? null }));
    filter.push({
      column: keys[i] as string,
      op: direction === 'next' ? 'gt' : 'lt',
      value: key[keys[i] as string] ?? null,
    });
    const page = await data.readPage(table.name, {
      filter,
      sort: keySort(table, direction === 'next' ? 'asc' : 'desc'),
      columns: [...keys],
      limit: 1,
    });
    const row = page.rows[0];
    if (row) return keyOf(table, row);
  }
  return null;
}
