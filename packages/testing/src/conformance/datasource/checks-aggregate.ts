/** Checks of aggregate queries against values computed from the fixture in JavaScript. */
import { type CellValue, Errors, type Row } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { canonicalText, compareValues } from '../../values/compare.js';
import { addDecimals, normalizeDecimal } from '../../values/decimal.js';
import { FIXTURE_TABLES } from '../fixture.js';
import { type CheckContext, type ConformanceCheck, check } from './check.js';
import { filtered } from './expected.js';
import { expectNocofloError } from './helpers.js';

const LINES = FIXTURE_TABLES.orderLines;

/** Asserts a count is the number `expected` (a JS number, as the SDK specifies). */
function expectCount(actual: CellValue | undefined, expected: number, what: string): void {
  expect(typeof actual, `${what}: count must be a number`).toBe('number');
  expect(actual, what).toBe(expected);
}

/** Asserts an exact sum: a string must be exact; a number must match (within 1e-9 relative for fractions). */
function expectSum(actual: CellValue | undefined, expected: string, what: string): void {
  if (typeof actual === 'string' || typeof actual === 'bigint') {
    expect(normalizeDecimal(actual), `${what} (exact)`).toBe(expected);
  } else if (typeof actual === 'number') {
    expectClose(actual, Number(expected), what);
  } else {
    expect.fail(`${what}: expected a number or a decimal string, got ${String(actual)}`);
  }
}

function expectClose(actual: CellValue | undefined, expected: number, what: string): void {
  const value = typeof actual === 'string' || typeof actual === 'bigint' ? Number(actual) : actual;
  expect(typeof value, `${what}: expected a number or a decimal string`).toBe('number');
  const diff = Math.abs((value as number) - expected);
  expect(
    diff <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: got ${String(actual)}, expected ${expected}`,
  ).toBe(true);
}

function values(
  ctx: CheckContext,
  column: string,
  rows: readonly Row[] = ctx.table(LINES).rows,
): Exclude<CellValue, null>[] {
  return rows.map((r) => r[column] ?? null).filter((v): v is Exclude<CellValue, null> => v !== null);
}

function extreme(ctx: CheckContext, column: string, which: 'min' | 'max'): CellValue {
  const type = ctx.table(LINES).columns.find((c) => c.name === column)?.type;
  const sorted = [...values(ctx, column)].sort((a, b) => compareValues(type, a, b));
  return (which === 'min' ? sorted[0] : sorted[sorted.length - 1]) ?? null;
}

function only(rows: readonly Row[], what: string): Row {
  expect(rows.length, `${what}: one overall row`).toBe(1);
  return rows[0] as Row;
}

/** Aggregate checks. */
export const aggregateChecks: readonly ConformanceCheck[] = [
  check(
    'aggregate.count',
    'count of all rows, of non-NULL values and under a filter; over no rows, count 0 and sum NULL',
    async (ctx) => {
      const name = ctx.name(LINES);
      const table = ctx.table(LINES);
      const all = only(
        (await ctx.ds.aggregate(name, { measures: [{ fn: 'count' }, { fn: 'count', column: 'weight' }] }))
          .rows,
        'count',
      );
      expectCount(all.count, table.rows.length, 'count');
      expectCount(all.count_weight, values(ctx, 'weight').length, 'count_weight (non-NULL weights)');
      const shipped = filtered(table, [{ column: 'shipped', op: 'eq', value: true }]);
      const some = only(
        (
          await ctx.ds.aggregate(name, {
            measures: [{ fn: 'count', as: 'n' }],
            filter: [{ column: 'shipped', op: 'eq', value: true }],
          })
        ).rows,
        'filtered count',
      );
      expectCount(some.n, shipped.length, 'count where shipped');
      // Over no rows at all: count is 0, and a sum has nothing to add up, so it is NULL (as in SQL).
      const none = only(
        (
          await ctx.ds.aggregate(name, {
            measures: [
              { fn: 'count', as: 'n' },
              { fn: 'sum', column: 'quantity', as: 'total' },
            ],
            filter: [
              { column: 'shipped', op: 'eq', value: true },
              { column: 'shipped', op: 'eq', value: false },
            ],
          })
        ).rows,
        'aggregate over no rows',
      );
      expectCount(none.n, 0, 'count over no rows');
      expect(none.total, 'sum over no rows is NULL, not 0').toBeNull();
    },
    ['aggregate', 'filter:eq'],
  ),

  check(
    'aggregate.sum',
    'sum of integer, decimal and float columns matches the exact sums',
    async (ctx) => {
      const row = only(
        (
          await ctx.ds.aggregate(ctx.name(LINES), {
            measures: [
              { fn: 'sum', column: 'quantity' },
              { fn: 'sum', column: 'unit_price' },
              { fn: 'sum', column: 'weight' },
            ],
          })
        ).rows,
        'sum',
      );
      expectSum(row.sum_quantity, addDecimals(values(ctx, 'quantity') as number[]), 'sum_quantity');
      expectSum(row.sum_unit_price, addDecimals(values(ctx, 'unit_price') as string[]), 'sum_unit_price');
      expectClose(
        row.sum_weight,
        (values(ctx, 'weight') as number[]).reduce((a, b) => a + b, 0),
        'sum_weight',
      );
    },
    ['aggregate'],
  ),

  check(
    'aggregate.avg',
    'avg of integer, decimal and float columns (NULLs ignored)',
    async (ctx) => {
      const row = only(
        (
          await ctx.ds.aggregate(ctx.name(LINES), {
            measures: [
              { fn: 'avg', column: 'quantity', as: 'q' },
              { fn: 'avg', column: 'unit_price', as: 'p' },
              { fn: 'avg', column: 'weight', as: 'w' },
            ],
          })
        ).rows,
        'avg',
      );
      const avg = (xs: readonly Exclude<CellValue, null>[]) =>
        Number(addDecimals(xs as (number | string)[])) / xs.length;
      expectClose(row.q, avg(values(ctx, 'quantity')), 'avg quantity');
      expectClose(row.p, avg(values(ctx, 'unit_price')), 'avg unit_price');
      expectClose(row.w, avg(values(ctx, 'weight')), 'avg weight');
    },
    ['aggregate'],
  ),

  check(
    'aggregate.minMax',
    'min and max of numbers, decimals, dates and text',
    async (ctx) => {
      const columns = ['quantity', 'unit_price', 'weight', 'ordered_on', 'sku'];
      const row = only(
        (
          await ctx.ds.aggregate(ctx.name(LINES), {
            measures: columns.flatMap((column) => [
              { fn: 'min' as const, column },
              { fn: 'max' as const, column },
            ]),
          })
        ).rows,
        'min/max',
      );
      const table = ctx.table(LINES);
      for (const column of columns) {
        const type = table.columns.find((c) => c.name === column)?.type;
        for (const fn of ['min', 'max'] as const) {
          expect(canonicalText(type, row[`${fn}_${column}`] ?? null), `${fn}_${column}`).toBe(
            canonicalText(type, extreme(ctx, column, fn)),
          );
        }
      }
    },
    ['aggregate'],
  ),

  check(
    'aggregate.groupBy',
    'group by one and two columns, with a filter applied before grouping, ordered by the keys',
    async (ctx) => {
      const table = ctx.table(LINES);
      const filter = [{ column: 'quantity', op: 'gte' as const, value: 3 }];
      const rows = filtered(table, filter);
      const result = await ctx.ds.aggregate(ctx.name(LINES), {
        groupBy: ['customer_id', 'shipped'],
        measures: [{ fn: 'count' }, { fn: 'sum', column: 'quantity' }],
        filter,
      });
      const groups = new Map<string, Row[]>();
      for (const r of rows) {
        const id = `${r.customer_id}|${r.shipped}`;
        groups.set(id, [...(groups.get(id) ?? []), r]);
      }
      const expectedKeys = [...groups.keys()].sort((a, b) => {
        const [ca, sa] = a.split('|');
        const [cb, sb] = b.split('|');
        return Number(ca) - Number(cb) || (sa === sb ? 0 : sa === 'false' ? -1 : 1);
      });
      expect(
        result.rows.map((r) => `${canonicalText('integer', r.customer_id ?? null).slice(4)}|${r.shipped}`),
        'groups in key order',
      ).toEqual(expectedKeys);
      for (const r of result.rows) {
        const members =
          groups.get(`${canonicalText('integer', r.customer_id ?? null).slice(4)}|${r.shipped}`) ?? [];
        expectCount(r.count, members.length, `count of group ${r.customer_id}/${r.shipped}`);
        expectSum(
          r.sum_quantity,
          addDecimals(members.map((m) => m.quantity as number)),
          `sum_quantity of group ${r.customer_id}/${r.shipped}`,
        );
      }
    },
    ['aggregate', 'filter:gte'],
  ),

  check(
    'aggregate.timeBucket',
    'grouping a date column by month and year gives ISO date keys',
    async (ctx) => {
      const table = ctx.table(LINES);
      for (const bucket of ['month', 'year'] as const) {
        const result = await ctx.ds.aggregate(ctx.name(LINES), {
          groupBy: [{ column: 'ordered_on', bucket, as: 'period' }],
          measures: [{ fn: 'count', as: 'n' }],
        });
        const counts = new Map<string, number>();
        for (const r of table.rows) {
          const d = String(r.ordered_on);
          const key = bucket === 'month' ? `${d.slice(0, 7)}-01` : `${d.slice(0, 4)}-01-01`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        const expected = [...counts.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([period, n]) => ({ period, n }));
        const actual = result.rows.map((r) => ({
          period: typeof r.period === 'string' ? r.period.slice(0, 10) : r.period,
          n: r.n,
        }));
        expect(actual, `groups by ${bucket}`).toEqual(expected);
      }
    },
    ['aggregate'],
  ),

  check(
    'aggregate.sortLimit',
    'aggregate results sort by a measure and respect the limit',
    async (ctx) => {
      const table = ctx.table(LINES);
      const result = await ctx.ds.aggregate(ctx.name(LINES), {
        groupBy: ['sku'],
        measures: [{ fn: 'count', as: 'n' }],
        sort: [
          { column: 'n', direction: 'desc' },
          { column: 'sku', direction: 'asc' },
        ],
        limit: 3,
      });
      const counts = new Map<string, number>();
      for (const r of table.rows) counts.set(String(r.sku), (counts.get(String(r.sku)) ?? 0) + 1);
      const expected = [...counts.entries()]
        .sort(([sa, a], [sb, b]) => b - a || (sa < sb ? -1 : 1))
        .slice(0, 3)
        .map(([sku, n]) => ({ sku, n }));
      expect(result.rows).toEqual(expected);
    },
    ['aggregate'],
  ),

  check(
    'aggregate.invalid',
    'an aggregate without measures, with an unknown function or a sum without column is refused',
    async (ctx) => {
      const name = ctx.name(LINES);
      await expectNocofloError(
        () => ctx.ds.aggregate(name, { measures: [] }),
        Errors.InvalidQuery.code,
        'aggregate without measures',
      );
      await expectNocofloError(
        () => ctx.ds.aggregate(name, { measures: [{ fn: 'median' as 'sum', column: 'quantity' }] }),
        Errors.InvalidQuery.code,
        'aggregate with fn "median"',
      );
      await expectNocofloError(
        () => ctx.ds.aggregate(name, { measures: [{ fn: 'sum' }] }),
        Errors.InvalidQuery.code,
        'sum without a column',
      );
    },
    ['aggregate'],
  ),
];
