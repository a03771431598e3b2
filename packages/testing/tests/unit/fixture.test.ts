import { conformanceFixture, FIXTURE_TABLES } from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';
import { filtered } from '../../src/conformance/datasource/expected.js';

// The suite's checks only bite if the fixture data exercises them; these tests keep it so.
describe('the conformance fixture', () => {
  const fixture = conformanceFixture();
  const lines = fixture.tables.find((t) => t.name === FIXTURE_TABLES.orderLines)!;

  it('has unique primary keys and foreign keys that point at existing rows', () => {
    for (const table of fixture.tables) {
      const keys = table.rows.map((r) => JSON.stringify(table.primaryKey.map((k) => r[k])));
      expect(new Set(keys).size, `unique keys of ${table.name}`).toBe(keys.length);
      for (const fk of table.foreignKeys) {
        const target = fixture.tables.find((t) => t.name === fk.referencedTable)!;
        const targetKeys = new Set(
          target.rows.map((r) => JSON.stringify(fk.referencedColumns.map((c) => r[c]))),
        );
        for (const row of table.rows)
          expect(targetKeys.has(JSON.stringify(fk.columns.map((c) => row[c])))).toBe(true);
      }
    }
  });

  it('lists referenced tables before the tables referencing them', () => {
    const order = fixture.tables.map((t) => t.name);
    for (const table of fixture.tables) {
      for (const fk of table.foreignKeys)
        expect(order.indexOf(fk.referencedTable)).toBeLessThan(order.indexOf(table.name));
    }
  });

  it('has NULLs, ties, mixed case and LIKE wildcards where the checks need them', () => {
    expect(lines.rows.length).toBe(39);
    expect(lines.rows.some((r) => r.weight === null)).toBe(true);
    expect(lines.rows.some((r) => r.note === null)).toBe(true);
    expect(new Set(lines.rows.map((r) => r.sku)).size).toBeLessThan(lines.rows.length / 3);
    for (const note of ['Red', 'red', '100% cotton', 'a_b'])
      expect(
        lines.rows.some((r) => r.note === note),
        note,
      ).toBe(true);
  });

  it('makes every filter case discriminate: some rows match, some do not, or it is a wildcard trap', () => {
    const cases: [string, ReturnType<typeof filtered>['length'], number][] = [];
    const count = (column: string, op: Parameters<typeof filtered>[1][number]['op'], value?: unknown) =>
      filtered(lines, [{ column, op, ...(value === undefined ? {} : { value: value as string }) }]).length;
    cases.push(['unit_price lt 12.25 (numeric)', count('unit_price', 'lt', '12.25'), lines.rows.length]);
    cases.push(['ordered_on eq 2024-02-08', count('ordered_on', 'eq', '2024-02-08'), lines.rows.length]);
    cases.push([
      'note contains Re (case-sensitive)',
      filtered(lines, [{ column: 'note', op: 'contains', value: 'Re', caseSensitive: true }]).length,
      count('note', 'contains', 're'),
    ]);
    cases.push([
      'note neq red excludes NULLs',
      count('note', 'neq', 'red') + count('note', 'eq', 'red'),
      lines.rows.length,
    ]);
    for (const [what, matched, bound] of cases) {
      expect(matched, what).toBeGreaterThan(0);
      expect(matched, what).toBeLessThan(bound);
    }
    // Wildcard traps: no literal match, but an unescaped LIKE pattern would match.
    expect(count('sku', 'startsWith', 'b_')).toBe(0);
    expect(lines.rows.some((r) => /^b./.test(String(r.sku)))).toBe(true);
    expect(count('sku', 'contains', 'a_')).toBe(0);
    expect(lines.rows.some((r) => /a./.test(String(r.sku)))).toBe(true);
  });

  it('is a fresh copy each time', () => {
    const a = conformanceFixture();
    (a.tables[0]!.rows as unknown[]).length = 0;
    expect(conformanceFixture().tables[0]!.rows.length).toBeGreaterThan(0);
  });
});
