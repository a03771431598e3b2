/**
 * Group-by aggregates over a memory table: count, sum, avg, min, max, with time buckets.
 * Sums of integer and decimal columns are exact decimal strings, like a database's NUMERIC.
 */
import {
  type AggregateQuery,
  type AggregateResult,
  type CellValue,
  type ColumnSchema,
  type ColumnType,
  Errors,
  NocofloError,
  NUMERIC_COLUMN_TYPES,
  type Row,
  TEMPORAL_COLUMN_TYPES,
} from '@nocoflo/sdk';
import { canonicalText, compareValues } from '../../values/compare.js';
import { addDecimals } from '../../values/decimal.js';
import { column, compileFilters } from './query.js';
import type { MemoryTable } from './table.js';

const FUNCTIONS = ['count', 'sum', 'avg', 'min', 'max'] as const;

function invalid(reason: string): NocofloError {
  return NocofloError.create(Errors.InvalidQuery, [reason]);
}

interface Key {
  name: string;
  column: ColumnSchema;
  bucket: 'year' | 'month' | 'day' | undefined;
}

interface Measure {
  name: string;
  fn: (typeof FUNCTIONS)[number];
  column: ColumnSchema | undefined;
}

function bucketed(value: CellValue, bucket: Key['bucket']): CellValue {
  if (bucket === undefined || typeof value !== 'string') return value;
  const [y, m = '01', d = '01'] = value.slice(0, 10).split('-');
  if (bucket === 'year') return `${y}-01-01`;
  if (bucket === 'month') return `${y}-${m}-01`;
  return `${y}-${m}-${d}`;
}

function measure(m: Measure, rows: readonly Row[]): CellValue {
  if (m.fn === 'count') {
    return m.column ? rows.filter((r) => r[(m.column as ColumnSchema).name] !== null).length : rows.length;
  }
  const name = (m.column as ColumnSchema).name;
  const type = (m.column as ColumnSchema).type;
  const values = rows.map((r) => r[name] ?? null).filter((v): v is Exclude<CellValue, null> => v !== null);
  if (values.length === 0) return null;
  if (m.fn === 'min' || m.fn === 'max') {
    const sorted = [...values].sort((a, b) => compareValues(type, a, b));
    return (m.fn === 'min' ? sorted[0] : sorted[sorted.length - 1]) ?? null;
  }
  const exact = type === 'integer' || type === 'decimal';
  const numbers = values as (number | bigint | string)[];
  if (m.fn === 'sum') return exact ? addDecimals(numbers) : (numbers as number[]).reduce((a, b) => a + b, 0);
  const total = exact ? Number(addDecimals(numbers)) : (numbers as number[]).reduce((a, b) => a + b, 0);
  return total / values.length;
}

/** Runs an aggregate query over the table's rows. */
export function aggregateRows(table: MemoryTable, query: AggregateQuery): AggregateResult {
  if (!query || !Array.isArray(query.measures) || query.measures.length === 0) {
    throw invalid('an aggregate query needs at least one measure');
  }
  const keys: Key[] = (query.groupBy ?? []).map((g) => {
    const spec = typeof g === 'string' ? { column: g } : g;
    const col = column(table, spec.column);
    if (spec.bucket !== undefined) {
      if (!['year', 'month', 'day'].includes(spec.bucket)) {
        throw invalid(`time bucket must be year, month or day, got ${JSON.stringify(spec.bucket)}`);
      }
      if (!TEMPORAL_COLUMN_TYPES.includes(col.type)) {
        throw invalid(
          `cannot bucket ${col.name} by ${spec.bucket}: it is ${col.type}, not a date or timestamp`,
        );
      }
    }
    return { name: spec.as ?? col.name, column: col, bucket: spec.bucket };
  });
  const measures: Measure[] = query.measures.map((m) => {
    if (!FUNCTIONS.includes(m?.fn)) {
      throw invalid(
        `unknown aggregate function ${JSON.stringify(m?.fn)}; use one of ${FUNCTIONS.join(', ')}`,
      );
    }
    const col = m.column === undefined ? undefined : column(table, m.column);
    if (!col && m.fn !== 'count') throw invalid(`${m.fn} needs a column`);
    if (col && (m.fn === 'sum' || m.fn === 'avg') && !NUMERIC_COLUMN_TYPES.includes(col.type)) {
      throw invalid(`cannot ${m.fn} ${col.name}: it is ${col.type}, not a number`);
    }
    return { name: m.as ?? (col ? `${m.fn}_${col.name}` : m.fn), fn: m.fn, column: col };
  });
  const names = [...keys.map((k) => k.name), ...measures.map((m) => m.name)];
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined)
    throw invalid(`two result columns are named ${JSON.stringify(duplicate)}; rename one with "as"`);
  const limit = query.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) {
    throw invalid(`limit must be an integer from 1 to 100000, got ${String(limit)}`);
  }
  const types = new Map<string, ColumnType | undefined>(
    keys.map((k) => [k.name, k.bucket ? 'date' : k.column.type]),
  );
  for (const m of measures) types.set(m.name, m.fn === 'count' ? 'integer' : m.column?.type);
  const sort = (query.sort ?? keys.map((k) => ({ column: k.name, direction: 'asc' as const }))).map((s) => {
    if (!names.includes(s.column)) {
      throw invalid(
        `cannot sort aggregate results by ${JSON.stringify(s.column)}; result columns are ${names.join(', ')}`,
      );
    }
    if (s.direction !== 'asc' && s.direction !== 'desc')
      throw invalid('sort direction must be "asc" or "desc"');
    return s;
  });

  const matches = compileFilters(table, query.filter, query.search);
  const groups = new Map<string, { key: Row; rows: Row[] }>();
  for (const stored of table.rows) {
    if (!matches(stored.values)) continue;
    const key: Row = {};
    for (const k of keys) key[k.name] = bucketed(stored.values[k.column.name] ?? null, k.bucket);
    const id = keys.map((k) => canonicalText(k.column.type, key[k.name])).join('\u0000');
    const group = groups.get(id) ?? { key, rows: [] };
    group.rows.push(stored.values);
    groups.set(id, group);
  }
  if (keys.length === 0 && groups.size === 0) groups.set('', { key: {}, rows: [] });
  const rows = [...groups.values()].map(({ key, rows: members }) => {
    const out: Row = { ...key };
    for (const m of measures) out[m.name] = measure(m, members);
    return out;
  });
  rows.sort((a, b) => {
    for (const s of sort) {
      const c = compareValues(types.get(s.column), a[s.column] ?? null, b[s.column] ?? null);
      if (c !== 0) return s.direction === 'asc' ? c : -c;
    }
    return 0;
  });
  return { rows: rows.slice(0, limit) };
}
