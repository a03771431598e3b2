import { hasBatchRead, type Row, type RowBatchIterator, readRowBatch } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatasource } from '../../src/index.js';
import { type TempFolder, tempFolder } from '../fixtures/temp-db.js';

let temp: TempFolder;
let ds: SqliteDatasource;
beforeEach(async () => {
  temp = tempFolder();
  const file = temp.createDb(
    's.db',
    `CREATE TABLE t(id INTEGER PRIMARY KEY, label TEXT);
     WITH RECURSIVE n(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM n WHERE v < 25)
     INSERT INTO t SELECT v, 'row ' || v FROM n;
     CREATE TABLE odd(id INTEGER PRIMARY KEY, "__proto__" TEXT);
     INSERT INTO odd VALUES (1, NULL), (2, 'x');`,
  );
  ds = await openSqlite(`sqlite:${file}`);
});
afterEach(async () => {
  await ds.close();
  temp.cleanup();
});

const ids = (rows: { id?: unknown }[]) => rows.map((row) => row.id);
const all = Array.from({ length: 25 }, (_, i) => i + 1);

describe('streams', () => {
  it('of the same query run side by side, with pages of it in between', async () => {
    const a = ds.stream('t', { batchSize: 4 })[Symbol.asyncIterator]();
    const b = ds.stream('t', { batchSize: 4 })[Symbol.asyncIterator]();
    const seen: { a: unknown[]; b: unknown[] } = { a: [], b: [] };
    for (let done = false; !done; ) {
      const [x, y] = await Promise.all([a.next(), b.next()]);
      if (!x.done) seen.a.push(x.value.id);
      if (!y.done) seen.b.push(y.value.id);
      done = Boolean(x.done && y.done);
      expect((await ds.readPage('t', { limit: 2 })).rows).toHaveLength(2);
    }
    expect(seen).toEqual({ a: all, b: all });
  });

  it('yield every row once for any batch size, and rows equal to a page’s', async () => {
    const page = (await ds.readPage('t', { limit: 100 })).rows;
    for (const batchSize of [1, 2, 7, 25, 26, 1000]) {
      const rows = [];
      for await (const row of ds.stream('t', { batchSize })) rows.push(row);
      expect(ids(rows), `batchSize ${batchSize}`).toEqual(all);
      expect(rows).toEqual(page);
    }
  });

  it('keep a column named __proto__ as an own property', async () => {
    const rows = [];
    for await (const row of ds.stream('odd')) rows.push(row);
    expect(rows.map((row) => Object.getPrototypeOf(row))).toEqual([Object.prototype, Object.prototype]);
    expect(rows.map((row) => Object.getOwnPropertyDescriptor(row, '__proto__')?.value)).toEqual([null, 'x']);
  });

  it('end after return(), and reject once the datasource closed even with rows read ahead', async () => {
    const stopped = ds.stream('t', { batchSize: 10 })[Symbol.asyncIterator]();
    expect((await stopped.next()).value).toEqual({ id: 1, label: 'row 1' });
    await stopped.return?.();
    expect(await stopped.next()).toEqual({ done: true, value: undefined });

    // Every row is read ahead here (one batch holds them all), so the statement is done.
    const readAhead = ds.stream('t', { batchSize: 100 })[Symbol.asyncIterator]();
    expect((await readAhead.next()).value).toEqual({ id: 1, label: 'row 1' });
    await ds.close();
    await expect(readAhead.next()).rejects.toMatchObject({ code: 'NCF_DATASOURCE_CLOSED' });
  });

  describe('read in batches (nextBatch, the SDK’s RowBatchIterator)', () => {
    const open = (batchSize: number, signal?: AbortSignal) => {
      const iterator = ds.stream('t', { batchSize, ...(signal ? { signal } : {}) })[Symbol.asyncIterator]();
      expect(hasBatchRead(iterator)).toBe(true);
      return iterator as RowBatchIterator;
    };

    it('hand over whole batches, at most `max` rows each, mixed with next(), every row once', async () => {
      const iterator = open(10);
      const batch = await iterator.nextBatch(100);
      // The statement's batch as it is: no more rows than one batch holds.
      expect(ids(batch)).toEqual(all.slice(0, 10));
      expect(ids(await iterator.nextBatch(3))).toEqual([11, 12, 13]);
      expect((await iterator.next()).value).toMatchObject({ id: 14 });
      expect(ids(await iterator.nextBatch(100))).toEqual([15, 16, 17, 18, 19, 20]);
      expect(ids(await iterator.nextBatch(100))).toEqual([21, 22, 23, 24, 25]);
      expect(await iterator.nextBatch(100)).toEqual([]);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
      // The rows are what a page holds.
      expect(batch).toEqual((await ds.readPage('t', { limit: 10 })).rows);
    });

    it('read by readRowBatch: full batches, then the rest with done', async () => {
      const iterator = open(4);
      const seen: { rows: number; done: boolean }[] = [];
      for (;;) {
        const { rows, done } = await readRowBatch(iterator, 10);
        seen.push({ rows: rows.length, done });
        if (done) break;
      }
      expect(seen).toEqual([
        { rows: 10, done: false },
        { rows: 10, done: false },
        { rows: 5, done: true },
      ]);
    });

    it('answer none after return() or an abort, and reject once the datasource closed', async () => {
      const stopped = open(10);
      expect(await stopped.nextBatch(2)).toHaveLength(2);
      await stopped.return?.();
      expect(await stopped.nextBatch(2)).toEqual([]);

      const controller = new AbortController();
      const aborted = open(10, controller.signal);
      expect(await aborted.nextBatch(2)).toHaveLength(2);
      controller.abort();
      expect(await aborted.nextBatch(2)).toEqual([]);

      const refused = open(10);
      await expect(refused.nextBatch(0)).rejects.toMatchObject({ code: 'NCF_INVALID_QUERY' });

      const closing = open(100);
      const first: Row[] = await closing.nextBatch(1);
      expect(ids(first)).toEqual([1]);
      await ds.close();
      await expect(closing.nextBatch(5)).rejects.toMatchObject({ code: 'NCF_DATASOURCE_CLOSED' });
    });
  });
});
