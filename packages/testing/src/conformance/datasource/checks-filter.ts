/** Checks of every filter operator, against results computed from the fixture in JavaScript. */
import { Errors, type Filter, type FilterOperator } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { FIXTURE_TABLES } from '../fixture.js';
import { type CheckContext, type ConformanceCheck, check } from './check.js';
import { filtered } from './expected.js';
import { expectNocofloError, expectSameRows, readAll } from './helpers.js';

const LINES = FIXTURE_TABLES.orderLines;
const CUSTOMERS = FIXTURE_TABLES.customers;

/** Runs each filter set on a table and compares the rows with the expected ones. */
async function expectFiltered(
  ctx: CheckContext,
  fixtureTable: string,
  cases: readonly (readonly Filter[])[],
): Promise<void> {
  const table = ctx.table(fixtureTable);
  for (const filter of cases) {
    const rows = await readAll(ctx.ds, ctx.name(fixtureTable), { filter });
    expectSameRows(
      table,
      rows,
      filtered(table, filter),
      `rows of ${fixtureTable} where ${JSON.stringify(filter)}`,
    );
  }
}

const f = (column: string, op: FilterOperator, value?: Filter['value']): Filter[] =>
  value === undefined ? [{ column, op }] : [{ column, op, value }];

/** Per operator: cases on order_lines (and customers where NULL text matters). */
const CASES: Record<FilterOperator, { title: string; lines: Filter[][]; customers?: Filter[][] }> = {
  eq: {
    title: 'eq matches equal values of text, integer, decimal, boolean and date columns',
    lines: [
      f('sku', 'eq', 'cherry'),
      f('quantity', 'eq', 12),
      f('unit_price', 'eq', '12.25'),
      f('shipped', 'eq', false),
      f('ordered_on', 'eq', '2024-02-08'),
    ],
    customers: [f('name', 'eq', "O'Brien"), f('name', 'eq', 'Zoë')],
  },
  neq: {
    title: 'neq matches different values and never NULLs',
    lines: [f('sku', 'neq', 'cherry'), f('note', 'neq', 'red'), f('shipped', 'neq', true)],
    customers: [f('country', 'neq', 'de')],
  },
  lt: {
    title: 'lt compares numbers numerically, decimals exactly, dates and text in order',
    lines: [
      f('quantity', 'lt', 10),
      f('unit_price', 'lt', '12.25'),
      f('ordered_on', 'lt', '2024-03-15'),
      f('sku', 'lt', 'date'),
      f('weight', 'lt', 10.5),
    ],
  },
  lte: {
    title: 'lte includes the bound',
    lines: [
      f('quantity', 'lte', 10),
      f('unit_price', 'lte', '12.25'),
      f('ordered_on', 'lte', '2024-02-08'),
      f('sku', 'lte', 'date'),
    ],
  },
  gt: {
    title: 'gt compares numbers numerically, decimals exactly, dates and text in order',
    lines: [
      f('quantity', 'gt', 10),
      f('unit_price', 'gt', '12.25'),
      f('ordered_on', 'gt', '2024-03-15'),
      f('sku', 'gt', 'date'),
      f('weight', 'gt', 10.5),
    ],
  },
  gte: {
    title: 'gte includes the bound',
    lines: [
      f('quantity', 'gte', 10),
      f('unit_price', 'gte', '100'),
      f('ordered_on', 'gte', '2024-02-08'),
      f('sku', 'gte', 'date'),
    ],
  },
  in: {
    title: 'in matches any listed value',
    lines: [
      f('sku', 'in', ['apple', 'fig', 'nope']),
      f('quantity', 'in', [1, 2, 3, 12]),
      f('unit_price', 'in', ['0.99', '3.5']),
    ],
  },
  notIn: {
    title: 'notIn matches values not listed and never NULLs',
    lines: [f('sku', 'notIn', ['apple', 'fig']), f('note', 'notIn', ['red', 'plain'])],
  },
  contains: {
    title: 'contains matches literally (% and _ are not wildcards) and case-sensitively',
    lines: [
      f('note', 'contains', '%'),
      f('note', 'contains', '_'),
      f('note', 'contains', 'Re'),
      f('note', 'contains', 'ed'),
      f('sku', 'contains', 'a_'),
      f('note', 'contains', '☕'),
    ],
  },
  startsWith: {
    title: 'startsWith matches a literal, case-sensitive prefix',
    lines: [
      f('note', 'startsWith', 'R'),
      f('note', 'startsWith', 'ed'), // inside some notes, at the start of none: not "contains"
      f('note', 'startsWith', '100%'),
      f('sku', 'startsWith', 'b_'),
      f('sku', 'startsWith', '%'),
    ],
  },
  endsWith: {
    title: 'endsWith matches a literal, case-sensitive suffix',
    lines: [
      f('note', 'endsWith', '%'),
      f('note', 'endsWith', 'ed'),
      f('note', 'endsWith', 'D'),
      f('sku', 'endsWith', '_e'),
    ],
  },
  isNull: {
    title: 'isNull matches exactly the NULLs',
    lines: [f('note', 'isNull'), f('weight', 'isNull')],
    customers: [f('country', 'isNull')],
  },
  isNotNull: {
    title: 'isNotNull matches exactly the non-NULLs',
    lines: [f('note', 'isNotNull'), f('weight', 'isNotNull')],
    customers: [f('country', 'isNotNull')],
  },
};

/** Filter checks: one per operator, plus combination and refusal. */
export const filterChecks: readonly ConformanceCheck[] = [
  ...Object.entries(CASES).map(([op, c]) =>
    check(
      `filter.${op}`,
      c.title,
      async (ctx) => {
        await expectFiltered(ctx, LINES, c.lines);
        if (c.customers) await expectFiltered(ctx, CUSTOMERS, c.customers);
      },
      [`filter:${op as FilterOperator}`],
    ),
  ),

  check(
    'filter.combined',
    'several filters combine with AND, also on pages with a sort',
    async (ctx) => {
      const filter: Filter[] = [
        { column: 'sku', op: 'in', value: ['apple', 'banana', 'cherry', 'fig'] },
        { column: 'quantity', op: 'gte', value: 5 },
        { column: 'note', op: 'isNotNull' },
      ];
      const table = ctx.table(LINES);
      const rows = await readAll(ctx.ds, ctx.name(LINES), {
        filter,
        limit: 3,
        sort: [{ column: 'quantity', direction: 'desc' }],
      });
      expectSameRows(table, rows, filtered(table, filter), 'rows matching all three filters');
    },
    ['filter:in', 'filter:gte', 'filter:isNotNull', 'sort'],
  ),

  check(
    'filter.invalid',
    'an unknown operator or a value of the wrong shape is refused with NCF_INVALID_QUERY',
    async (ctx) => {
      const name = ctx.name(LINES);
      const bad: unknown[] = [
        { column: 'sku', op: 'like', value: 'a%' },
        { column: 'sku', op: 'in', value: 'apple' },
        { column: 'sku', op: 'eq' },
      ];
      for (const filter of bad) {
        await expectNocofloError(
          () => ctx.ds.readPage(name, { filter: [filter as Filter] }),
          Errors.InvalidQuery.code,
          `readPage with filter ${JSON.stringify(filter)}`,
        );
      }
      expect((await readAll(ctx.ds, name)).length, 'rows after refused filters').toBe(
        ctx.table(LINES).rows.length,
      );
    },
  ),
];
