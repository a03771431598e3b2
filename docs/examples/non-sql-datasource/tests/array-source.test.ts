import { isNocofloError, type Row, type TableSchema } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { readArrayPage } from '../src/array-source.js';

const schema: TableSchema = {
  name: 'people',
  kind: 'table',
  columns: [
    { name: 'id', type: 'integer', nativeType: 'number', nullable: false, hasDefault: false },
    { name: 'name', type: 'text', nativeType: 'string', nullable: true, hasDefault: false },
  ],
  primaryKey: ['id'],
  foreignKeys: [],
  writable: false,
};
// 25 people; every fifth has no name, and names repeat, so the key must break ties.
const rows: Row[] = Array.from({ length: 25 }, (_, i) => ({
  id: i + 1,
  name: i % 5 === 4 ? null : `P${i % 7}`,
}));

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isNocofloError(error) ? error.code : String(error);
  }
  return 'no error';
};

describe('readArrayPage: a non-SQL read path on the SDK helpers', () => {
  it('pages forward and back with cursors: every row once, in a total order', () => {
    const sort = [{ column: 'name', direction: 'desc' as const }];
    const pages = [readArrayPage(schema, rows, { limit: 10, sort })];
    for (let next = pages[0]?.nextCursor; next; next = pages.at(-1)?.nextCursor)
      pages.push(readArrayPage(schema, rows, { limit: 10, sort, cursor: next }));
    const seen = pages.flatMap((page) => page.rows.map((row) => row.id));
    expect(pages.map((page) => page.rows.length)).toEqual([10, 10, 5]);
    expect(new Set(seen).size).toBe(25);
    // NULLs sort as the smallest value: last when descending.
    expect(pages[2]?.rows.every((row) => row.name === null)).toBe(true);
    const back = readArrayPage(schema, rows, { limit: 10, sort, cursor: pages[2]?.prevCursor });
    expect(back.rows).toEqual(pages[1]?.rows);
  });

  it('filters with validated operands and returns the requested columns plus the key', () => {
    const page = readArrayPage(schema, rows, {
      filter: [{ column: 'name', op: 'startsWith', value: 'p1' }], // ignores case by default
      columns: ['name'],
    });
    expect(page.rows).toEqual([
      { name: 'P1', id: 2 },
      { name: 'P1', id: 9 },
      { name: 'P1', id: 16 },
      { name: 'P1', id: 23 },
    ]);
    expect(readArrayPage(schema, rows, { filter: [{ column: 'id', op: 'eq', value: '7' }] }).rows).toEqual([
      { id: 7, name: 'P6' },
    ]);
  });

  it('refuses what it cannot answer with the same codes as every datasource', () => {
    const first = readArrayPage(schema, rows, { limit: 5 });
    expect(code(() => readArrayPage(schema, rows, { limit: 0 }))).toBe('NCF_INVALID_QUERY');
    expect(code(() => readArrayPage(schema, rows, { sort: [{ column: 'age', direction: 'asc' }] }))).toBe(
      'NCF_COLUMN_NOT_FOUND',
    );
    expect(
      code(() => readArrayPage(schema, rows, { filter: [{ column: 'id', op: 'eq', value: 'abc' }] })),
    ).toBe('NCF_INVALID_VALUE');
    expect(code(() => readArrayPage(schema, rows, { filter: [{ column: 'id', op: 'gt', value: 3 }] }))).toBe(
      'NCF_UNSUPPORTED',
    );
    // A cursor only works under the sort it was made with, and a forged one is refused.
    const cursor = first.nextCursor ?? '';
    expect(
      code(() => readArrayPage(schema, rows, { cursor, sort: [{ column: 'name', direction: 'asc' }] })),
    ).toBe('NCF_INVALID_QUERY');
    expect(code(() => readArrayPage(schema, rows, { cursor: 'not-a-cursor' }))).toBe('NCF_INVALID_QUERY');
  });
});
