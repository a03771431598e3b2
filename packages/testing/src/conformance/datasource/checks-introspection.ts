/** Checks of listTables, describeTable, capabilities and testConnection. */
import { expect } from 'vitest';
import { type ConformanceCheck, check } from './check.js';

const codePointOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Introspection checks. */
export const introspectionChecks: readonly ConformanceCheck[] = [
  check(
    'introspection.listTables',
    'listTables lists every fixture table as a table, sorted by name',
    async (ctx) => {
      const listed = await ctx.ds.listTables();
      const names = listed.map((t) => t.name);
      const wanted = ctx.fixture.tables.map((t) => ctx.name(t.name));
      for (const name of wanted) {
        const entry = listed.find((t) => t.name === name);
        expect(
          entry,
          `listTables() has no entry ${JSON.stringify(name)}; it listed ${JSON.stringify(names)}`,
        ).toBeDefined();
        expect(entry?.kind, `kind of ${name}`).toBe('table');
      }
      const fixtureOrder = names.filter((n) => wanted.includes(n));
      expect(fixtureOrder, 'listTables() must be sorted by name').toEqual([...wanted].sort(codePointOrder));
    },
  ),

  check(
    'introspection.columnTypes',
    'describeTable reports every column in table order with its normalised type',
    async (ctx) => {
      for (const table of ctx.fixture.tables) {
        const schema = await ctx.ds.describeTable(ctx.name(table.name));
        expect(schema.name, 'TableSchema.name').toBe(ctx.name(table.name));
        expect(
          schema.columns.map((c) => ({ name: c.name, type: c.type })),
          `columns of ${table.name}`,
        ).toEqual(table.columns.map((c) => ({ name: c.name, type: c.type })));
        for (const c of schema.columns)
          expect(typeof c.nativeType, `nativeType of ${table.name}.${c.name}`).toBe('string');
      }
    },
  ),

  check('introspection.nullability', 'describeTable reports which columns allow NULL', async (ctx) => {
    for (const table of ctx.fixture.tables) {
      const schema = await ctx.ds.describeTable(ctx.name(table.name));
      expect(
        schema.columns.map((c) => ({ name: c.name, nullable: c.nullable })),
        `nullability of ${table.name}`,
      ).toEqual(table.columns.map((c) => ({ name: c.name, nullable: c.nullable })));
    }
  }),

  check(
    'introspection.primaryKeys',
    'describeTable reports primary keys in key order, including composite keys',
    async (ctx) => {
      for (const table of ctx.fixture.tables) {
        const schema = await ctx.ds.describeTable(ctx.name(table.name));
        expect([...schema.primaryKey], `primary key of ${table.name}`).toEqual([...table.primaryKey]);
      }
    },
  ),

  check(
    'introspection.foreignKeys',
    'describeTable reports single-column and composite foreign keys',
    async (ctx) => {
      for (const table of ctx.fixture.tables) {
        const schema = await ctx.ds.describeTable(ctx.name(table.name));
        const normal = (
          fks: readonly {
            columns: readonly string[];
            referencedTable: string;
            referencedColumns: readonly string[];
          }[],
        ) =>
          fks
            .map((fk) => ({
              columns: [...fk.columns],
              referencedTable: fk.referencedTable,
              referencedColumns: [...fk.referencedColumns],
            }))
            .sort((a, b) => codePointOrder(JSON.stringify(a), JSON.stringify(b)));
        const expected = table.foreignKeys.map((fk) => ({
          ...fk,
          referencedTable: ctx.name(fk.referencedTable),
        }));
        expect(normal(schema.foreignKeys), `foreign keys of ${table.name}`).toEqual(normal(expected));
      }
    },
  ),

  check(
    'introspection.writable',
    "capabilities.write and each table's writable flag say whether writes are possible (base tables: yes, unless read-only)",
    async (ctx) => {
      const writable = !ctx.capabilities.readOnly;
      expect(ctx.ds.capabilities.write, 'capabilities.write').toBe(writable);
      expect(typeof ctx.ds.url, 'url').toBe('string');
      for (const table of ctx.fixture.tables) {
        const schema = await ctx.ds.describeTable(ctx.name(table.name));
        expect(schema.kind, `kind of ${table.name}`).toBe('table');
        expect(schema.writable, `writable of ${table.name}`).toBe(writable);
      }
    },
  ),

  check('connection.test', 'testConnection reports ok, a server version and a latency', async (ctx) => {
    const info = await ctx.ds.testConnection();
    expect(info.ok).toBe(true);
    expect(typeof info.serverVersion).toBe('string');
    expect(info.serverVersion.length).toBeGreaterThan(0);
    expect(Number.isFinite(info.latencyMs) && info.latencyMs >= 0, `latencyMs ${info.latencyMs}`).toBe(true);
  }),
];
