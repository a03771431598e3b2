/**
 * Expected results computed straight from the fixture rows in JavaScript, independently
 * of any datasource: filters with SQL NULL logic, orderings with NULLs smallest.
 */
import { type CellValue, type Filter, matchesText, type Row, type SortSpec } from '@nocoflo/sdk';
import { compareValues, valuesEqual } from '../../values/compare.js';
import type { FixtureTable } from '../fixture-types.js';

function typeOf(table: FixtureTable, column: string) {
  const found = table.columns.find((c) => c.name === column);
  if (!found) throw new Error(`fixture table ${table.name} has no column ${column}`);
  return found.type;
}

/**
 * Whether a fixture row satisfies one filter, by the SDK's documented semantics; text filters
 * ignore case unless they say `caseSensitive` or the datasource cannot (`caseInsensitiveText`).
 */
export function satisfies(
  table: FixtureTable,
  row: Row,
  filter: Filter,
  caseInsensitiveText = true,
): boolean {
  const type = typeOf(table, filter.column);
  const v = row[filter.column] ?? null;
  switch (filter.op) {
    case 'isNull':
      return v === null;
    case 'isNotNull':
      return v !== null;
    case 'in':
    case 'notIn': {
      if (v === null) return false;
      const list = filter.value as readonly CellValue[];
      const hit = list.some((x) => x !== null && valuesEqual(type, v, x));
      return filter.op === 'in' ? hit : !hit;
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith': {
      const caseSensitive = filter.caseSensitive === true || !caseInsensitiveText;
      return typeof v === 'string' && matchesText(filter.op, v, filter.value as string, caseSensitive);
    }
    default: {
      const operand = filter.value as CellValue;
      if (v === null || operand === null) return false;
      if (filter.op === 'eq') return valuesEqual(type, v, operand);
      if (filter.op === 'neq') return !valuesEqual(type, v, operand);
      const c = compareValues(type, v, operand);
      if (filter.op === 'lt') return c < 0;
      if (filter.op === 'lte') return c <= 0;
      if (filter.op === 'gt') return c > 0;
      return c >= 0;
    }
  }
}

/** The fixture rows matching every filter. */
export function filtered(
  table: FixtureTable,
  filters: readonly Filter[],
  rows: readonly Row[] = table.rows,
  caseInsensitiveText = true,
): Row[] {
  return rows.filter((r) => filters.every((f) => satisfies(table, r, f, caseInsensitiveText)));
}

/** Compares two rows by the given sort keys only (no key tiebreak). */
export function compareBySort(table: FixtureTable, sort: readonly SortSpec[], a: Row, b: Row): number {
  for (const s of sort) {
    const c = compareValues(typeOf(table, s.column), a[s.column] ?? null, b[s.column] ?? null);
    if (c !== 0) return s.direction === 'asc' ? c : -c;
  }
  return 0;
}

/** Rows ordered by `sort`, then by the primary key ascending. */
export function sorted(
  table: FixtureTable,
  sort: readonly SortSpec[],
  rows: readonly Row[] = table.rows,
): Row[] {
  const full = [
    ...sort,
    ...table.primaryKey
      .filter((k) => !sort.some((s) => s.column === k))
      .map((k) => ({ column: k, direction: 'asc' as const })),
  ];
  return [...rows].sort((a, b) => compareBySort(table, full, a, b));
}
