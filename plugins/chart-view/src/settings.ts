/**
 * What the chart shows: x column (and time bucket), measure, aggregate and chart type.
 * Sensible defaults come from the table's columns alone (no query), and the page's
 * parameters override them; invalid parameters fall back with a notice.
 */
import {
  type AggregateFunction,
  type ColumnSchema,
  NUMERIC_COLUMN_TYPES,
  type TableSchema,
  TEMPORAL_COLUMN_TYPES,
  type TimeBucket,
} from '@nocoflo/sdk';

/** Chart types offered. */
export const CHART_TYPES = ['bar', 'line', 'pie'] as const;
/** A chart type. */
export type ChartType = (typeof CHART_TYPES)[number];

/** Aggregates offered. */
export const AGGREGATES: readonly AggregateFunction[] = ['sum', 'avg', 'min', 'max', 'count'];

/** Time buckets offered for date and timestamp columns. */
export const BUCKETS: readonly TimeBucket[] = ['year', 'month', 'day'];

/** The chart's settings. */
export interface ChartSettings {
  /** Column on the x axis (the grouping key). */
  x: string;
  /** Time bucket, when x is temporal. */
  bucket?: TimeBucket;
  /** Measured column; absent to count rows. */
  y?: string;
  /** Aggregate function. */
  agg: AggregateFunction;
  /** Chart type. */
  type: ChartType;
}

const CATEGORY_TYPES = new Set(['text', 'enum', 'boolean', 'uuid']);
// Text columns that are usually unique per row make poor categories.
const IDENTITY_NAME = /(^|_)(name|title|email|description|comment|notes?|address|phone|url|uuid|code|sku)$/i;

/** Whether a column holds numbers a chart can measure. */
export function isNumeric(column: ColumnSchema): boolean {
  return NUMERIC_COLUMN_TYPES.includes(column.type);
}

/** Whether a column holds dates or timestamps. */
export function isTemporal(column: ColumnSchema): boolean {
  return TEMPORAL_COLUMN_TYPES.includes(column.type);
}

function keyish(table: TableSchema, column: ColumnSchema): boolean {
  return (
    table.primaryKey.includes(column.name) ||
    table.foreignKeys.some((fk) => fk.columns.includes(column.name)) ||
    /(^|_)id$/i.test(column.name)
  );
}

/** Columns worth measuring: numeric, and not keys or references. */
export function measureColumns(table: TableSchema): ColumnSchema[] {
  return table.columns.filter((c) => isNumeric(c) && !keyish(table, c));
}

/** The best x column: a date first, then a category (enum, text that is not a name, boolean), then a reference. */
function defaultX(table: TableSchema): ColumnSchema | undefined {
  const cols = table.columns;
  return (
    cols.find(isTemporal) ??
    cols.find((c) => c.type === 'enum' && !keyish(table, c)) ??
    cols.find((c) => c.type === 'text' && !keyish(table, c) && !IDENTITY_NAME.test(c.name)) ??
    cols.find((c) => c.type === 'boolean' && !keyish(table, c)) ??
    cols.find((c) => table.foreignKeys.some((fk) => fk.columns.includes(c.name))) ??
    cols.find((c) => CATEGORY_TYPES.has(c.type) && !table.primaryKey.includes(c.name)) ??
    cols.find((c) => !table.primaryKey.includes(c.name)) ??
    cols[0]
  );
}

/** Defaults for a table: bar for category × measure, line for date × measure. */
export function defaultSettings(table: TableSchema): ChartSettings {
  const x = defaultX(table);
  const measure = measureColumns(table).find((c) => c.name !== x?.name);
  const temporal = x !== undefined && isTemporal(x);
  const settings: ChartSettings = {
    x: x?.name ?? '',
    agg: measure ? 'sum' : 'count',
    type: temporal ? 'line' : 'bar',
  };
  if (measure) settings.y = measure.name;
  if (temporal) settings.bucket = 'month';
  return settings;
}

/** Settings from the page parameters over the defaults, with notices for what was dropped. */
export function parseSettings(
  table: TableSchema,
  params: Readonly<Record<string, string>>,
  defaults: ChartSettings = defaultSettings(table),
): {
  /** The settings to draw with. */
  settings: ChartSettings;
  /** Parameters that were ignored or replaced, said in words for the page. */
  notices: string[];
} {
  const notices: string[] = [];
  const settings: ChartSettings = { ...defaults };
  const byName = new Map(table.columns.map((c) => [c.name, c]));

  if (params.x !== undefined) {
    const x = byName.get(params.x);
    if (x) {
      settings.x = x.name;
      if (isTemporal(x)) settings.bucket ??= 'month';
      else delete settings.bucket;
      if (params.type === undefined) settings.type = isTemporal(x) ? 'line' : 'bar';
    } else {
      notices.push(`The table has no column ${JSON.stringify(params.x)}; showing ${settings.x} instead.`);
    }
  }
  const xColumn = byName.get(settings.x);
  if (params.bucket !== undefined && xColumn && isTemporal(xColumn)) {
    if ((BUCKETS as readonly string[]).includes(params.bucket)) settings.bucket = params.bucket as TimeBucket;
    else notices.push(`Unknown time bucket ${JSON.stringify(params.bucket)}; using ${settings.bucket}.`);
  }
  if (params.y !== undefined) {
    if (params.y === '') {
      delete settings.y;
      settings.agg = 'count';
    } else {
      const y = byName.get(params.y);
      if (y && isNumeric(y)) settings.y = y.name;
      else
        notices.push(
          `${JSON.stringify(params.y)} is not a numeric column; measuring ${settings.y ?? 'rows'} instead.`,
        );
    }
  }
  if (params.agg !== undefined) {
    if ((AGGREGATES as readonly string[]).includes(params.agg))
      settings.agg = params.agg as AggregateFunction;
    else notices.push(`Unknown aggregate ${JSON.stringify(params.agg)}; using ${settings.agg}.`);
  }
  if (settings.y === undefined && settings.agg !== 'count') {
    notices.push(`${settings.agg} needs a measure column; counting rows instead.`);
    settings.agg = 'count';
  }
  if (params.type !== undefined) {
    if ((CHART_TYPES as readonly string[]).includes(params.type)) settings.type = params.type as ChartType;
    else notices.push(`Unknown chart type ${JSON.stringify(params.type)}; using ${settings.type}.`);
  }
  return { settings, notices };
}

/** Words for the measure, e.g. "sum of price" or "number of rows". */
export function measureLabel(settings: ChartSettings): string {
  if (settings.agg === 'count') return settings.y ? `count of ${settings.y}` : 'number of rows';
  return `${settings.agg} of ${settings.y}`;
}
