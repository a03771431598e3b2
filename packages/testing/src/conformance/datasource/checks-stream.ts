/** Checks of streaming reads. */
import type { Filter, Row, SortSpec } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { FIXTURE_TABLES } from '../fixture.js';
import { type ConformanceCheck, check } from './check.js';
import { lineRow } from './checks-paging.js';
import { sorted } from './expected.js';
import { canonicalRow, collect, describeError, isTypedRefusal, keyText, readAll } from './helpers.js';

const LINES = FIXTURE_TABLES.orderLines;

/** Stream checks. */
export const streamChecks: readonly ConformanceCheck[] = [
  check(
    'stream.all',
    'stream yields every row once in primary-key order, across small batches',
    async (ctx) => {
      const table = ctx.table(LINES);
      const rows = await collect(ctx.ds.stream(ctx.name(LINES), { batchSize: 5 }));
      expect(rows.map((r) => keyText(table, r))).toEqual(sorted(table, []).map((r) => keyText(table, r)));
      expect(rows.map((r) => canonicalRow(table, r))).toEqual(
        sorted(table, []).map((r) => canonicalRow(table, r)),
      );
    },
    ['stream'],
  ),

  check(
    'stream.filterSortColumns',
    'stream with filter, sort and columns yields what paging yields',
    async (ctx) => {
      const table = ctx.table(LINES);
      const filter: Filter[] = [{ column: 'note', op: 'isNotNull' }];
      const sort: SortSpec[] = [{ column: 'quantity', direction: 'desc' }];
      const columns = ['quantity', 'note'];
      const streamed = await collect(ctx.ds.stream(ctx.name(LINES), { filter, sort, columns, batchSize: 4 }));
      const paged = await readAll(ctx.ds, ctx.name(LINES), { filter, sort, columns });
      expect(streamed.length, 'rows streamed').toBeGreaterThan(0);
      const canon = (rows: Row[]) => rows.map((r) => canonicalRow(table, r, Object.keys(r).sort()));
      expect(canon(streamed)).toEqual(canon(paged));
    },
    ['stream', 'filter:isNotNull', 'sort'],
  ),

  check(
    'stream.earlyExit',
    'stopping a stream (abort signal or break) yields no more rows and leaves the datasource usable',
    async (ctx) => {
      const name = ctx.name(LINES);
      const controller = new AbortController();
      let afterAbort = 0;
      let seen = 0;
      try {
        for await (const _row of ctx.ds.stream(name, { batchSize: 2, signal: controller.signal })) {
          seen++;
          if (controller.signal.aborted) afterAbort++;
          if (seen === 3) controller.abort();
          if (seen > 100) break;
        }
      } catch (error) {
        const aborted =
          (error as { name?: string })?.name === 'AbortError' || error === controller.signal.reason;
        if (!aborted && !isTypedRefusal(error))
          expect.fail(`aborting a stream threw ${describeError(error)}`);
      }
      expect(afterAbort, 'rows yielded after abort()').toBe(0);
      for await (const _row of ctx.ds.stream(name, { batchSize: 2 })) break;
      // The datasource must still read (and write, unless read-only) after both kinds of early exit.
      if (!ctx.capabilities.readOnly) await ctx.ds.insert(name, lineRow(5000, 1));
      const rows = await readAll(ctx.ds, name);
      expect(rows.length).toBe(ctx.table(LINES).rows.length + (ctx.capabilities.readOnly ? 0 : 1));
    },
    ['stream'],
  ),
];
