/**
 * Checks of filter groups (conditions combined with OR and AND, nested) and of quick search,
 * against results computed from the fixture in JavaScript.
 */
import {
  Errors,
  type FilterCondition,
  isFilterGroup,
  MAX_FILTER_DEPTH,
  matchesSearch,
  type Row,
} from '@nocoflo/sdk';
import { expect } from 'vitest';
import { FIXTURE_TABLES } from '../fixture.js';
import type { FixtureTable } from '../fixture-types.js';
import { type CheckContext, type ConformanceCheck, check } from './check.js';
import { satisfies } from './expected.js';
import { expectNocofloError, expectSameRows, readAll } from './helpers.js';

const LINES = FIXTURE_TABLES.orderLines;
const CUSTOMERS = FIXTURE_TABLES.customers;

/** Whether a fixture row satisfies a filter entry, groups included. */
function holds(table: FixtureTable, row: Row, condition: FilterCondition, caseInsensitive: boolean): boolean {
  if (!isFilterGroup(condition)) return satisfies(table, row, condition, caseInsensitive);
  if ('or' in condition) return condition.or.some((c) => holds(table, row, c, caseInsensitive));
  return condition.and.every((c) => holds(table, row, c, caseInsensitive));
}

/** The fixture rows matching every entry of a filter. */
function expected(ctx: CheckContext, table: FixtureTable, filter: readonly FilterCondition[]): Row[] {
  return table.rows.filter((row) =>
    filter.every((c) => holds(table, row, c, ctx.capabilities.caseInsensitiveText)),
  );
}

/** Group cases on order_lines, each with the operators it uses. */
const GROUP_CASES: readonly (readonly FilterCondition[])[] = [
  [
    {
      or: [
        { column: 'sku', op: 'eq', value: 'apple' },
        { column: 'quantity', op: 'gte', value: 15 },
      ],
    },
  ],
  [
    { column: 'note', op: 'isNotNull' },
    {
      or: [
        {
          and: [
            { column: 'sku', op: 'in', value: ['banana', 'cherry'] },
            { column: 'quantity', op: 'lt', value: 10 },
          ],
        },
        { column: 'note', op: 'contains', value: 'RED' },
      ],
    },
  ],
  [
    {
      and: [
        { column: 'shipped', op: 'eq', value: true },
        { column: 'weight', op: 'isNull' },
      ],
    },
  ],
  [{ or: [{ column: 'sku', op: 'eq', value: 'fig' }] }],
];

/** Filter-group checks. */
export const filterGroupChecks: readonly ConformanceCheck[] = [
  check(
    'filter.groups',
    'filter groups combine their conditions with OR or AND, nested, next to plain conditions (also paged and sorted)',
    async (ctx) => {
      const table = ctx.table(LINES);
      for (const filter of GROUP_CASES) {
        const rows = await readAll(ctx.ds, ctx.name(LINES), {
          filter,
          limit: 4,
          sort: [{ column: 'quantity', direction: 'desc' }],
        });
        expectSameRows(table, rows, expected(ctx, table, filter), `rows where ${JSON.stringify(filter)}`);
      }
    },
    [
      'filterGroups',
      'sort',
      'filter:eq',
      'filter:gte',
      'filter:in',
      'filter:lt',
      'filter:contains',
      'filter:isNull',
      'filter:isNotNull',
    ],
  ),

  check(
    'filter.groups.empty',
    'an empty OR group matches no row and an empty AND group every row',
    async (ctx) => {
      const name = ctx.name(LINES);
      expect((await readAll(ctx.ds, name, { filter: [{ or: [] }] })).length, 'rows of { or: [] }').toBe(0);
      expect((await readAll(ctx.ds, name, { filter: [{ and: [] }] })).length, 'rows of { and: [] }').toBe(
        ctx.table(LINES).rows.length,
      );
    },
    ['filterGroups'],
  ),

  check(
    'filter.groups.aggregate',
    'aggregates apply filter groups before grouping',
    async (ctx) => {
      const filter = GROUP_CASES[0] as readonly FilterCondition[];
      const result = await ctx.ds.aggregate(ctx.name(LINES), {
        measures: [{ fn: 'count', as: 'n' }],
        filter,
      });
      expect(Number(result.rows[0]?.n), `count where ${JSON.stringify(filter)}`).toBe(
        expected(ctx, ctx.table(LINES), filter).length,
      );
    },
    ['filterGroups', 'aggregate', 'filter:eq', 'filter:gte'],
  ),

  check(
    'filter.groups.invalid',
    'a group without an array, or nested too deep, is refused with NCF_INVALID_QUERY',
    async (ctx) => {
      let deep: FilterCondition = { column: 'sku', op: 'eq', value: 'apple' };
      for (let i = 0; i < MAX_FILTER_DEPTH + 1; i++) deep = { or: [deep] };
      const bad: unknown[] = [{ or: 'sku' }, { and: { column: 'sku', op: 'eq', value: 'x' } }, deep];
      for (const filter of bad) {
        await expectNocofloError(
          () => ctx.ds.readPage(ctx.name(LINES), { filter: [filter as FilterCondition] }),
          Errors.InvalidQuery.code,
          `readPage with filter ${JSON.stringify(filter)}`,
        );
      }
    },
    ['filterGroups', 'filter:eq'],
  ),
];

/**
 * The rows a search must find: by substring over the searched columns the datasource
 * reports (exactly); a full-text index matches words, so its rows are some of those.
 */
async function expectSearch(
  ctx: CheckContext,
  fixtureTable: string,
  search: string,
  filter: readonly FilterCondition[] = [],
): Promise<Row[]> {
  const name = ctx.name(fixtureTable);
  const table = ctx.table(fixtureTable);
  const how = (await ctx.ds.describeTable(name)).search;
  expect(how, `describeTable(${fixtureTable}).search`).toBeDefined();
  const columns = how?.columns ?? [];
  const want = expected(ctx, table, filter).filter((row) => matchesSearch(row, columns, search));
  const rows = await readAll(ctx.ds, name, { search, filter, limit: 5 });
  if (how?.method === 'substring')
    expectSameRows(table, rows, want, `rows of ${fixtureTable} searched for ${JSON.stringify(search)}`);
  else
    expect(rows.length, `rows of a full-text search for ${JSON.stringify(search)}`).toBeLessThanOrEqual(
      want.length,
    );
  return rows;
}

/** Quick-search checks. */
export const searchChecks: readonly ConformanceCheck[] = [
  check(
    'search.schema',
    'describeTable reports how a table with text columns is searched: fulltext or substring, over existing text columns',
    async (ctx) => {
      for (const fixtureTable of [LINES, CUSTOMERS]) {
        const schema = await ctx.ds.describeTable(ctx.name(fixtureTable));
        const how = schema.search;
        expect(how, `${fixtureTable}.search`).toBeDefined();
        expect(['fulltext', 'substring'], `${fixtureTable}.search.method`).toContain(how?.method);
        expect(how?.columns.length, `${fixtureTable}.search.columns`).toBeGreaterThan(0);
        for (const column of how?.columns ?? []) {
          expect(
            schema.columns.find((c) => c.name === column)?.type,
            `type of searched column ${column}`,
          ).toBe('text');
        }
      }
    },
    ['search'],
  ),

  check(
    'search.words',
    'a search finds the rows where every word is in some searched column, ignoring case, literally (% and _ are not wildcards)',
    async (ctx) => {
      const red = await expectSearch(ctx, LINES, 'RED');
      expect(red.length, 'rows found for "RED"').toBeGreaterThan(0);
      await expectSearch(ctx, LINES, 'red apple');
      await expectSearch(ctx, LINES, 'cherry');
      await expectSearch(ctx, LINES, '50%');
      await expectSearch(ctx, LINES, 'a_b');
      await expectSearch(ctx, CUSTOMERS, 'zo');
    },
    ['search'],
  ),

  check(
    'search.blank',
    'a blank search finds every row',
    async (ctx) => {
      expect(
        (await readAll(ctx.ds, ctx.name(LINES), { search: '   ' })).length,
        'rows of a blank search',
      ).toBe(ctx.table(LINES).rows.length);
    },
    ['search'],
  ),

  check(
    'search.filtered',
    'a search combines with filters and groups, in reads and in aggregates',
    async (ctx) => {
      const filter: FilterCondition[] = [
        {
          or: [
            { column: 'quantity', op: 'gte', value: 10 },
            { column: 'sku', op: 'eq', value: 'apple' },
          ],
        },
      ];
      const rows = await expectSearch(ctx, LINES, 'red', filter);
      const result = await ctx.ds.aggregate(ctx.name(LINES), {
        measures: [{ fn: 'count', as: 'n' }],
        filter,
        search: 'red',
      });
      expect(Number(result.rows[0]?.n), 'count of the searched and filtered rows').toBe(rows.length);
    },
    ['search', 'filterGroups', 'aggregate', 'filter:gte', 'filter:eq'],
  ),

  check(
    'search.invalid',
    'a search that is not a string is refused with NCF_INVALID_QUERY',
    async (ctx) => {
      await expectNocofloError(
        () => ctx.ds.readPage(ctx.name(LINES), { search: 42 as unknown as string }),
        Errors.InvalidQuery.code,
        'readPage with search: 42',
      );
    },
    ['search'],
  ),
];
