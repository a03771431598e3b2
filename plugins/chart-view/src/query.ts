/**
 * The one aggregate query a chart needs. Grouping and measuring run in the database, so a
 * million-row table charts as fast as the database can group it; only the groups travel.
 */
import type {
  AggregateQuery,
  CellValue,
  ColumnSchema,
  FilterCondition,
  TableSchema,
  TimeBucket,
  ViewDataAccess,
} from '@nocoflo/sdk';
import { type ChartSettings, isNumeric, isTemporal } from './settings.js';

/** Most categories a bar chart shows (the largest, by measure). */
export const MAX_CATEGORIES = 30;
/** Most slices a pie shows. */
export const MAX_SLICES = 12;
/** Most points a line over time or numbers shows. */
export const MAX_POINTS = 1000;

/** The chart's data: one label and one value per group. */
export interface ChartData {
  /** One label per group (the x value or category). */
  labels: string[];
  /** One value per group, in the order of `labels`. */
  values: number[];
  /** Whether there were more groups than shown. */
  truncated: boolean;
  /** The most groups the chart shows. */
  limit: number;
}

/** Whether the x axis is ordered (time or numbers) rather than categories ranked by size. */
export function isOrderedAxis(x: ColumnSchema | undefined): boolean {
  return x !== undefined && (isTemporal(x) || isNumeric(x));
}

/** The aggregate query for the settings, asking for one group more than shown to detect truncation. */
export function buildQuery(
  table: TableSchema,
  settings: ChartSettings,
): {
  /** The aggregate to run. */
  query: AggregateQuery;
  /** How many groups the chart shows. */
  limit: number;
} {
  const x = table.columns.find((c) => c.name === settings.x);
  const ordered = isOrderedAxis(x) && settings.type !== 'pie';
  const limit = settings.type === 'pie' ? MAX_SLICES : ordered ? MAX_POINTS : MAX_CATEGORIES;
  const measure = settings.y
    ? { fn: settings.agg, column: settings.y, as: 'value' }
    : { fn: 'count' as const, as: 'value' };
  const query: AggregateQuery = {
    groupBy: [
      settings.bucket
        ? { column: settings.x, bucket: settings.bucket, as: 'key' }
        : { column: settings.x, as: 'key' },
    ],
    measures: [measure],
    sort: ordered ? [{ column: 'key', direction: 'asc' }] : [{ column: 'value', direction: 'desc' }],
    limit: limit + 1,
  };
  return { query, limit };
}

/** Characters of an ISO date kept per bucket: 2024 for years, 2024-05 for months. */
const BUCKET_LABEL_LENGTH = { year: 4, month: 7, day: 10 } as const;

function label(value: CellValue | undefined, bucket: TimeBucket | undefined): string {
  if (value === null || value === undefined) return '(NULL)';
  if (bucket && typeof value === 'string') return value.slice(0, BUCKET_LABEL_LENGTH[bucket]);
  if (typeof value === 'object' && !(value instanceof Uint8Array)) return JSON.stringify(value);
  return String(value);
}

function toNumber(value: CellValue | undefined): number {
  const n = typeof value === 'bigint' ? Number(value) : Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/** Runs the query through the view's data access and shapes the result for the chart. */
export async function loadChartData(
  data: ViewDataAccess,
  table: TableSchema,
  settings: ChartSettings,
  where: { filter?: FilterCondition[]; search?: string } = {},
): Promise<ChartData> {
  const { query, limit } = buildQuery(table, settings);
  const result = await data.aggregate(table.name, { ...query, ...where });
  const rows = result.rows.slice(0, limit);
  return {
    labels: rows.map((row) => label(row.key, settings.bucket)),
    values: rows.map((row) => toNumber(row.value)),
    truncated: result.rows.length > limit,
    limit,
  };
}
