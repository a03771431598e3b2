/**
 * Hostile identifiers and values: quotes, semicolons, `--`, backslashes and NUL must be
 * stored literally or refused with a NocofloError, and must never change other data.
 */
import { Errors, type Row } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { FIXTURE_TABLES, HOSTILE_COLUMNS } from '../fixture.js';
import { type ConformanceCheck, check } from './check.js';
import {
  canonicalRow,
  describeError,
  expectNocofloError,
  expectOtherTablesUntouched,
  expectTableHolds,
  isTypedRefusal,
  readAll,
} from './helpers.js';

const CUSTOMERS = FIXTURE_TABLES.customers;
const HOSTILE = FIXTURE_TABLES.hostile;
const { quoted, statement, backslash } = HOSTILE_COLUMNS;

/** The NUL-carrying value `hostile.nul` stores (seeded as customer 50 for read-only datasources). */
export const HOSTILE_NUL_VALUE = 'a\u0000b; DROP TABLE customers; --';

/** Values that break naive string-built SQL. */
export const HOSTILE_VALUES: readonly string[] = [
  "Robert'); DROP TABLE customers;--",
  "'; DELETE FROM order_lines; --",
  "\\'; --",
  '"quoted"',
  'back\\slash\\',
  "' OR '1'='1",
  '$1',
  '?',
  ':name',
  '%s',
];

/** Hostile input checks. */
export const hostileChecks: readonly ConformanceCheck[] = [
  check(
    'hostile.identifiers',
    'a table and columns named with quotes, semicolons, -- and backslashes work like any other',
    async (ctx) => {
      const table = ctx.table(HOSTILE);
      const name = ctx.name(HOSTILE);
      const writes = !ctx.capabilities.readOnly;
      await expectTableHolds(ctx, HOSTILE);
      const inserted: Row = { id: 4, [quoted]: "x'y", [statement]: 'z"; --', [backslash]: '\\\\' };
      if (writes) {
        await ctx.ds.insert(name, inserted);
        await ctx.ds.update(name, { id: 2 }, { [statement]: 'updated; --' });
      }
      const rowCount = writes ? 4 : 3;
      // What a read-only datasource cannot do here is checked (as a refusal) by the checks that need it.
      if (ctx.capabilities.filters.has('eq')) {
        const value = writes ? 'updated; --' : (table.rows[1]?.[statement] as string);
        const found = await ctx.ds.readPage(name, { filter: [{ column: statement, op: 'eq', value }] });
        expect(found.rows.map((r) => r.id)).toEqual([2]);
      }
      if (ctx.capabilities.sort) {
        const ordered = await ctx.ds.readPage(name, {
          sort: [{ column: backslash, direction: 'desc' }],
          columns: [quoted],
        });
        expect(ordered.rows.length).toBe(rowCount);
      }
      if (ctx.capabilities.aggregate) {
        const grouped = await ctx.ds.aggregate(name, {
          groupBy: [quoted],
          measures: [{ fn: 'count', as: 'n' }],
        });
        expect(grouped.rows.length).toBe(rowCount);
      }
      const byColumns = await ctx.ds.readPage(name, { columns: [statement, backslash] });
      expect(byColumns.rows.length).toBe(rowCount);
      if (writes) {
        await ctx.ds.delete(name, { id: 1 });
        const expected = [
          { ...(table.rows[1] as Row), [statement]: 'updated; --' },
          table.rows[2] as Row,
          inserted,
        ];
        await expectTableHolds(ctx, HOSTILE, expected);
      }
      await expectOtherTablesUntouched(ctx, writes ? [HOSTILE] : []);
    },
  ),

  check(
    'hostile.values',
    'values with quotes, semicolons, -- and backslashes are stored literally and found by equality',
    async (ctx) => {
      const table = ctx.table(CUSTOMERS);
      const name = ctx.name(CUSTOMERS);
      const added: Row[] = [];
      let id = 100;
      for (const value of HOSTILE_VALUES) {
        const row = { id: ++id, name: value, country: value };
        if (!ctx.capabilities.seeded) {
          const returned = await ctx.ds.insert(name, row);
          expect(canonicalRow(table, returned), `insert returned for ${JSON.stringify(value)}`).toEqual(
            canonicalRow(table, row),
          );
          added.push(row);
        }
        if (ctx.capabilities.filters.has('eq')) {
          const found = await ctx.ds.readPage(name, { filter: [{ column: 'name', op: 'eq', value }] });
          expect(
            found.rows.map((r) => r.name),
            `rows found by name = ${JSON.stringify(value)}`,
          ).toEqual([value]);
        }
        if (ctx.capabilities.filters.has('contains')) {
          const like = await ctx.ds.readPage(name, {
            filter: [{ column: 'country', op: 'contains', value }],
          });
          expect(
            like.rows.map((r) => r.country),
            `rows whose country contains ${JSON.stringify(value)}`,
          ).toEqual([value]);
        }
      }
      // Seeded rows are part of the fixture already.
      await expectTableHolds(ctx, CUSTOMERS, [...table.rows, ...added]);
      await expectOtherTablesUntouched(ctx, [CUSTOMERS]);
    },
    ['rows'],
  ),

  check(
    'hostile.nul',
    'a NUL character in a value is stored literally or refused with a NocofloError',
    async (ctx) => {
      const table = ctx.table(CUSTOMERS);
      const name = ctx.name(CUSTOMERS);
      const value = HOSTILE_NUL_VALUE;
      let stored = ctx.capabilities.seeded;
      if (!ctx.capabilities.seeded) {
        try {
          const returned = await ctx.ds.insert(name, { id: 50, name: value, country: null });
          stored = true;
          expect(returned.name === value, 'insert returned the value with its NUL').toBe(true);
        } catch (error) {
          if (!isTypedRefusal(error)) expect.fail(`inserting a NUL was refused with ${describeError(error)}`);
        }
      }
      if (ctx.capabilities.filters.has('eq')) {
        try {
          const found = await ctx.ds.readPage(name, { filter: [{ column: 'name', op: 'eq', value }] });
          expect(
            found.rows.map((r) => r.name),
            'rows found by a NUL value',
          ).toEqual(stored ? [value] : []);
        } catch (error) {
          if (!isTypedRefusal(error))
            expect.fail(`filtering by a NUL value failed with ${describeError(error)}`);
        }
      }
      const added = stored && !ctx.capabilities.seeded ? [{ id: 50, name: value, country: null }] : [];
      await expectTableHolds(ctx, CUSTOMERS, [...table.rows, ...added]);
      await expectOtherTablesUntouched(ctx, [CUSTOMERS]);
    },
    ['rows'],
  ),

  check(
    'hostile.unknownIdentifiers',
    'injection-shaped table and column names are unknown names (typed errors), changing nothing',
    async (ctx) => {
      const tables = [
        `${ctx.name(CUSTOMERS)}"; DROP TABLE ${ctx.name(CUSTOMERS)}; --`,
        `${ctx.name(CUSTOMERS)}\u0000`,
        "customers' --",
        '',
      ];
      for (const table of tables) {
        await expectNocofloError(
          () => ctx.ds.readPage(table),
          Errors.TableNotFound.code,
          `readPage(${JSON.stringify(table)})`,
        );
        await expectNocofloError(
          () => ctx.ds.delete(table, { id: 1 }),
          Errors.TableNotFound.code,
          `delete from ${JSON.stringify(table)}`,
        );
      }
      const name = ctx.name(CUSTOMERS);
      const columns = ['id; DROP TABLE customers', `name" = '' OR 1=1 --`, 'name\u0000', 'NAME'];
      for (const column of columns) {
        await expectNocofloError(
          () => ctx.ds.readPage(name, { sort: [{ column, direction: 'asc' }] }),
          Errors.ColumnNotFound.code,
          `sort by ${JSON.stringify(column)}`,
        );
        await expectNocofloError(
          () => ctx.ds.readPage(name, { filter: [{ column, op: 'eq', value: 'x' }] }),
          Errors.ColumnNotFound.code,
          `filter on ${JSON.stringify(column)}`,
        );
        await expectNocofloError(
          () => ctx.ds.update(name, { id: 1 }, { [column]: 'x' }),
          ctx.capabilities.readOnly
            ? [Errors.ColumnNotFound.code, Errors.ReadOnly.code]
            : Errors.ColumnNotFound.code,
          `update of ${JSON.stringify(column)}`,
        );
      }
      expect((await readAll(ctx.ds, name)).length).toBe(ctx.table(CUSTOMERS).rows.length);
      await expectOtherTablesUntouched(ctx);
    },
  ),
];
