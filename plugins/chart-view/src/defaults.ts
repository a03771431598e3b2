/**
 * Chart defaults chosen from column statistics, not from names alone: a date draws a line
 * over time; otherwise the x axis is the first column that groups the rows into a few
 * categories (2 to {@link MAX_DEFAULT_GROUPS} values, not one row per value). Keys and unique
 * columns are never chosen, so Artist is not "count by Name" with every bar at 1, and order
 * lines are not 1,000 bars of one order each.
 */
import type { ColumnSchema, TableSchema, ViewDataAccess } from '@nocoflo/sdk';
import { type ChartSettings, defaultSettings, isNumeric, isTemporal, measureColumns } from './settings.js';

/** Most distinct values a default category axis may have. */
export const MAX_DEFAULT_GROUPS = 30;
/** Columns probed (one GROUP BY each, in the database) before giving up. */
export const MAX_PROBES = 6;

/** What the statistics chose. */
export interface StatisticsDefaults {
  /** The settings, when some column groups the rows well. */
  settings?: ChartSettings;
  /** Why there is no default, in words, when there is none. */
  reason?: string;
}

const isKey = (table: TableSchema, column: ColumnSchema) => table.primaryKey.includes(column.name);
const isReference = (table: TableSchema, column: ColumnSchema) =>
  table.foreignKeys.some((fk) => fk.columns.includes(column.name));

/** Columns that could be categories, most promising first. */
export function categoryCandidates(table: TableSchema): ColumnSchema[] {
  const usable = table.columns.filter(
    (c) => !isKey(table, c) && !['binary', 'json', 'array', 'float', 'decimal'].includes(c.type),
  );
  const rank = (c: ColumnSchema): number => {
    if (c.type === 'enum' || c.type === 'boolean') return 0;
    if (c.type === 'text' && !isReference(table, c)) return 1;
    if (isReference(table, c)) return 2;
    return 3;
  };
  return [...usable].sort((a, b) => rank(a) - rank(b));
}

/**
 * How a column groups the rows: its number of distinct values (up to the limit + 1) and
 * whether each value stands for one row only.
 */
async function probe(
  data: ViewDataAccess,
  table: TableSchema,
  column: ColumnSchema,
): Promise<{ groups: number; unique: boolean }> {
  const result = await data.aggregate(table.name, {
    groupBy: [{ column: column.name, as: 'key' }],
    measures: [{ fn: 'count', as: 'rows' }],
    sort: [{ column: 'rows', direction: 'desc' }],
    limit: MAX_DEFAULT_GROUPS + 1,
  });
  const largest = Number(result.rows[0]?.rows ?? 0);
  return { groups: result.rows.length, unique: largest <= 1 };
}

/** The defaults for a table, from its columns' statistics. */
export async function defaultsFromStatistics(
  data: ViewDataAccess,
  table: TableSchema,
): Promise<StatisticsDefaults> {
  const base = defaultSettings(table);
  const x = table.columns.find((c) => c.name === base.x);
  if (x && isTemporal(x)) return { settings: base };
  for (const column of categoryCandidates(table).slice(0, MAX_PROBES)) {
    const { groups, unique } = await probe(data, table, column);
    if (unique || groups < 2 || groups > MAX_DEFAULT_GROUPS) continue;
    const measure = measureColumns(table).find((c) => c.name !== column.name && isNumeric(c));
    const settings: ChartSettings = { x: column.name, agg: measure ? 'sum' : 'count', type: 'bar' };
    if (measure) settings.y = measure.name;
    return { settings };
  }
  return {
    reason: `No column of ${table.name} groups its rows into a few categories (each is a key, unique, or has more than ${MAX_DEFAULT_GROUPS} values); choose the columns to chart below.`,
  };
}
