/**
 * The fixture a read-only datasource is built from: the base fixture plus the rows the
 * write checks would otherwise insert (value round-trips in `samples`, hostile values in
 * `customers`), so the author's `create` seeds them and the checks read them back.
 */
import type { Row } from '@nocoflo/sdk';
import { conformanceFixture, FIXTURE_TABLES } from '../fixture.js';
import type { ConformanceFixture, FixtureTable } from '../fixture-types.js';
import { HOSTILE_NUL_VALUE, HOSTILE_VALUES } from './checks-hostile.js';
import { seedValueRows } from './checks-values.js';

function withRows(table: FixtureTable, rows: readonly Row[]): FixtureTable {
  // Every fixture row has every column: missing ones are NULL.
  const complete = rows.map((row) =>
    Object.fromEntries(table.columns.map((c) => [c.name, row[c.name] ?? null])),
  );
  return { ...table, rows: [...table.rows, ...complete] };
}

/**
 * The conformance fixture with the write checks' rows seeded, for datasources that cannot
 * insert. `decimalDigits` is the datasource's decimal limit (values beyond it are left out,
 * as the round-trip check leaves them out).
 *
 * @example
 * ```ts
 * import { describeDatasourceConformance, memoryDatasourceFromFixture, seededConformanceFixture } from '@nocoflo/testing';
 * import { expect, it } from 'vitest';
 *
 * // A read-only datasource cannot insert the rows the write checks read: the suite seeds them.
 * describeDatasourceConformance('read-only memory', {
 *   capabilities: { readOnly: true },
 *   create: async (fixture) => memoryDatasourceFromFixture(fixture, { readOnly: true }),
 * });
 * it('seeds more rows than the plain fixture', () => {
 *   const seeded = seededConformanceFixture();
 *   expect(seeded.tables.some((t) => t.rows.length > 0)).toBe(true);
 * });
 * ```
 */
export function seededConformanceFixture(decimalDigits = 30): ConformanceFixture {
  const base = conformanceFixture();
  let id = 100;
  const customers = [
    ...HOSTILE_VALUES.map((value) => ({ id: ++id, name: value, country: value })),
    { id: 50, name: HOSTILE_NUL_VALUE, country: null },
  ];
  return {
    tables: base.tables.map((table) => {
      if (table.name === FIXTURE_TABLES.samples) return withRows(table, seedValueRows(decimalDigits));
      if (table.name === FIXTURE_TABLES.customers) return withRows(table, customers);
      return table;
    }),
  };
}
