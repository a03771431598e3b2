/** Checks of keyset paging and sorting. */
import type { Page, Row, SortSpec } from '@nocoflo/sdk';
import { Errors } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { FIXTURE_TABLES } from '../fixture.js';
import type { FixtureTable } from '../fixture-types.js';
import { type CheckContext, type ConformanceCheck, check } from './check.js';
import { compareBySort, sorted } from './expected.js';
import { canonicalRow, expectNocofloError, keyText } from './helpers.js';

const LINES = FIXTURE_TABLES.orderLines;

/** A complete order_lines row for inserts (customer 1 exists, so foreign keys hold). */
export function lineRow(order: number, line: number, overrides: Row = {}): Row {
  return {
    order_id: order,
    line_no: line,
    customer_id: 1,
    sku: 'cherry',
    quantity: 1,
    unit_price: '1.00',
    weight: 1.5,
    shipped: false,
    ordered_on: '2024-03-03',
    note: 'inserted',
    ...overrides,
  };
}

async function walk(ctx: CheckContext, limit: number, sort?: readonly SortSpec[]): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await ctx.ds.readPage(ctx.name(LINES), { limit, cursor, ...(sort ? { sort } : {}) });
    pages.push(page);
    cursor = page.nextCursor;
    if (pages.length > 200) throw new Error('paging never ended: nextCursor still set after 200 pages');
  } while (cursor !== null);
  return pages;
}

function keys(table: FixtureTable, rows: readonly Row[]): string[] {
  return rows.map((r) => keyText(table, r));
}

/** The sort-key values of each row, canonical, for tiebreak-agnostic order checks. */
function sortTuples(table: FixtureTable, sort: readonly SortSpec[], rows: readonly Row[]): string[] {
  return rows.map((r) =>
    JSON.stringify(
      Object.values(
        canonicalRow(
          table,
          r,
          sort.map((s) => s.column),
        ),
      ),
    ),
  );
}

/** Asserts `rows` is every fixture row once, ordered by `sort` (ties in any key order). */
function expectSortedOnce(
  table: FixtureTable,
  sort: readonly SortSpec[],
  rows: readonly Row[],
  expectedRows = table.rows,
): void {
  const what = `rows sorted by ${sort.map((s) => `${s.column} ${s.direction}`).join(', ')}`;
  expect(keys(table, rows).sort(), `${what}: every row exactly once`).toEqual(
    keys(table, expectedRows).sort(),
  );
  expect(sortTuples(table, sort, rows), `${what}: order of sort values`).toEqual(
    sortTuples(table, sort, sorted(table, sort, expectedRows)),
  );
}

/** Paging checks. */
export const pagingChecks: readonly ConformanceCheck[] = [
  check(
    'paging.defaultOrder',
    'readPage without options returns rows in primary-key order, with no cursors around a single page',
    async (ctx) => {
      const table = ctx.table(LINES);
      const page = await ctx.ds.readPage(ctx.name(LINES));
      expect(keys(table, page.rows)).toEqual(keys(table, sorted(table, [])));
      expect(page.nextCursor, 'nextCursor of the only page').toBeNull();
      expect(page.prevCursor, 'prevCursor of the first page').toBeNull();
    },
  ),

  check(
    'paging.forward',
    'following nextCursor visits every row exactly once, in order, in full pages',
    async (ctx) => {
      const table = ctx.table(LINES);
      const pages = await walk(ctx, 7);
      expect(
        keys(
          table,
          pages.flatMap((p) => p.rows),
        ),
      ).toEqual(keys(table, sorted(table, [])));
      pages.forEach((p, i) => {
        if (i < pages.length - 1) expect(p.rows.length, `rows on page ${i + 1}`).toBe(7);
        expect(p.prevCursor === null, `prevCursor is null exactly on the first page (page ${i + 1})`).toBe(
          i === 0,
        );
      });
    },
  ),

  check(
    'paging.backward',
    'following prevCursor from the last page gives the same pages in reverse',
    async (ctx) => {
      const table = ctx.table(LINES);
      const forward = await walk(ctx, 7);
      let page = forward[forward.length - 1] as Page;
      for (let i = forward.length - 2; i >= 0; i--) {
        expect(page.prevCursor, `prevCursor of page ${i + 2}`).not.toBeNull();
        page = await ctx.ds.readPage(ctx.name(LINES), { limit: 7, cursor: page.prevCursor });
        expect(keys(table, page.rows), `page ${i + 1} reached backwards`).toEqual(
          keys(table, (forward[i] as Page).rows),
        );
      }
      expect(page.prevCursor, 'prevCursor of the first page reached backwards').toBeNull();
      expect(page.nextCursor, 'nextCursor of the first page reached backwards').not.toBeNull();
    },
  ),

  check(
    'paging.insertsBetweenPages',
    'keyset paging neither skips nor repeats rows while rows are inserted between pages',
    async (ctx) => {
      const table = ctx.table(LINES);
      const name = ctx.name(LINES);
      const seen: Row[] = [];
      const inserted: { row: Row; after: boolean }[] = [];
      let page = await ctx.ds.readPage(name, { limit: 10 });
      seen.push(...page.rows);
      let round = 0;
      while (page.nextCursor !== null) {
        round++;
        const boundary = page.rows[page.rows.length - 1] as Row;
        // One row before the boundary (must not show up), one right after it and one at the end (must).
        const before = lineRow(0, round);
        const justAfter = lineRow(Number(boundary.order_id), Number(boundary.line_no) + 50);
        const atEnd = lineRow(1000 + round, 1);
        for (const [row, after] of [
          [before, false],
          [justAfter, true],
          [atEnd, true],
        ] as const) {
          await ctx.ds.insert(name, row);
          inserted.push({ row, after });
        }
        page = await ctx.ds.readPage(name, { limit: 10, cursor: page.nextCursor });
        seen.push(...page.rows);
        if (round > 50) throw new Error('paging never ended while rows were inserted');
      }
      const expected = sorted(
        table,
        [],
        [...table.rows, ...inserted.filter((i) => i.after).map((i) => i.row)],
      );
      expect(keys(table, seen)).toEqual(keys(table, expected));
    },
    ['write'],
  ),

  check(
    'paging.insertsWithSort',
    'keyset paging on a non-unique sort column neither skips nor repeats rows while rows are inserted',
    async (ctx) => {
      const table = ctx.table(LINES);
      const name = ctx.name(LINES);
      const sort: SortSpec[] = [{ column: 'sku', direction: 'asc' }];
      const seen: Row[] = [];
      const late: Row[] = [];
      let page = await ctx.ds.readPage(name, { limit: 6, sort });
      seen.push(...page.rows);
      let round = 0;
      while (page.nextCursor !== null) {
        round++;
        await ctx.ds.insert(name, lineRow(2000 + round, 1, { sku: 'aardvark' }));
        const row = lineRow(3000 + round, 1, { sku: 'zucchini' });
        await ctx.ds.insert(name, row);
        late.push(row);
        page = await ctx.ds.readPage(name, { limit: 6, sort, cursor: page.nextCursor });
        seen.push(...page.rows);
        if (round > 50) throw new Error('paging never ended while rows were inserted');
      }
      expectSortedOnce(table, sort, seen, [...table.rows, ...late]);
    },
    ['write', 'sort'],
  ),

  check(
    'paging.sortedPages',
    'paging under a multi-column sort with NULLs yields the full sorted order',
    async (ctx) => {
      const table = ctx.table(LINES);
      const sort: SortSpec[] = [
        { column: 'weight', direction: 'desc' },
        { column: 'sku', direction: 'asc' },
      ];
      const pages = await walk(ctx, 5, sort);
      expectSortedOnce(
        table,
        sort,
        pages.flatMap((p) => p.rows),
      );
    },
    ['sort'],
  ),

  check(
    'paging.columns',
    'readPage returns the requested columns plus the key columns, and no others',
    async (ctx) => {
      const page = await ctx.ds.readPage(ctx.name(LINES), { columns: ['sku'], limit: 5 });
      expect(page.rows.length).toBe(5);
      for (const row of page.rows) expect(Object.keys(row).sort()).toEqual(['line_no', 'order_id', 'sku']);
    },
  ),

  check(
    'paging.invalidLimit',
    'limits outside 1–10,000 or not integers are refused with NCF_INVALID_QUERY',
    async (ctx) => {
      const name = ctx.name(LINES);
      for (const limit of [0, -1, 1.5, 10_001]) {
        await expectNocofloError(
          () => ctx.ds.readPage(name, { limit }),
          Errors.InvalidQuery.code,
          `readPage with limit ${limit}`,
        );
      }
      expect((await ctx.ds.readPage(name, { limit: 1 })).rows.length, 'rows with limit 1').toBe(1);
      expect((await ctx.ds.readPage(name, { limit: 10_000 })).rows.length, 'rows with limit 10000').toBe(
        ctx.table(LINES).rows.length,
      );
    },
  ),

  check(
    'paging.invalidCursor',
    'a garbled cursor, or one made under another sort, is refused with NCF_INVALID_QUERY',
    async (ctx) => {
      const name = ctx.name(LINES);
      await expectNocofloError(
        () => ctx.ds.readPage(name, { cursor: 'not-a-cursor' }),
        Errors.InvalidQuery.code,
        'readPage with a garbled cursor',
      );
      const first = await ctx.ds.readPage(name, { limit: 5, sort: [{ column: 'sku', direction: 'asc' }] });
      await expectNocofloError(
        () =>
          ctx.ds.readPage(name, {
            limit: 5,
            sort: [{ column: 'quantity', direction: 'desc' }],
            cursor: first.nextCursor,
          }),
        Errors.InvalidQuery.code,
        'readPage with a cursor made under another sort',
      );
    },
    ['sort'],
  ),
];

/** Sorting checks (one page holding every row). */
export const sortingChecks: readonly ConformanceCheck[] = [
  check(
    'sorting.text',
    'sorting by a text column with ties, ascending and descending',
    async (ctx) => {
      for (const direction of ['asc', 'desc'] as const) {
        const sort: SortSpec[] = [{ column: 'sku', direction }];
        expectSortedOnce(
          ctx.table(LINES),
          sort,
          (await ctx.ds.readPage(ctx.name(LINES), { sort, limit: 1000 })).rows,
        );
      }
    },
    ['sort'],
  ),

  check(
    'sorting.nulls',
    'NULLs sort first ascending and last descending',
    async (ctx) => {
      for (const direction of ['asc', 'desc'] as const) {
        const sort: SortSpec[] = [{ column: 'weight', direction }];
        const rows = (await ctx.ds.readPage(ctx.name(LINES), { sort, limit: 1000 })).rows;
        expectSortedOnce(ctx.table(LINES), sort, rows);
        const nulls = rows.map((r) => r.weight === null);
        const firstNonNull = nulls.indexOf(false);
        const lastNonNull = nulls.lastIndexOf(false);
        if (direction === 'asc')
          expect(nulls.slice(firstNonNull).includes(true), 'a NULL after a value, ascending').toBe(false);
        else
          expect(nulls.slice(0, lastNonNull + 1).includes(true), 'a NULL before a value, descending').toBe(
            false,
          );
      }
    },
    ['sort'],
  ),

  check(
    'sorting.numbers',
    'integer and decimal columns sort numerically, dates chronologically',
    async (ctx) => {
      for (const sort of [
        [{ column: 'unit_price', direction: 'asc' }],
        [{ column: 'quantity', direction: 'desc' }],
        [{ column: 'ordered_on', direction: 'asc' }],
      ] as SortSpec[][]) {
        expectSortedOnce(
          ctx.table(LINES),
          sort,
          (await ctx.ds.readPage(ctx.name(LINES), { sort, limit: 1000 })).rows,
        );
      }
    },
    ['sort'],
  ),

  check(
    'sorting.multiColumn',
    'several sort keys apply in order, each in its own direction',
    async (ctx) => {
      const sort: SortSpec[] = [
        { column: 'shipped', direction: 'desc' },
        { column: 'quantity', direction: 'asc' },
        { column: 'ordered_on', direction: 'desc' },
      ];
      const rows = (await ctx.ds.readPage(ctx.name(LINES), { sort, limit: 1000 })).rows;
      expectSortedOnce(ctx.table(LINES), sort, rows);
      const table = ctx.table(LINES);
      for (let i = 1; i < rows.length; i++) {
        expect(
          compareBySort(table, sort, rows[i - 1] as Row, rows[i] as Row),
          `rows ${i - 1} and ${i} out of order`,
        ).toBeLessThanOrEqual(0);
      }
    },
    ['sort'],
  ),
];
