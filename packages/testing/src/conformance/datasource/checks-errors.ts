/** Checks that unknown names and closed datasources give the SDK's typed errors, never raw driver errors. */
import { type Datasource, Errors, type Row } from '@nocoflo/sdk';
import { FIXTURE_TABLES } from '../fixture.js';
import { type ConformanceCheck, check } from './check.js';
import { lineRow } from './checks-paging.js';
import { collect, expectNocofloError, expectOtherTablesUntouched } from './helpers.js';

const LINES = FIXTURE_TABLES.orderLines;

/** Every datasource method, called with `table` (and otherwise valid arguments). */
function everyTableCall(ds: Datasource, table: string, row: Row): [string, () => Promise<unknown>][] {
  return [
    ['describeTable', () => ds.describeTable(table)],
    ['readPage', () => ds.readPage(table)],
    ['stream', () => collect(ds.stream(table))],
    ['aggregate', () => ds.aggregate(table, { measures: [{ fn: 'count' }] })],
    ['insert', () => ds.insert(table, row)],
    ['update', () => ds.update(table, { order_id: 1, line_no: 1 }, { quantity: 2 })],
    ['delete', () => ds.delete(table, { order_id: 1, line_no: 1 })],
  ];
}

/** Error checks. */
export const errorChecks: readonly ConformanceCheck[] = [
  check(
    'errors.unknownTable',
    'every method rejects an unknown table with NCF_TABLE_NOT_FOUND',
    async (ctx) => {
      for (const [method, call] of everyTableCall(ctx.ds, 'no_such_table', lineRow(30, 1))) {
        await expectNocofloError(call, Errors.TableNotFound.code, `${method} on an unknown table`);
      }
    },
  ),

  check(
    'errors.unknownColumn',
    'unknown columns in sort, filter, columns, aggregates, values and keys give NCF_COLUMN_NOT_FOUND',
    async (ctx) => {
      const ds = ctx.ds;
      const t = ctx.name(LINES);
      const caps = ctx.capabilities;
      // A call the datasource cannot make at all may be refused for that instead.
      const or = (missing: boolean, code: string) =>
        missing ? [Errors.ColumnNotFound.code, code] : [Errors.ColumnNotFound.code];
      const unsupported = Errors.Unsupported.code;
      const readOnly = Errors.ReadOnly.code;
      const calls: [string, () => Promise<unknown>, string[]][] = [
        [
          'readPage sort',
          () => ds.readPage(t, { sort: [{ column: 'nope', direction: 'asc' }] }),
          or(!caps.sort, unsupported),
        ],
        [
          'readPage filter',
          () => ds.readPage(t, { filter: [{ column: 'nope', op: 'eq', value: 1 }] }),
          or(!caps.filters.has('eq'), unsupported),
        ],
        ['readPage columns', () => ds.readPage(t, { columns: ['sku', 'nope'] }), or(false, unsupported)],
        [
          'stream filter',
          () => collect(ds.stream(t, { filter: [{ column: 'nope', op: 'isNull' }] })),
          or(!caps.stream || !caps.filters.has('isNull'), unsupported),
        ],
        [
          'aggregate groupBy',
          () => ds.aggregate(t, { groupBy: ['nope'], measures: [{ fn: 'count' }] }),
          or(!caps.aggregate, unsupported),
        ],
        [
          'aggregate measure',
          () => ds.aggregate(t, { measures: [{ fn: 'sum', column: 'nope' }] }),
          or(!caps.aggregate, unsupported),
        ],
        [
          'aggregate filter',
          () => ds.aggregate(t, { measures: [{ fn: 'count' }], filter: [{ column: 'nope', op: 'isNull' }] }),
          or(!caps.aggregate || !caps.filters.has('isNull'), unsupported),
        ],
        ['insert values', () => ds.insert(t, lineRow(31, 1, { nope: 1 })), or(caps.readOnly, readOnly)],
        [
          'update changes',
          () => ds.update(t, { order_id: 1, line_no: 1 }, { nope: 1 }),
          or(caps.readOnly, readOnly),
        ],
        [
          'update key',
          () => ds.update(t, { order_id: 1, line_no: 1, nope: 1 }, { quantity: 1 }),
          or(caps.readOnly, readOnly),
        ],
        ['delete key', () => ds.delete(t, { order_id: 1, nope: 1 }), or(caps.readOnly, readOnly)],
      ];
      for (const [what, call, codes] of calls)
        await expectNocofloError(call, codes, `${what} with an unknown column`);
      await expectOtherTablesUntouched(ctx);
    },
  ),

  check('close.idempotent', 'close() can be called twice', async (ctx) => {
    await ctx.ds.close();
    await ctx.ds.close();
  }),

  check('close.refusesWork', 'after close() every method rejects with NCF_DATASOURCE_CLOSED', async (ctx) => {
    const t = ctx.name(LINES);
    await ctx.ds.close();
    const calls: [string, () => Promise<unknown>][] = [
      ['listTables', () => ctx.ds.listTables()],
      ['testConnection', () => ctx.ds.testConnection()],
      ...everyTableCall(ctx.ds, t, lineRow(32, 1)),
    ];
    for (const [method, call] of calls)
      await expectNocofloError(call, Errors.DatasourceClosed.code, `${method} after close()`);
  }),
];
