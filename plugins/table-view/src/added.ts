/**
 * The row just inserted: after "Add row" the page is reloaded with `added=<key as JSON>`,
 * and the row is read by that key and shown first, marked and announced, wherever the
 * page's sort and paging would have put it.
 */
import type { Filter, Row, TableSchema, ViewDataAccess } from '@nocoflo/sdk';

/** The key in `added=…`, when it is a JSON object naming exactly the primary key columns. */
export function parseAddedKey(table: TableSchema, text: string | undefined): Row | undefined {
  if (!text || table.primaryKey.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const key = parsed as Row;
  const names = Object.keys(key);
  const complete =
    names.length === table.primaryKey.length && table.primaryKey.every((name) => names.includes(name));
  return complete ? key : undefined;
}

/** Reads the added row by its key; undefined when it is gone (deleted meanwhile) or the key is refused. */
export async function readAddedRow(
  data: ViewDataAccess,
  table: TableSchema,
  key: Row,
): Promise<Row | undefined> {
  const filter: Filter[] = table.primaryKey.map((column) => ({
    column,
    op: 'eq',
    value: key[column] ?? null,
  }));
  try {
    return (await data.readPage(table.name, { filter, limit: 1 })).rows[0];
  } catch {
    return undefined;
  }
}

/** "id 413", "invoice_id 5, line 2": a key in words. */
export function describeKey(table: TableSchema, row: Row): string {
  return table.primaryKey.map((name) => `${name} ${String(row[name])}`).join(', ');
}
