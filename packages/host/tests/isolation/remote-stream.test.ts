/**
 * A stream from a plugin in a worker: rows cross in batches (as columns when they share
 * their names, as they are otherwise), the plugin reads at most two batches ahead, and stopping
 * or aborting the consumer, or a failed read, stops the plugin's stream. A stream whose
 * iterator offers the batch read (`nextBatch`, the SDK's RowBatchIterator) is read with it,
 * never row by row.
 */
import type { PluginHost } from '@nocoflo/host';
import type { Datasource, Row } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeBuffered } from '../../src/data/buffered-rows.js';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { startHost, writePlugin } from './isolated-plugins.js';

// `plain`: `count` rows { id, label }; `mixed`: rows JSON cannot carry, or of differing names;
// `exact`: rows of the same names holding values JSON cannot carry; `batched`: `count` rows
// from an iterator with nextBatch (at most 7 rows a call), failing at row `failAt` if given.
// `aggregate` reports how many rows the plugin's stream yielded and whether it was closed
// (for `batched`: also its calls, and reads after a failure).
const STREAMER = `
const EXACT = [
  { id: 1, big: 2n ** 70n, bytes: new Uint8Array([1, 2]), zero: -0, none: undefined, at: new Date(0), nan: NaN },
  { id: 2, big: -1n, bytes: new Uint8Array(), zero: 0, none: null, at: new Date(1), nan: 1 },
];
function batched(count, failAt, stats) {
  let i = 0;
  let ended = false;
  let failed = false;
  const end = () => { if (!ended) { ended = true; stats.closed++; } };
  const read = (max) => {
    if (failed) stats.readsAfterFailure++;
    if (ended) return [];
    const rows = [];
    while (rows.length < Math.min(max, 7) && i < count) {
      if (i === failAt) { failed = true; throw new Error('the disk went away at row ' + i); }
      rows.push({ id: i, label: 'row ' + i, ratio: i / 4 });
      i++;
      stats.pulled++;
    }
    if (rows.length === 0) end();
    return rows;
  };
  return {
    async next() {
      stats.nextCalls++;
      const [row] = read(1);
      return row ? { value: row, done: false } : { value: undefined, done: true };
    },
    async nextBatch(max) { stats.batchCalls++; return read(max); },
    async return() { end(); return { value: undefined, done: true }; },
  };
}
const MIXED = [
  { id: 1, big: 2n ** 70n, bytes: new Uint8Array([1, 2]), negativeZero: -0 },
  { id: 2, nested: { a: [1, { b: null }] }, missing: undefined },
  { id: 3, label: 'no big' },
  {},
  JSON.parse('{"__proto__": 1, "id": 4}'),
];
function streamer(url) {
  const stats = { pulled: 0, closed: 0 };
  const batchStats = { pulled: 0, closed: 0, nextCalls: 0, batchCalls: 0, readsAfterFailure: 0 };
  return {
    url, capabilities: { write: false, estimates: false },
    async listTables() { return [{ name: 'plain', kind: 'table' }, { name: 'mixed', kind: 'table' }, { name: 'failing', kind: 'table' }]; },
    async describeTable(name) { return { name, kind: 'table', columns: [], primaryKey: [], foreignKeys: [], writable: false }; },
    async readPage() { return { rows: [], nextCursor: null, prevCursor: null }; },
    stream(table, options = {}) {
      if (table === 'batched') {
        const count = options.filter?.[0]?.value ?? 2500;
        return { [Symbol.asyncIterator]: () => batched(count, options.filter?.[1]?.value, batchStats) };
      }
      return this.rows(table, options);
    },
    async *rows(table, options = {}) {
      try {
        if (table === 'exact') {
          for (const row of EXACT) { stats.pulled++; yield row; }
          return;
        }
        if (table === 'mixed') {
          for (const row of MIXED) { stats.pulled++; yield row; }
          return;
        }
        if (table === 'failing') {
          for (let i = 0; i < 25; i++) { stats.pulled++; yield { id: i }; }
          throw new Error('the disk went away at row 25');
        }
        const count = options.filter?.[0]?.value ?? 2500;
        for (let i = 0; i < count; i++) { stats.pulled++; yield { id: i, label: 'row ' + i, ratio: i / 4 }; }
      } finally { stats.closed++; }
    },
    async aggregate(table) { return { rows: [{ ...(table === 'batched' ? batchStats : stats) }] }; },
    async insert() { throw new Error('read-only'); },
    async update() { throw new Error('read-only'); },
    async delete() { throw new Error('read-only'); },
    async testConnection() { return { ok: true, latencyMs: 0 }; },
    async close() {},
  };
}
export default definePlugin({
  datasources: [{ name: 'streamer', schemes: ['streamer'], async open(url) { return streamer(url); } }],
});
`;

const root = new FixtureRoot('remote-stream');
let host: PluginHost;
beforeAll(async () => {
  writePlugin(root, 'streamer', STREAMER);
  host = await startHost(root, 'worker');
});
afterAll(async () => {
  await host?.stop();
  root.cleanup();
});

const stats = async (ds: Datasource) =>
  (await ds.aggregate('plain', { measures: [] })).rows[0] as { pulled: number; closed: number };
const plain = (count: number) => ({ filter: [{ column: 'id', op: 'lt' as const, value: count }] });

describe('a stream from a worker', () => {
  it('yields every row once, in order, for any batch size', async () => {
    expect(host.get('streamer')?.runtime?.isolation).toBe('worker');
    const ds = await host.datasources.open('streamer:a');
    for (const [count, batchSize] of [
      [2500, undefined],
      [7, 1],
      [10, 3],
      [9, 3],
      [0, 5],
      [1, 20_000],
    ] as const) {
      const rows: Row[] = [];
      for await (const row of ds.stream('plain', { ...plain(count), ...(batchSize ? { batchSize } : {}) }))
        rows.push(row);
      expect(rows, `${count} rows in batches of ${batchSize}`).toEqual(
        Array.from({ length: count }, (_, i) => ({ id: i, label: `row ${i}`, ratio: i / 4 })),
      );
    }
    await ds.close();
  });

  it('hands over the rest of the batch it holds at once, through the data hooks', async () => {
    const ds = await host.datasources.open('streamer:e');
    const iterator = ds.stream('plain', { ...plain(25), batchSize: 10 })[Symbol.asyncIterator]();
    const ids: unknown[] = [];
    const takes: number[] = [];
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const rest = takeBuffered(iterator);
      takes.push(rest.length);
      ids.push(next.value.id, ...rest.map((row) => row.id));
    }
    // One promise per batch of 10 (then 5), the other rows of each batch taken at once.
    expect(takes).toEqual([9, 9, 4]);
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await ds.close();
  });

  it('carries rows JSON would change, and rows of differing names, exactly', async () => {
    const ds = await host.datasources.open('streamer:b');
    const rows: Row[] = [];
    for await (const row of ds.stream('mixed')) rows.push(row);
    expect(rows).toEqual([
      { id: 1, big: 2n ** 70n, bytes: new Uint8Array([1, 2]), negativeZero: -0 },
      { id: 2, nested: { a: [1, { b: null }] }, missing: undefined },
      { id: 3, label: 'no big' },
      {},
      JSON.parse('{"__proto__": 1, "id": 4}'),
    ]);
    expect(Object.is(rows[0]!.negativeZero, -0)).toBe(true);
    expect(Object.hasOwn(rows[4]!, '__proto__')).toBe(true);
    await ds.close();
  });

  it('reads at most two batches ahead, and stops the plugin’s stream when the consumer stops', async () => {
    const ds = await host.datasources.open('streamer:c');
    let seen = 0;
    for await (const _row of ds.stream('plain', { batchSize: 10 })) {
      seen++;
      if (seen === 15) break;
    }
    // Two batches were handed over (rows 1–20), the third and fourth asked for ahead: 40 rows
    // at most.
    expect(await stats(ds)).toEqual({ pulled: 40, closed: 1 });
    await ds.close();
  });

  it('throws the failure of a read with batches asked for behind it, reads no further, and closes the stream', async () => {
    const ds = await host.datasources.open('streamer:f');
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const row of ds.stream('failing', { batchSize: 10 })) seen.push(row.id);
    })();
    await expect(reading).rejects.toThrow('the disk went away at row 25');
    // Rows of the two whole batches, none of the failed one's.
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await stats(ds)).toEqual({ pulled: 25, closed: 1 });
    // The next stream of the same datasource works.
    const again: unknown[] = [];
    for await (const row of ds.stream('plain', { ...plain(3), batchSize: 10 })) again.push(row.id);
    expect(again).toEqual([0, 1, 2]);
    await ds.close();
  });

  it('stops at once when the signal aborts, and stops the plugin’s stream', async () => {
    const ds = await host.datasources.open('streamer:d');
    const controller = new AbortController();
    const seen: unknown[] = [];
    const reading = (async () => {
      for await (const row of ds.stream('plain', { batchSize: 10, signal: controller.signal })) {
        seen.push(row.id);
        if (seen.length === 4) controller.abort();
      }
    })();
    // The host hands out NocofloErrors; the abort is its cause.
    await expect(reading).rejects.toMatchObject({ cause: { name: 'AbortError' } });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect((await stats(ds)).closed).toBe(1);
    await ds.close();
  });

  describe('whose iterator offers nextBatch', () => {
    const batchStats = async (ds: Datasource) =>
      (await ds.aggregate('batched', { measures: [] })).rows[0] as {
        pulled: number;
        closed: number;
        nextCalls: number;
        batchCalls: number;
        readsAfterFailure: number;
      };
    const batched = (count: number, failAt?: number) => ({
      filter: [
        { column: 'id', op: 'lt' as const, value: count },
        ...(failAt === undefined ? [] : [{ column: 'id', op: 'lt' as const, value: failAt }]),
      ],
    });

    it('reads it a batch at a time, never row by row, every row once, for any batch size', async () => {
      const ds = await host.datasources.open('streamer:g');
      for (const [count, batchSize] of [
        [2500, undefined],
        [7, 1],
        [10, 3],
        [9, 3],
        [0, 5],
        [25, 10],
        [1, 20_000],
      ] as const) {
        const rows: Row[] = [];
        for await (const row of ds.stream('batched', {
          ...batched(count),
          ...(batchSize ? { batchSize } : {}),
        }))
          rows.push(row);
        expect(rows, `${count} rows in batches of ${batchSize}`).toEqual(
          Array.from({ length: count }, (_, i) => ({ id: i, label: `row ${i}`, ratio: i / 4 })),
        );
      }
      const { nextCalls, closed, pulled } = await batchStats(ds);
      expect({ nextCalls, closed, pulled }).toEqual({
        nextCalls: 0,
        closed: 7,
        pulled: 2500 + 7 + 10 + 9 + 25 + 1,
      });
      await ds.close();
    });

    it('throws a failure in the middle of a batch, reads no further, and lets the iterator clean up', async () => {
      const ds = await host.datasources.open('streamer:h');
      const seen: unknown[] = [];
      const reading = (async () => {
        for await (const row of ds.stream('batched', { ...batched(100, 25), batchSize: 10 }))
          seen.push(row.id);
      })();
      await expect(reading).rejects.toThrow('the disk went away at row 25');
      // Rows of the two whole batches, none of the failed one's (rows 20 to 24 were read).
      expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(await batchStats(ds)).toMatchObject({
        pulled: 25,
        closed: 1,
        readsAfterFailure: 0,
        nextCalls: 0,
      });
      await ds.close();
    });

    it('reads at most two batches ahead, and closes the iterator when the consumer stops early', async () => {
      const ds = await host.datasources.open('streamer:i');
      let seen = 0;
      for await (const _row of ds.stream('batched', { ...batched(1000), batchSize: 10 })) {
        seen++;
        if (seen === 15) break;
      }
      expect(await batchStats(ds)).toMatchObject({ pulled: 40, closed: 1, nextCalls: 0 });
      await ds.close();
    });
  });

  it('carries rows of the same names holding values JSON would change, exactly', async () => {
    const ds = await host.datasources.open('streamer:j');
    const rows: Row[] = [];
    for await (const row of ds.stream('exact')) rows.push(row);
    expect(rows).toEqual([
      {
        id: 1,
        big: 2n ** 70n,
        bytes: new Uint8Array([1, 2]),
        zero: -0,
        none: undefined,
        at: new Date(0),
        nan: Number.NaN,
      },
      { id: 2, big: -1n, bytes: new Uint8Array(), zero: 0, none: null, at: new Date(1), nan: 1 },
    ]);
    expect(Object.is(rows[0]!.zero, -0)).toBe(true);
    expect(Object.keys(rows[0]!)).toEqual(['id', 'big', 'bytes', 'zero', 'none', 'at', 'nan']);
    await ds.close();
  });
});
