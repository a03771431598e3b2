import type { Row } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatasource } from '../../src/index.js';
import { type TempFolder, tempFolder } from '../fixtures/temp-db.js';

const SCHEMA = `
CREATE TABLE notes (body TEXT, stars INT);
INSERT INTO notes VALUES ('first', 1), ('second', NULL), ('third', 3);
CREATE TABLE odd (rowid TEXT, v INT);
INSERT INTO odd VALUES ('r', 1);
CREATE TABLE pairs (a TEXT, b INTEGER, label TEXT NOT NULL, PRIMARY KEY (a, b)) WITHOUT ROWID;
INSERT INTO pairs VALUES ('x', 1, 'x1'), ('x', 2, 'x2'), ('y', 1, 'y1');
CREATE TABLE items (id INTEGER PRIMARY KEY, price NUMERIC(10,2) NOT NULL, qty INT NOT NULL DEFAULT 1,
  total NUMERIC GENERATED ALWAYS AS (price * qty) VIRTUAL, pair_a TEXT, pair_b INTEGER,
  FOREIGN KEY (pair_a, pair_b) REFERENCES pairs (a, b));
INSERT INTO items (id, price, qty) VALUES (1, 2.5, 2), (2, 0.99, 1);
CREATE VIEW expensive AS SELECT id, price FROM items WHERE price > 1;
CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER);
`;

let temp: TempFolder;
let ds: SqliteDatasource;
beforeEach(async () => {
  temp = tempFolder();
  ds = await openSqlite(`sqlite:${temp.createDb('s.db', SCHEMA)}`);
});
afterEach(async () => {
  await ds.close();
  temp.cleanup();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'resolved';
}

async function collect(iterable: AsyncIterable<Row>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of iterable) rows.push(row);
  return rows;
}

describe('tables without a declared key', () => {
  it('use the rowid as a read-only key column', async () => {
    const schema = await ds.describeTable('notes');
    expect(schema.primaryKey).toEqual(['rowid']);
    expect(schema.columns[0]).toMatchObject({
      name: 'rowid',
      type: 'integer',
      generated: true,
      nullable: false,
    });
    expect(schema.writable).toBe(true);
    const inserted = await ds.insert('notes', { body: 'fourth' });
    expect(inserted).toEqual({ rowid: 4, body: 'fourth', stars: null });
    expect(await ds.update('notes', { rowid: 2 }, { stars: 5 })).toEqual({
      rowid: 2,
      body: 'second',
      stars: 5,
    });
    await ds.delete('notes', { rowid: 1 });
    expect((await ds.readPage('notes')).rows.map((r) => r.body)).toEqual(['second', 'third', 'fourth']);
    expect(await codeOf(ds.insert('notes', { rowid: 9, body: 'x' }))).toBe('NCF_INVALID_VALUE');
  });

  it('name the rowid _rowid_ when a real column is called rowid', async () => {
    const schema = await ds.describeTable('odd');
    expect(schema.primaryKey).toEqual(['_rowid_']);
    expect((await ds.readPage('odd')).rows).toEqual([{ _rowid_: 1, rowid: 'r', v: 1 }]);
  });
});

describe('WITHOUT ROWID tables and composite keys', () => {
  it('report the declared composite key as NOT NULL and page in key order', async () => {
    const schema = await ds.describeTable('pairs');
    expect(schema.primaryKey).toEqual(['a', 'b']);
    expect(schema.columns.filter((c) => !c.nullable).map((c) => c.name)).toEqual(['a', 'b', 'label']);
    const first = await ds.readPage('pairs', { limit: 2 });
    expect(first.rows.map((r) => r.label)).toEqual(['x1', 'x2']);
    const second = await ds.readPage('pairs', { limit: 2, cursor: first.nextCursor });
    expect(second.rows.map((r) => r.label)).toEqual(['y1']);
    const back = await ds.readPage('pairs', { limit: 2, cursor: second.prevCursor });
    expect(back.rows.map((r) => r.label)).toEqual(['x1', 'x2']);
  });

  it('update and delete exactly the row with the composite key', async () => {
    expect(await ds.update('pairs', { a: 'x', b: 2 }, { label: 'changed' })).toEqual({
      a: 'x',
      b: 2,
      label: 'changed',
    });
    await ds.delete('pairs', { a: 'y', b: 1 });
    expect((await ds.readPage('pairs')).rows.map((r) => r.label)).toEqual(['x1', 'changed']);
    expect(await codeOf(ds.update('pairs', { a: 'y', b: 1 }, { label: 'z' }))).toBe('NCF_ROW_NOT_FOUND');
  });
});

describe('generated columns, foreign keys, views', () => {
  it('reports generated columns and refuses writing them', async () => {
    const schema = await ds.describeTable('items');
    expect(schema.columns.find((c) => c.name === 'total')).toMatchObject({
      generated: true,
      type: 'decimal',
    });
    expect(schema.foreignKeys).toEqual([
      { columns: ['pair_a', 'pair_b'], referencedTable: 'pairs', referencedColumns: ['a', 'b'] },
    ]);
    expect(await codeOf(ds.update('items', { id: 1 }, { total: '3' }))).toBe('NCF_INVALID_VALUE');
    expect((await ds.readPage('items')).rows[0]).toMatchObject({ price: '2.5', qty: 2, total: '5' });
  });

  it('enforces foreign keys as NCF_CONSTRAINT_VIOLATION', async () => {
    expect(await codeOf(ds.update('items', { id: 1 }, { pair_a: 'nope', pair_b: 1 }))).toBe(
      'NCF_CONSTRAINT_VIOLATION',
    );
    expect(await ds.update('items', { id: 1 }, { pair_a: 'x', pair_b: 1 })).toMatchObject({ pair_a: 'x' });
  });

  it('lists views as read-only and reads them in a total order', async () => {
    expect((await ds.listTables()).find((t) => t.name === 'expensive')).toEqual({
      name: 'expensive',
      kind: 'view',
    });
    const schema = await ds.describeTable('expensive');
    expect(schema).toMatchObject({ kind: 'view', writable: false, primaryKey: [] });
    expect((await ds.readPage('expensive')).rows).toEqual([{ id: 1, price: '2.5' }]);
    expect(await codeOf(ds.insert('expensive', { id: 3, price: '2' }))).toBe('NCF_READ_ONLY');
  });

  it('sees tables created after it was opened', async () => {
    ds.db.exec('CREATE TABLE later (id INTEGER PRIMARY KEY)');
    expect((await ds.listTables()).map((t) => t.name)).toContain('later');
    expect((await ds.describeTable('later')).primaryKey).toEqual(['id']);
  });
});

describe('integers beyond 2^53', () => {
  beforeEach(() => {
    const insert = ds.db.prepare('INSERT INTO big (id, n) VALUES (?, ?)');
    for (let i = 1; i <= 30; i++) insert.run(i, i === 17 ? 9007199254740993n : i);
  });

  it('come back as exact bigints from pages, streams and aggregates', async () => {
    const page = await ds.readPage('big', { limit: 30 });
    expect(page.rows[16]).toEqual({ id: 17, n: 9007199254740993n });
    expect(page.rows[15]).toEqual({ id: 16, n: 16 });
    const streamed = await collect(ds.stream('big', { batchSize: 4 }));
    expect(streamed.map((r) => r.id)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(streamed[16]!.n).toBe(9007199254740993n);
    expect(typeof streamed[29]!.n).toBe('number');
    const { rows } = await ds.aggregate('big', {
      measures: [
        { fn: 'max', column: 'n' },
        { fn: 'sum', column: 'n' },
      ],
    });
    expect(rows[0]!.max_n).toBe(9007199254740993n);
    expect(rows[0]!.sum_n).toBe((9007199254740993n + BigInt((30 * 31) / 2 - 17)).toString());
  });

  it('stream exactly also when the sort column is not among the returned columns', async () => {
    const rows = await collect(
      ds.stream('big', { sort: [{ column: 'n', direction: 'asc' }], columns: ['id'] }),
    );
    expect(rows.map((r) => r.id)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => i + 1).filter((id) => id !== 17),
      17,
    ]);
    expect(rows.every((r) => Object.keys(r).join() === 'id')).toBe(true);
  });

  it('are written and matched exactly', async () => {
    await ds.update('big', { id: 1 }, { n: 2n ** 62n });
    expect(
      (await ds.readPage('big', { filter: [{ column: 'n', op: 'eq', value: 2n ** 62n }] })).rows,
    ).toEqual([{ id: 1, n: 2n ** 62n }]);
  });
});

describe('streams', () => {
  it('let other reads and writes run between batches', async () => {
    const insert = ds.db.prepare('INSERT INTO big (id, n) VALUES (?, ?)');
    for (let i = 1; i <= 20; i++) insert.run(i, i);
    let seen = 0;
    for await (const row of ds.stream('big', { batchSize: 5 })) {
      seen++;
      await ds.update('big', { id: row.id as number }, { n: (row.n as number) * 10 });
      expect((await ds.readPage('big', { limit: 1 })).rows).toHaveLength(1);
    }
    expect(seen).toBe(20);
    const { rows } = await ds.aggregate('big', { measures: [{ fn: 'sum', column: 'n' }] });
    expect(rows[0]!.sum_n).toBe('2100');
  });

  it('stop at once when the signal aborts, and leave the datasource usable', async () => {
    for (let i = 1; i <= 20; i++) ds.db.prepare('INSERT INTO big (id, n) VALUES (?, ?)').run(i, i);
    const controller = new AbortController();
    const seen: unknown[] = [];
    for await (const row of ds.stream('big', { batchSize: 3, signal: controller.signal })) {
      seen.push(row.id);
      if (seen.length === 4) controller.abort();
    }
    expect(seen).toEqual([1, 2, 3, 4]);
    await ds.insert('big', { n: 1 });
  });
});

describe('long filter lists', () => {
  it('filter by as many values as a query may bind, and name the filter past that', async () => {
    const ids = Array.from({ length: 30_000 }, (_, i) => i + 1);
    const page = await ds.readPage('items', { filter: [{ column: 'id', op: 'in', value: ids }] });
    expect(page.rows.map((r) => r.id)).toEqual([1, 2]);
    let refused: unknown;
    try {
      await ds.readPage('items', { filter: [{ column: 'id', op: 'notIn', value: [...ids, 30_001] }] });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: 'NCF_INVALID_QUERY' });
    expect((refused as Error).message).toContain('filter "notIn" on id has 30,001 values');
  });
});
