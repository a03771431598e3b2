/**
 * What a check that does not apply verifies instead: that the datasource refuses what it
 * cannot do with the documented code (writes `NCF_READ_ONLY`, the rest `NCF_UNSUPPORTED`)
 * and changes nothing, rather than answering wrongly.
 */
import { Errors, type Filter, type FilterOperator } from '@nocoflo/sdk';
import { FIXTURE_TABLES } from '../fixture.js';
import { type CheckContext, type CheckNeed, hasCapability } from './check.js';
import { lineRow } from './checks-paging.js';
import { collect, expectNocofloError, expectOtherTablesUntouched } from './helpers.js';

const LINES = FIXTURE_TABLES.orderLines;
const CUSTOMERS = FIXTURE_TABLES.customers;

/** One filter per operator, on an order_lines column, for refusal checks. */
export const REPRESENTATIVE_FILTERS: Readonly<Record<FilterOperator, Filter>> = {
  eq: { column: 'sku', op: 'eq', value: 'cherry' },
  neq: { column: 'sku', op: 'neq', value: 'cherry' },
  lt: { column: 'quantity', op: 'lt', value: 10 },
  lte: { column: 'quantity', op: 'lte', value: 10 },
  gt: { column: 'quantity', op: 'gt', value: 10 },
  gte: { column: 'quantity', op: 'gte', value: 10 },
  in: { column: 'sku', op: 'in', value: ['apple', 'fig'] },
  notIn: { column: 'sku', op: 'notIn', value: ['apple', 'fig'] },
  contains: { column: 'note', op: 'contains', value: 'ed' },
  startsWith: { column: 'note', op: 'startsWith', value: 'R' },
  endsWith: { column: 'note', op: 'endsWith', value: 'ed' },
  isNull: { column: 'note', op: 'isNull' },
  isNotNull: { column: 'note', op: 'isNotNull' },
};

/** Asserts that the datasource refuses each missing capability the right way, changing nothing. */
export async function expectRefusals(ctx: CheckContext, needs: readonly CheckNeed[]): Promise<void> {
  const lines = ctx.name(LINES);
  const missing = needs.filter((need) => !hasCapability(ctx.capabilities, need));
  for (const need of missing) {
    switch (need) {
      case 'write':
      case 'rows':
        await expectNocofloError(
          () => ctx.ds.insert(lines, lineRow(40, 1)),
          Errors.ReadOnly.code,
          'insert into a read-only datasource',
        );
        await expectNocofloError(
          () => ctx.ds.update(ctx.name(CUSTOMERS), { id: 1 }, { name: 'changed' }),
          Errors.ReadOnly.code,
          'update through a read-only datasource',
        );
        await expectNocofloError(
          () => ctx.ds.delete(ctx.name(CUSTOMERS), { id: 1 }),
          Errors.ReadOnly.code,
          'delete through a read-only datasource',
        );
        break;
      case 'stream':
        await expectNocofloError(
          () => collect(ctx.ds.stream(lines)),
          Errors.Unsupported.code,
          'stream on a datasource that does not stream',
        );
        break;
      case 'aggregate':
        await expectNocofloError(
          () => ctx.ds.aggregate(lines, { measures: [{ fn: 'count' }] }),
          Errors.Unsupported.code,
          'aggregate on a datasource that does not aggregate',
        );
        break;
      case 'sort':
        await expectNocofloError(
          () => ctx.ds.readPage(lines, { sort: [{ column: 'sku', direction: 'asc' }] }),
          Errors.Unsupported.code,
          'readPage sorted by sku on a datasource that does not sort on every column',
        );
        break;
      case 'filterGroups':
        await expectNocofloError(
          () =>
            ctx.ds.readPage(lines, {
              filter: [{ or: [REPRESENTATIVE_FILTERS.eq, REPRESENTATIVE_FILTERS.lt] }],
            }),
          Errors.Unsupported.code,
          'readPage with filters combined by OR on a datasource that does not combine them',
        );
        break;
      case 'conditionalWrites':
        // Nothing to refuse: such a datasource ignores `ifVersion` and the host checks the
        // version itself before writing. What it must not do is change other tables (below).
        break;
      case 'search':
        await expectNocofloError(
          () => ctx.ds.readPage(lines, { search: 'red' }),
          Errors.Unsupported.code,
          'readPage with a search on a datasource that does not search',
        );
        break;
      default: {
        const op = need.slice('filter:'.length) as FilterOperator;
        const filter = REPRESENTATIVE_FILTERS[op];
        await expectNocofloError(
          () => ctx.ds.readPage(lines, { filter: [filter] }),
          Errors.Unsupported.code,
          `readPage with the unsupported filter ${JSON.stringify(filter)}`,
        );
      }
    }
  }
  await expectOtherTablesUntouched(ctx);
}
