/**
 * Checks of conditional writes (`capabilities.conditionalWrites`): `update` and `delete`
 * with `{ ifVersion }` check the row's version and write in one step, so two writers that
 * saw the same version (two hosts on one database) cannot both win.
 */
import { Errors, isNocofloError, type Row, rowVersion } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { FIXTURE_TABLES } from '../fixture.js';
import { type CheckContext, type ConformanceCheck, check } from './check.js';
import { canonicalRow, expectNocofloError, expectOtherTablesUntouched, expectTableHolds } from './helpers.js';

const CUSTOMERS = FIXTURE_TABLES.customers;
const LINES = FIXTURE_TABLES.orderLines;

/** The row with this key as the datasource reads it (what a host versions and hands out). */
async function currentRow(ctx: CheckContext, fixtureTable: string, key: Row): Promise<Row> {
  const filter = Object.entries(key).map(([column, value]) => ({ column, op: 'eq' as const, value }));
  const page = await ctx.ds.readPage(ctx.name(fixtureTable), { filter, limit: 2 });
  expect(page.rows.length, `rows with key ${JSON.stringify(key)}`).toBe(1);
  return page.rows[0] as Row;
}

/** Conditional-write checks. */
export const conditionalWriteChecks: readonly ConformanceCheck[] = [
  check(
    'write.ifVersion',
    'update and delete with { ifVersion } write when the version is current, and refuse a stale one with NCF_ROW_CHANGED (with the current row) or a missing row with NCF_ROW_NOT_FOUND, changing nothing',
    async (ctx) => {
      const table = ctx.table(CUSTOMERS);
      const name = ctx.name(CUSTOMERS);
      // A row of its own, which no other row refers to (so it can be deleted).
      await ctx.ds.insert(name, { id: 9, name: 'Temp', country: 'nl' });
      const seen = await currentRow(ctx, CUSTOMERS, { id: 9 });
      const stale = rowVersion(seen);
      const updated = await ctx.ds.update(name, { id: 9 }, { name: 'First' }, { ifVersion: stale });
      expect(canonicalRow(table, updated), 'the row update returned').toEqual(
        canonicalRow(table, { ...seen, name: 'First' }),
      );

      // A second writer that saw the same version is refused, and told what is there now.
      const refused = await expectNocofloError(
        () => ctx.ds.update(name, { id: 9 }, { name: 'Second' }, { ifVersion: stale }),
        Errors.RowChanged.code,
        'update with a version the row no longer has',
      );
      const details = isNocofloError(refused) ? (refused.details as { current?: Row; version?: string }) : {};
      const now = await currentRow(ctx, CUSTOMERS, { id: 9 });
      expect(details.version, 'details.version of the refusal').toBe(rowVersion(now));
      expect(canonicalRow(table, details.current ?? {}), 'details.current of the refusal').toEqual(
        canonicalRow(table, now),
      );
      await expectNocofloError(
        () => ctx.ds.delete(name, { id: 9 }, { ifVersion: stale }),
        Errors.RowChanged.code,
        'delete with a version the row no longer has',
      );
      await expectNocofloError(
        () => ctx.ds.update(name, { id: 99 }, { name: 'Nobody' }, { ifVersion: stale }),
        Errors.RowNotFound.code,
        'update with { ifVersion } of a missing row',
      );
      const expected = [...table.rows, { id: 9, name: 'First', country: 'nl' }];
      await expectTableHolds(ctx, CUSTOMERS, expected);

      // The current version deletes it.
      await ctx.ds.delete(name, { id: 9 }, { ifVersion: rowVersion(now) });
      await expectTableHolds(
        ctx,
        CUSTOMERS,
        expected.filter((r) => r.id !== 9),
      );
      await expectOtherTablesUntouched(ctx, [CUSTOMERS]);
    },
    ['write', 'conditionalWrites'],
  ),

  check(
    'write.ifVersionConcurrent',
    'concurrent updates with the same { ifVersion } by a composite key: exactly one is written, every other is refused with NCF_ROW_CHANGED',
    async (ctx) => {
      const table = ctx.table(LINES);
      const name = ctx.name(LINES);
      const expected = table.rows.map((r) => ({ ...r }));
      // Several rounds: the first also opens the pool's connections (which staggers its
      // writers); later ones start their transactions together, as two hosts would.
      for (const [round, key] of [
        { order_id: 1, line_no: 1 },
        { order_id: 2, line_no: 1 },
        { order_id: 3, line_no: 1 },
        { order_id: 1, line_no: 1 },
      ].entries()) {
        const seen = await currentRow(ctx, LINES, key);
        const ifVersion = rowVersion(seen);
        const quantities = [1, 2, 3, 4, 5, 6].map((n) => 100 * (round + 1) + n);
        const outcomes = await Promise.allSettled(
          quantities.map((quantity) => ctx.ds.update(name, key, { quantity }, { ifVersion })),
        );
        const written = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [quantities[i]] : []));
        expect(written.length, `updates written over the same version (round ${round + 1})`).toBe(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') {
            const code = isNocofloError(outcome.reason) ? outcome.reason.code : String(outcome.reason);
            expect(code, 'the refusal of a concurrent update').toBe(Errors.RowChanged.code);
          }
        }
        const winner = written[0] ?? null;
        const after = await currentRow(ctx, LINES, key);
        expect(canonicalRow(table, after)).toEqual(canonicalRow(table, { ...seen, quantity: winner }));
        const index = expected.findIndex((r) => r.order_id === key.order_id && r.line_no === key.line_no);
        expected[index] = { ...expected[index], quantity: winner } as Row;
      }
      await expectTableHolds(ctx, LINES, expected);
      await expectOtherTablesUntouched(ctx, [LINES]);
    },
    ['write', 'conditionalWrites'],
  ),
];
