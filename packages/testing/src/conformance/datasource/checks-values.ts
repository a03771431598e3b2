/** Round-trip checks: values written come back exactly, in the SDK's JS representation. */
import type { CellValue, Row } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { canonicalText } from '../../values/compare.js';
import { normalizeDecimal, significantDigits } from '../../values/decimal.js';
import { FIXTURE_TABLES } from '../fixture.js';
import { type CheckContext, type ConformanceCheck, check } from './check.js';
import { expectOtherTablesUntouched, readAll } from './helpers.js';

const SAMPLES = FIXTURE_TABLES.samples;

/**
 * Where each round-trip check keeps its rows in `samples`: ids `base + i` for the i-th
 * value. Writable datasources insert them during the check; for read-only ones the suite
 * seeds them into the fixture (see {@link seedValueRows}) and the check reads them back.
 */
const ID_BASES = {
  unicode: 1000,
  longText: 1100,
  largeIntegers: 1200,
  decimals: 1300,
  floats: 1400,
  booleans: 1500,
  dates: 1510,
  timestamps: 1520,
  binary: 1600,
  json: 1700,
} as const;

/** Round-trips each value through its own `samples` row: [value, inserted row (or null when seeded), read-back row]. */
async function roundTrip(
  ctx: CheckContext,
  column: string,
  values: readonly CellValue[],
  base: number,
): Promise<[CellValue, Row | null, Row][]> {
  const out: [CellValue, Row | null, Row][] = [];
  if (ctx.capabilities.seeded) {
    // Read-only: the rows were seeded by create(); read them back without a filter, which
    // every datasource supports.
    const byId = new Map((await readAll(ctx.ds, ctx.name(SAMPLES))).map((row) => [Number(row.id), row]));
    values.forEach((value, i) => {
      const read = byId.get(base + i);
      if (!read)
        throw new Error(
          `the seeded samples row ${base + i} (${column}) is missing: did create() store every fixture row?`,
        );
      out.push([value, null, read]);
    });
    return out;
  }
  for (const [i, value] of values.entries()) {
    const id = base + i;
    const inserted = await ctx.ds.insert(ctx.name(SAMPLES), { id, [column]: value });
    const page = await ctx.ds.readPage(ctx.name(SAMPLES), {
      filter: [{ column: 'id', op: 'eq', value: id }],
    });
    expect(page.rows.length, `rows with id ${id}`).toBe(1);
    out.push([value, inserted, page.rows[0] as Row]);
  }
  return out;
}

function show(value: CellValue | undefined): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…(${value.length} chars)` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `Uint8Array(${value.length})`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Asserts read-back and returned values are identical (===) to what was written. */
async function expectIdentical(
  ctx: CheckContext,
  column: string,
  values: readonly CellValue[],
  base: number,
): Promise<void> {
  for (const [value, inserted, read] of await roundTrip(ctx, column, values, base)) {
    expect(
      read[column] === value,
      `read back ${show(read[column])} (${typeof read[column]}) for ${show(value)} (${typeof value})`,
    ).toBe(true);
    if (inserted) {
      expect(inserted[column] === value, `insert returned ${show(inserted[column])} for ${show(value)}`).toBe(
        true,
      );
    }
  }
}

/** Asserts values come back equal under the column type's canonical form, and of the expected JS type. */
async function expectEquivalent(
  ctx: CheckContext,
  column: string,
  values: readonly CellValue[],
  jsType: (v: unknown) => boolean,
  base: number,
): Promise<void> {
  const type = ctx.table(SAMPLES).columns.find((c) => c.name === column)?.type;
  for (const [value, inserted, read] of await roundTrip(ctx, column, values, base)) {
    const seen: [string, CellValue | undefined][] = [['read back', read[column]]];
    if (inserted) seen.push(['insert returned', inserted[column]]);
    for (const [what, got] of seen) {
      expect(
        jsType(got),
        `${what} ${show(got)} (${typeof got}) for ${show(value)}: wrong JS type for ${type}`,
      ).toBe(true);
      expect(canonicalText(type, got ?? null), `${what} for ${show(value)}`).toBe(canonicalText(type, value));
    }
  }
}

const UNICODE_VALUES = [
  '日本語テキスト',
  '👩‍👩‍👧‍👦 family',
  'e\u0301 ≠ \u00e9',
  'שלום עולם',
  '\u{1F600}\u{10FFFD}',
  'tab\tnew\nline\r\nend',
  'Zoë Œuvre ß',
  ' padded  ',
];

const LARGE_INTEGERS: readonly CellValue[] = [
  0,
  -1,
  42,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2n ** 53n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
];

const DECIMAL_CANDIDATES = [
  '0',
  '0.1',
  '3.50',
  '-12345.6789',
  '123456789012.345',
  '99999999999999.9',
  '12345678901234567890.1234567891',
  '-0.000000000000000000000000000123456',
];

const decimalValues = (digits: number) => DECIMAL_CANDIDATES.filter((v) => significantDigits(v) <= digits);

const FLOATS: readonly CellValue[] = [0.1, 0.30000000000000004, -1.5e300, 1e-300, 123.456, 2 ** 53 + 2, -0.5];
const DATES = ['2024-02-29', '1970-01-01', '2099-12-31'];
const TIMESTAMPS = ['2024-02-29T13:45:30', '2024-02-29T13:45:30.25', '1999-12-31T23:59:59.999'];
const binaryValues = (): CellValue[] => [
  new Uint8Array(256).map((_, i) => i),
  new Uint8Array([0, 0, 39, 34, 92, 0]),
  new Uint8Array(0),
];
const JSON_VALUES: readonly CellValue[] = [
  { a: [1, 'x', null, true], 'k"e;y': 'v--', nested: { deep: [{}] } },
  [1, 2, 3],
  'text',
  1.5,
  { unicode: '日本 🙂', quote: "it's" },
];

const LONG_TEXT = Array.from({ length: 30_000 }, (_, i) => `line ${i}: äöü 日本 🙂 'q' "dq" \\ ;--\n`).join(
  '',
);

/**
 * The `samples` rows the round-trip checks use, for seeding a read-only datasource's
 * fixture: ids 2 and 3 all NULL, then each check's values at its id base.
 */
export function seedValueRows(decimalDigits: number): Row[] {
  const rows: Row[] = [{ id: 2 }, { id: 3 }];
  const add = (column: string, values: readonly CellValue[], base: number) =>
    values.forEach((value, i) => {
      rows.push({ id: base + i, [column]: value });
    });
  add('text_value', UNICODE_VALUES, ID_BASES.unicode);
  add('text_value', [LONG_TEXT], ID_BASES.longText);
  add('int_value', LARGE_INTEGERS, ID_BASES.largeIntegers);
  add('decimal_value', decimalValues(decimalDigits), ID_BASES.decimals);
  add('float_value', FLOATS, ID_BASES.floats);
  add('bool_value', [true, false], ID_BASES.booleans);
  add('date_value', DATES, ID_BASES.dates);
  add('timestamp_value', TIMESTAMPS, ID_BASES.timestamps);
  add('binary_value', binaryValues(), ID_BASES.binary);
  add('json_value', JSON_VALUES, ID_BASES.json);
  return rows;
}

/** Value round-trip checks. */
export const valueChecks: readonly ConformanceCheck[] = [
  check(
    'values.null',
    'NULL round-trips in every column type, also when set by update',
    async (ctx) => {
      const name = ctx.name(SAMPLES);
      const columns = ctx.table(SAMPLES).columns.filter((c) => c.name !== 'id');
      if (!ctx.capabilities.seeded) {
        const nulls = Object.fromEntries(columns.map((c) => [c.name, null]));
        await ctx.ds.insert(name, { id: 2, ...nulls });
        await ctx.ds.insert(name, {
          id: 3,
          text_value: 'x',
          int_value: 1,
          decimal_value: '1.5',
          bool_value: false,
          json_value: { a: 1 },
        });
        await ctx.ds.update(
          name,
          { id: 3 },
          { text_value: null, int_value: null, decimal_value: null, bool_value: null, json_value: null },
        );
      }
      const rows = (await readAll(ctx.ds, name)).filter((row) => [1, 2, 3].includes(Number(row.id)));
      expect(rows.length).toBe(3);
      for (const row of rows)
        for (const c of columns) expect(row[c.name], `${c.name} of row ${String(row.id)}`).toBeNull();
    },
    ['rows'],
  ),

  check(
    'values.unicode',
    'Unicode text (astral, combining, right-to-left, control whitespace) round-trips exactly',
    async (ctx) => {
      await expectIdentical(ctx, 'text_value', UNICODE_VALUES, ID_BASES.unicode);
      if (ctx.capabilities.filters.has('eq')) {
        const found = await ctx.ds.readPage(ctx.name(SAMPLES), {
          filter: [{ column: 'text_value', op: 'eq', value: UNICODE_VALUES[1] as string }],
        });
        expect(found.rows.length, 'rows found by eq on an emoji string').toBe(1);
      }
    },
    ['rows'],
  ),

  check(
    'values.longText',
    'very long text (over a million characters) round-trips exactly',
    async (ctx) => {
      expect(LONG_TEXT.length).toBeGreaterThan(1_000_000);
      await expectIdentical(ctx, 'text_value', [LONG_TEXT], ID_BASES.longText);
    },
    ['rows'],
  ),

  check(
    'values.largeIntegers',
    'integers up to ±2^63 round-trip exactly: numbers within 2^53, bigints beyond',
    async (ctx) => {
      await expectIdentical(ctx, 'int_value', LARGE_INTEGERS, ID_BASES.largeIntegers);
      if (ctx.capabilities.filters.has('eq')) {
        const found = await ctx.ds.readPage(ctx.name(SAMPLES), {
          filter: [{ column: 'int_value', op: 'eq', value: 2n ** 53n + 1n }],
        });
        expect(
          found.rows.map((r) => r.int_value),
          'rows found by eq on 2^53+1',
        ).toEqual([2n ** 53n + 1n]);
      }
      if (ctx.capabilities.filters.has('isNotNull') && ctx.capabilities.sort) {
        const ordered = await ctx.ds.readPage(ctx.name(SAMPLES), {
          filter: [{ column: 'int_value', op: 'isNotNull' }],
          sort: [{ column: 'int_value', direction: 'asc' }],
        });
        const expected = [...LARGE_INTEGERS].sort((a, b) =>
          BigInt(a as number) < BigInt(b as number) ? -1 : 1,
        );
        expect(
          ordered.rows.map((r) => r.int_value),
          'integers sorted numerically',
        ).toEqual(expected);
      }
    },
    ['rows'],
  ),

  check(
    'values.decimals',
    'decimals round-trip exactly as strings, up to the declared precision',
    async (ctx) => {
      const values = decimalValues(ctx.decimalDigits);
      expect(values.length).toBeGreaterThan(4);
      await expectEquivalent(ctx, 'decimal_value', values, (v) => typeof v === 'string', ID_BASES.decimals);
      if (ctx.capabilities.filters.has('eq')) {
        const found = await ctx.ds.readPage(ctx.name(SAMPLES), {
          filter: [{ column: 'decimal_value', op: 'eq', value: '3.5' }],
        });
        expect(
          found.rows.map((r) => normalizeDecimal(String(r.decimal_value))),
          'rows found by eq 3.5 (stored 3.50)',
        ).toEqual(['3.5']);
      }
    },
    ['rows'],
  ),

  check(
    'values.floats',
    'floats round-trip bit-exactly as numbers',
    async (ctx) => {
      await expectIdentical(ctx, 'float_value', FLOATS, ID_BASES.floats);
    },
    ['rows'],
  ),

  check(
    'values.booleanAndTemporal',
    'booleans come back as booleans, dates and timestamps as the same ISO values',
    async (ctx) => {
      await expectIdentical(ctx, 'bool_value', [true, false], ID_BASES.booleans);
      await expectEquivalent(
        ctx,
        'date_value',
        DATES,
        (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
        ID_BASES.dates,
      );
      await expectEquivalent(
        ctx,
        'timestamp_value',
        TIMESTAMPS,
        (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v),
        ID_BASES.timestamps,
      );
    },
    ['rows'],
  ),

  check(
    'values.binary',
    'binary values (every byte value, and empty) round-trip as Uint8Array',
    async (ctx) => {
      await expectEquivalent(
        ctx,
        'binary_value',
        binaryValues(),
        (v) => v instanceof Uint8Array,
        ID_BASES.binary,
      );
    },
    ['rows'],
  ),

  check(
    'values.json',
    'json values come back parsed and deeply equal',
    async (ctx) => {
      await expectEquivalent(
        ctx,
        'json_value',
        JSON_VALUES,
        (v) => v !== null && typeof v !== 'undefined' && !(v instanceof Uint8Array),
        ID_BASES.json,
      );
      await expectOtherTablesUntouched(ctx, [SAMPLES]);
    },
    ['rows'],
  ),
];
