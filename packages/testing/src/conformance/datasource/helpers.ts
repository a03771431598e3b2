/**
 * Assertion helpers of the datasource suite: reading whole tables through cursors,
 * comparing rows by value (not by JS representation), and asserting typed errors.
 */
import { type Datasource, isNocofloError, type ReadPageOptions, type Row } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { canonicalText } from '../../values/compare.js';
import type { FixtureTable } from '../fixture-types.js';
import type { CheckContext } from './check.js';

/** Reads every page by following `nextCursor`, refusing to loop forever. */
export async function readAll(
  ds: Datasource,
  table: string,
  options: Omit<ReadPageOptions, 'cursor'> = {},
  maxRows = 10_000,
): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  for (let pages = 0; ; pages++) {
    const page = await ds.readPage(table, { limit: 1000, ...options, cursor });
    rows.push(...page.rows);
    if (page.nextCursor === null) return rows;
    if (rows.length > maxRows || pages > maxRows) {
      throw new Error(`paging never ended: ${rows.length} rows read and nextCursor is still set`);
    }
    cursor = page.nextCursor;
  }
}

/** A row's values as canonical text per fixture column type (only the given columns). */
export function canonicalRow(
  table: FixtureTable,
  row: Row,
  columns = table.columns.map((c) => c.name),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of columns) {
    const type = table.columns.find((c) => c.name === name)?.type;
    out[name] = name in row ? canonicalText(type, row[name] ?? null) : '<missing>';
  }
  return out;
}

/** The canonical text of a row's primary key. */
export function keyText(table: FixtureTable, row: Row): string {
  return table.primaryKey
    .map((k) => canonicalText(table.columns.find((c) => c.name === k)?.type, row[k] ?? null))
    .join(' | ');
}

/** Sorts canonical rows so row multisets can be compared. */
function sortedCanonical(table: FixtureTable, rows: readonly Row[]): Record<string, string>[] {
  // Each row's JSON is written once, not twice per comparison: a table's rows can hold a
  // million characters (values.longText), and this sort was half of a suite's CPU time.
  return rows
    .map((r) => {
      const row = canonicalRow(table, r);
      return { row, text: JSON.stringify(row) };
    })
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .map(({ row }) => row);
}

/** Asserts two row lists hold the same rows (any order), compared by value. */
export function expectSameRows(
  table: FixtureTable,
  actual: readonly Row[],
  expected: readonly Row[],
  what: string,
): void {
  expect(sortedCanonical(table, actual), what).toEqual(sortedCanonical(table, expected));
}

/** Asserts a whole fixture table still holds exactly `expected` (default: its seed rows). */
export async function expectTableHolds(
  ctx: CheckContext,
  fixtureTable: string,
  expected?: readonly Row[],
): Promise<void> {
  const table = ctx.table(fixtureTable);
  const rows = await readAll(ctx.ds, ctx.name(fixtureTable));
  expectSameRows(table, rows, expected ?? table.rows, `contents of ${JSON.stringify(fixtureTable)}`);
}

/** Asserts every fixture table except `except` still holds exactly its seed rows. */
export async function expectOtherTablesUntouched(
  ctx: CheckContext,
  except: readonly string[] = [],
): Promise<void> {
  for (const table of ctx.fixture.tables) {
    if (!except.includes(table.name)) await expectTableHolds(ctx, table.name);
  }
}

function describeError(error: unknown): string {
  if (isNocofloError(error)) return `NocofloError ${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name} (not a NocofloError): ${error.message}`;
  return `a thrown ${typeof error}: ${String(error)}`;
}

/**
 * Asserts `work` rejects with a NocofloError with one of `codes`; returns the error. A
 * raw driver error, a wrong code or no error at all fails with what happened instead.
 */
export async function expectNocofloError(
  work: () => unknown,
  codes: string | readonly string[],
  what: string,
): Promise<unknown> {
  const wanted = typeof codes === 'string' ? [codes] : codes;
  let outcome: { error: unknown } | undefined;
  try {
    await work();
  } catch (error) {
    outcome = { error };
  }
  if (!outcome) expect.fail(`${what}: expected a NocofloError ${wanted.join(' or ')}, but it succeeded`);
  const { error } = outcome;
  if (!isNocofloError(error) || !wanted.includes(error.code)) {
    expect.fail(`${what}: expected a NocofloError ${wanted.join(' or ')}, got ${describeError(error)}`);
  }
  return error;
}

/** Consumes a stream into an array (errors propagate). */
export async function collect(iterable: AsyncIterable<Row>, max = 100_000): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of iterable) {
    rows.push(row);
    if (rows.length > max) throw new Error(`stream yielded more than ${max} rows`);
  }
  return rows;
}

/** Whether a value is a rejection a check can accept in place of success (a NocofloError). */
export function isTypedRefusal(error: unknown): boolean {
  return isNocofloError(error);
}

/** A readable description of a thrown value, for failure messages. */
export { describeError };
