/** Checks of insert, update and delete, by simple and composite keys. */
import { Errors, type Row } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { FIXTURE_TABLES } from '../fixture.js';
import { type ConformanceCheck, check } from './check.js';
import { lineRow } from './checks-paging.js';
import {
  canonicalRow,
  expectNocofloError,
  expectOtherTablesUntouched,
  expectTableHolds,
  readAll,
} from './helpers.js';

const LINES = FIXTURE_TABLES.orderLines;
const CUSTOMERS = FIXTURE_TABLES.customers;

/** Write checks. */
export const writeChecks: readonly ConformanceCheck[] = [
  check(
    'write.insert',
    'insert returns the row as stored and the row can be read back',
    async (ctx) => {
      const table = ctx.table(LINES);
      const row = lineRow(16, 1, {
        sku: 'grape',
        quantity: 7,
        unit_price: '42.42',
        weight: null,
        shipped: true,
        note: null,
      });
      const returned = await ctx.ds.insert(ctx.name(LINES), row);
      expect(canonicalRow(table, returned), 'the row insert returned').toEqual(canonicalRow(table, row));
      await expectTableHolds(ctx, LINES, [...table.rows, row]);
      await expectOtherTablesUntouched(ctx, [LINES]);
    },
    ['write'],
  ),

  check(
    'write.updateCompositeKey',
    'update by a composite key changes exactly that row and returns it',
    async (ctx) => {
      const table = ctx.table(LINES);
      const key = { order_id: 3, line_no: 2 };
      const changes: Row = { quantity: 999, note: 'changed', unit_price: '0.01' };
      const returned = await ctx.ds.update(ctx.name(LINES), key, changes);
      const before = table.rows.find((r) => r.order_id === 3 && r.line_no === 2) as Row;
      const after = { ...before, ...changes };
      expect(canonicalRow(table, returned), 'the row update returned').toEqual(canonicalRow(table, after));
      await expectTableHolds(
        ctx,
        LINES,
        table.rows.map((r) => (r === before ? after : r)),
      );
      await expectOtherTablesUntouched(ctx, [LINES]);
    },
    ['write'],
  ),

  check(
    'write.deleteCompositeKey',
    'delete by a composite key removes exactly that row',
    async (ctx) => {
      const table = ctx.table(LINES);
      await ctx.ds.delete(ctx.name(LINES), { order_id: 3, line_no: 2 });
      await expectTableHolds(
        ctx,
        LINES,
        table.rows.filter((r) => !(r.order_id === 3 && r.line_no === 2)),
      );
      await expectOtherTablesUntouched(ctx, [LINES]);
    },
    ['write'],
  ),

  check(
    'write.simpleKey',
    'update and delete by a single-column key',
    async (ctx) => {
      const table = ctx.table(CUSTOMERS);
      const updated = await ctx.ds.update(ctx.name(CUSTOMERS), { id: 6 }, { name: 'Robert', country: null });
      expect(canonicalRow(table, updated)).toEqual(
        canonicalRow(table, { id: 6, name: 'Robert', country: null }),
      );
      const extra = { id: 9, name: 'Temp', country: 'nl' };
      await ctx.ds.insert(ctx.name(CUSTOMERS), extra);
      await ctx.ds.delete(ctx.name(CUSTOMERS), { id: 9 });
      await expectTableHolds(
        ctx,
        CUSTOMERS,
        table.rows.map((r) => (r.id === 6 ? { id: 6, name: 'Robert', country: null } : r)),
      );
    },
    ['write'],
  ),

  check(
    'write.rowNotFound',
    'update and delete of a key no row has are refused with NCF_ROW_NOT_FOUND, changing nothing',
    async (ctx) => {
      const name = ctx.name(LINES);
      await expectNocofloError(
        () => ctx.ds.update(name, { order_id: 3, line_no: 99 }, { quantity: 1 }),
        Errors.RowNotFound.code,
        'update of a missing row',
      );
      await expectNocofloError(
        () => ctx.ds.delete(name, { order_id: 99, line_no: 1 }),
        Errors.RowNotFound.code,
        'delete of a missing row',
      );
      await expectOtherTablesUntouched(ctx);
    },
    ['write'],
  ),

  check(
    'write.incompleteKey',
    'a key lacking a key column is refused with NCF_INVALID_QUERY, changing nothing',
    async (ctx) => {
      const name = ctx.name(LINES);
      await expectNocofloError(
        () => ctx.ds.update(name, { order_id: 3 }, { quantity: 1 }),
        Errors.InvalidQuery.code,
        'update by half a composite key',
      );
      await expectNocofloError(
        () => ctx.ds.delete(name, { order_id: 3 }),
        Errors.InvalidQuery.code,
        'delete by half a composite key',
      );
      await expectNocofloError(
        () => ctx.ds.delete(name, {}),
        Errors.InvalidQuery.code,
        'delete by an empty key',
      );
      await expectOtherTablesUntouched(ctx);
    },
    ['write'],
  ),

  check(
    'write.constraints',
    'a duplicate key or a NULL in a NOT NULL column is refused with NCF_CONSTRAINT_VIOLATION, changing nothing',
    async (ctx) => {
      await expectNocofloError(
        () => ctx.ds.insert(ctx.name(LINES), lineRow(1, 1)),
        Errors.ConstraintViolation.code,
        'insert of a duplicate key',
      );
      await expectNocofloError(
        () => ctx.ds.insert(ctx.name(CUSTOMERS), { id: 20, name: null, country: 'de' }),
        [Errors.ConstraintViolation.code, Errors.InvalidValue.code],
        'insert of NULL into a NOT NULL column',
      );
      await expectNocofloError(
        () => ctx.ds.update(ctx.name(LINES), { order_id: 1, line_no: 1 }, { line_no: 2 }),
        Errors.ConstraintViolation.code,
        'update of a key onto an existing key',
      );
      await expectOtherTablesUntouched(ctx);
    },
    ['write'],
  ),

  check(
    'write.invalidValue',
    'a value that does not fit the column type is refused with NCF_INVALID_VALUE, changing nothing',
    async (ctx) => {
      await expectNocofloError(
        () => ctx.ds.insert(ctx.name(LINES), lineRow(17, 1, { quantity: 'many' })),
        Errors.InvalidValue.code,
        'insert of "many" into an integer column',
      );
      await expectNocofloError(
        () => ctx.ds.update(ctx.name(LINES), { order_id: 1, line_no: 1 }, { ordered_on: 'yesterday' }),
        Errors.InvalidValue.code,
        'update of a date column to "yesterday"',
      );
      expect((await readAll(ctx.ds, ctx.name(LINES))).length).toBe(ctx.table(LINES).rows.length);
      await expectOtherTablesUntouched(ctx);
    },
    ['write'],
  ),
];
