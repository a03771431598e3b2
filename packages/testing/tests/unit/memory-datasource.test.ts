import { isNocofloError } from '@nocoflo/sdk';
import { createMemoryDatasource } from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';

async function code(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    return isNocofloError(error) ? error.code : `raw: ${String(error)}`;
  }
}

describe('createMemoryDatasource', () => {
  it('infers columns, types and the id key from plain objects', async () => {
    const ds = createMemoryDatasource({
      tables: {
        orders: {
          rows: [{ id: 1, total: 9.5, placed: '2024-05-01', paid: true, meta: { a: 1 }, note: null }],
        },
      },
    });
    const schema = await ds.describeTable('orders');
    expect(schema.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'integer'],
      ['total', 'float'],
      ['placed', 'date'],
      ['paid', 'boolean'],
      ['meta', 'json'],
      ['note', 'text'],
    ]);
    expect(schema.primaryKey).toEqual(['id']);
    expect(schema.columns[0]).toMatchObject({ nullable: false, hasDefault: true });
    expect(schema.writable).toBe(true);
  });

  it('fills a single integer key on insert, like a serial column', async () => {
    const ds = createMemoryDatasource({ tables: { t: { rows: [{ id: 7, name: 'a' }] } } });
    expect(await ds.insert('t', { name: 'b' })).toEqual({ id: 8, name: 'b' });
  });

  it('updates and deletes by composite key', async () => {
    const ds = createMemoryDatasource({
      tables: {
        lines: {
          primaryKey: ['order_id', 'line_no'],
          rows: [
            { order_id: 1, line_no: 1, qty: 1 },
            { order_id: 1, line_no: 2, qty: 2 },
          ],
        },
      },
    });
    await ds.update('lines', { order_id: 1, line_no: 2 }, { qty: 20 });
    await ds.delete('lines', { order_id: 1, line_no: 1 });
    expect(ds.rows('lines')).toEqual([{ order_id: 1, line_no: 2, qty: 20 }]);
    expect(await code(ds.delete('lines', { order_id: 1 }))).toBe('NCF_INVALID_QUERY');
  });

  it('keeps integers beyond 2^53 as bigint and decimals as strings', async () => {
    const ds = createMemoryDatasource({
      tables: {
        t: {
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'big', type: 'integer' },
            { name: 'price', type: 'decimal' },
          ],
        },
      },
    });
    const row = await ds.insert('t', { id: 1, big: 2n ** 62n, price: 12.5 });
    expect(row).toEqual({ id: 1, big: 2n ** 62n, price: '12.5' });
    expect(await ds.insert('t', { id: 2, big: 5n, price: '1.10' })).toEqual({ id: 2, big: 5, price: '1.10' });
    expect(await code(ds.insert('t', { id: 3, big: 'x', price: '1' }))).toBe('NCF_INVALID_VALUE');
  });

  it('refuses writes when read-only, and to views and key-less tables', async () => {
    const ro = createMemoryDatasource({ readOnly: true, tables: { t: { rows: [{ id: 1 }] } } });
    expect(ro.capabilities.write).toBe(false);
    expect(await code(ro.insert('t', { id: 2 }))).toBe('NCF_READ_ONLY');
    const ds = createMemoryDatasource({
      tables: { v: { kind: 'view', rows: [{ id: 1 }] }, log: { primaryKey: [], rows: [{ line: 'x' }] } },
    });
    expect(await code(ds.insert('v', { id: 2 }))).toBe('NCF_READ_ONLY');
    expect(await code(ds.delete('log', { line: 'x' }))).toBe('NCF_READ_ONLY');
    expect((await ds.readPage('log')).rows).toEqual([{ line: 'x' }]);
  });

  it('records every call, and returns copies that cannot change the store', async () => {
    const ds = createMemoryDatasource({ tables: { t: { rows: [{ id: 1, meta: { a: 1 } }] } } });
    const page = await ds.readPage('t', { limit: 5 });
    (page.rows[0]?.meta as { a: number }).a = 99;
    expect(ds.rows('t')).toEqual([{ id: 1, meta: { a: 1 } }]);
    await ds.close();
    expect(ds.calls.map((c) => c.method)).toEqual(['readPage', 'close']);
    expect(ds.calls[0]?.args).toEqual(['t', { limit: 5 }]);
    expect(ds.closed).toBe(true);
  });

  it('validates seed rows like inserts', () => {
    expect(() => createMemoryDatasource({ tables: { t: { rows: [{ id: 1 }, { id: 1 }] } } })).toThrow(
      /already exists/,
    );
    expect(() =>
      createMemoryDatasource({ tables: { t: { primaryKey: ['nope'], rows: [{ id: 1 }] } } }),
    ).toThrow(/not a column/);
  });

  it('streams with flat batches and stops when aborted', async () => {
    const ds = createMemoryDatasource({
      tables: { t: { rows: Array.from({ length: 25 }, (_, i) => ({ id: i + 1 })) } },
    });
    const ids: unknown[] = [];
    const controller = new AbortController();
    for await (const row of ds.stream('t', { batchSize: 4, signal: controller.signal })) {
      ids.push(row.id);
      if (ids.length === 10) controller.abort();
    }
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});
