/** Round-trip checks: values written come back exactly, in the SDK's JS representation. */
import type { CellValue, Row } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { canonicalText } from '../../values/compare.js';
import { normalizeDecimal, significantDigits } from '../../values/decimal.js';
import { FIXTURE_TABLES } from '../fixture.js';
import { type CheckContext, type ConformanceCheck, check } from './check.js';
import { expectOtherTablesUntouched } from './helpers.js';

const SAMPLES = FIXTURE_TABLES.samples;

// Ids of sample rows inserted so far, per check, so several round trips in one check never clash.
const nextIds = new WeakMap<CheckContext, number>();

/** Inserts each value into its own `samples` row and returns [value, inserted row, read-back row]. */
async function roundTrip(
  ctx: CheckContext,
  column: string,
  values: readonly CellValue[],
): Promise<[CellValue, Row, Row][]> {
  const out: [CellValue, Row, Row][] = [];
  let id = nextIds.get(ctx) ?? 100;
  for (const value of values) {
    id++;
    nextIds.set(ctx, id);
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
): Promise<void> {
  for (const [value, inserted, read] of await roundTrip(ctx, column, values)) {
    expect(
      read[column] === value,
      `read back ${show(read[column])} (${typeof read[column]}) for ${show(value)} (${typeof value})`,
    ).toBe(true);
    expect(inserted[column] === value, `insert returned ${show(inserted[column])} for ${show(value)}`).toBe(
      true,
    );
  }
}

/** Asserts values come back equal under the column type's canonical form, and of the expected JS type. */
async function expectEquivalent(
  ctx: CheckContext,
  column: string,
  values: readonly CellValue[],
  jsType: (v: unknown) => boolean,
): Promise<void> {
  const type = ctx.table(SAMPLES).columns.find((c) => c.name === column)?.type;
  for (const [value, inserted, read] of await roundTrip(ctx, column, values)) {
    for (const [what, got] of [
      ['read back', read[column]],
      ['insert returned', inserted[column]],
    ] as const) {
      expect(
        jsType(got),
        `${what} ${show(got)} (${typeof got}) for ${show(value)}: wrong JS type for ${type}`,
      ).toBe(true);
      expect(canonicalText(type, got ?? null), `${what} for ${show(value)}`).toBe(canonicalText(type, value));
    }
  }
}

const LONG_TEXT = Array.from({ length: 30_000 }, (_, i) => `line ${i}: äöü 日本 🙂 'q' "dq" \\ ;--\n`).join(
  '',
);

/** Value round-trip checks. */
export const valueChecks: readonly ConformanceCheck[] = [
  check('values.null', 'NULL round-trips in every column type, also when set by update', async (ctx) => {
    const name = ctx.name(SAMPLES);
    const columns = ctx.table(SAMPLES).columns.filter((c) => c.name !== 'id');
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
    const page = await ctx.ds.readPage(name, { filter: [{ column: 'id', op: 'in', value: [1, 2, 3] }] });
    expect(page.rows.length).toBe(3);
    for (const row of page.rows)
      for (const c of columns) expect(row[c.name], `${c.name} of row ${String(row.id)}`).toBeNull();
  }),

  check(
    'values.unicode',
    'Unicode text (astral, combining, right-to-left, control whitespace) round-trips exactly',
    async (ctx) => {
      const values = [
        '日本語テキスト',
        '👩‍👩‍👧‍👦 family',
        'e\u0301 ≠ \u00e9',
        'שלום עולם',
        '\u{1F600}\u{10FFFD}',
        'tab\tnew\nline\r\nend',
        'Zoë Œuvre ß',
        ' padded  ',
      ];
      await expectIdentical(ctx, 'text_value', values);
      const found = await ctx.ds.readPage(ctx.name(SAMPLES), {
        filter: [{ column: 'text_value', op: 'eq', value: values[1] as string }],
      });
      expect(found.rows.length, 'rows found by eq on an emoji string').toBe(1);
    },
  ),

  check('values.longText', 'very long text (over a million characters) round-trips exactly', async (ctx) => {
    expect(LONG_TEXT.length).toBeGreaterThan(1_000_000);
    await expectIdentical(ctx, 'text_value', [LONG_TEXT]);
  }),

  check(
    'values.largeIntegers',
    'integers up to ±2^63 round-trip exactly: numbers within 2^53, bigints beyond',
    async (ctx) => {
      const values: CellValue[] = [
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
      await expectIdentical(ctx, 'int_value', values);
      const found = await ctx.ds.readPage(ctx.name(SAMPLES), {
        filter: [{ column: 'int_value', op: 'eq', value: 2n ** 53n + 1n }],
      });
      expect(
        found.rows.map((r) => r.int_value),
        'rows found by eq on 2^53+1',
      ).toEqual([2n ** 53n + 1n]);
      const ordered = await ctx.ds.readPage(ctx.name(SAMPLES), {
        filter: [{ column: 'int_value', op: 'isNotNull' }],
        sort: [{ column: 'int_value', direction: 'asc' }],
      });
      const expected = [...values].sort((a, b) => (BigInt(a as number) < BigInt(b as number) ? -1 : 1));
      expect(
        ordered.rows.map((r) => r.int_value),
        'integers sorted numerically',
      ).toEqual(expected);
    },
  ),

  check(
    'values.decimals',
    'decimals round-trip exactly as strings, up to the declared precision',
    async (ctx) => {
      const candidates = [
        '0',
        '0.1',
        '3.50',
        '-12345.6789',
        '123456789012.345',
        '99999999999999.9',
        '12345678901234567890.1234567891',
        '-0.000000000000000000000000000123456',
      ];
      const values = candidates.filter((v) => significantDigits(v) <= ctx.decimalDigits);
      expect(values.length).toBeGreaterThan(4);
      await expectEquivalent(ctx, 'decimal_value', values, (v) => typeof v === 'string');
      const found = await ctx.ds.readPage(ctx.name(SAMPLES), {
        filter: [{ column: 'decimal_value', op: 'eq', value: '3.5' }],
      });
      expect(
        found.rows.map((r) => normalizeDecimal(String(r.decimal_value))),
        'rows found by eq 3.5 (stored 3.50)',
      ).toEqual(['3.5']);
    },
  ),

  check('values.floats', 'floats round-trip bit-exactly as numbers', async (ctx) => {
    await expectIdentical(ctx, 'float_value', [
      0.1,
      0.30000000000000004,
      -1.5e300,
      1e-300,
      123.456,
      2 ** 53 + 2,
      -0.5,
    ]);
  }),

  check(
    'values.booleanAndTemporal',
    'booleans come back as booleans, dates and timestamps as the same ISO values',
    async (ctx) => {
      await expectIdentical(ctx, 'bool_value', [true, false]);
      await expectEquivalent(
        ctx,
        'date_value',
        ['2024-02-29', '1970-01-01', '2099-12-31'],
        (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v),
      );
      await expectEquivalent(
        ctx,
        'timestamp_value',
        ['2024-02-29T13:45:30', '2024-02-29T13:45:30.25', '1999-12-31T23:59:59.999'],
        (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v),
      );
    },
  ),

  check(
    'values.binary',
    'binary values (every byte value, and empty) round-trip as Uint8Array',
    async (ctx) => {
      const all = new Uint8Array(256).map((_, i) => i);
      await expectEquivalent(
        ctx,
        'binary_value',
        [all, new Uint8Array([0, 0, 39, 34, 92, 0]), new Uint8Array(0)],
        (v) => v instanceof Uint8Array,
      );
    },
  ),

  check('values.json', 'json values come back parsed and deeply equal', async (ctx) => {
    await expectEquivalent(
      ctx,
      'json_value',
      [
        { a: [1, 'x', null, true], 'k"e;y': 'v--', nested: { deep: [{}] } },
        [1, 2, 3],
        'text',
        1.5,
        { unicode: '日本 🙂', quote: "it's" },
      ],
      (v) => v !== null && typeof v !== 'undefined' && !(v instanceof Uint8Array),
    );
    await expectOtherTablesUntouched(ctx, [SAMPLES]);
  }),
];
