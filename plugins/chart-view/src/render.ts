/**
 * The chart view's HTML: a settings form (x, bucket, measure, aggregate, type), the SVG and
 * the data the browser script uses for tooltips.
 */
import { escapeHtml, type TableSchema, type ViewUrls } from '@nocoflo/sdk';
import type { ChartData } from './query.js';
import {
  AGGREGATES,
  BUCKETS,
  CHART_TYPES,
  type ChartSettings,
  isNumeric,
  isTemporal,
  measureLabel,
} from './settings.js';

const attr = (value: unknown): string => escapeHtml(value);

function options(values: readonly { value: string; label: string }[], selected: string | undefined): string {
  return values
    .map(
      (o) =>
        `<option value="${attr(o.value)}"${o.value === selected ? ' selected' : ''}>${escapeHtml(o.label)}</option>`,
    )
    .join('');
}

function renderForm(table: TableSchema, settings: ChartSettings, urls: ViewUrls): string {
  const x = table.columns.find((c) => c.name === settings.x);
  const xOptions = options(
    table.columns.map((c) => ({ value: c.name, label: `${c.name} (${c.type})` })),
    settings.x,
  );
  const yOptions = options(
    [
      { value: '', label: '(rows)' },
      ...table.columns.filter(isNumeric).map((c) => ({ value: c.name, label: c.name })),
    ],
    settings.y ?? '',
  );
  const bucket =
    x && isTemporal(x)
      ? `<label>by <select name="bucket">${options(
          BUCKETS.map((b) => ({ value: b, label: b })),
          settings.bucket,
        )}</select></label>`
      : '';
  return `<form class="ncf-chart-form" method="get" action="${attr(urls.page)}">
<label>X <select name="x">${xOptions}</select></label>${bucket}
<label>Y <select name="y">${yOptions}</select></label>
<label>Aggregate <select name="agg">${options(
    AGGREGATES.map((a) => ({ value: a, label: a })),
    settings.agg,
  )}</select></label>
<label>Chart <select name="type">${options(
    CHART_TYPES.map((t) => ({ value: t, label: t })),
    settings.type,
  )}</select></label>
<button type="submit">Draw</button>
</form>`;
}

/** JSON that is safe inside a `<script>` element (no `<`, so no `</script>`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** What {@link renderChart} needs. */
export interface RenderChartInput {
  /** The table charted. */
  table: TableSchema;
  /** Chart type, columns and measure. */
  settings: ChartSettings;
  /** The aggregated data. */
  data: ChartData;
  /** The server-rendered chart, or undefined when there is no data. */
  svg: string | undefined;
  /** Messages shown above the chart. */
  notices: readonly string[];
  /** URLs for links and assets. */
  urls: ViewUrls;
}

/** Renders the chart view's HTML fragment. */
export function renderChart({ table, settings, data, svg, notices, urls }: RenderChartInput): string {
  const what = `${measureLabel(settings)} by ${settings.x}${settings.bucket ? ` (${settings.bucket})` : ''}`;
  const more = data.truncated
    ? ` — ${settings.type === 'line' ? 'first' : 'largest'} ${data.limit} groups shown`
    : '';
  const noticeHtml = notices.map((n) => `<p class="ncf-notice" role="status">${escapeHtml(n)}</p>`).join('');
  const figure = svg
    ? `<div class="ncf-chart-canvas">${svg}</div>`
    : '<p class="ncf-nodata">No rows to chart.</p>';
  return `<section class="ncf-chart-view" data-table="${attr(table.name)}">
${noticeHtml}${renderForm(table, settings, urls)}
<figure class="ncf-chart" data-chart-type="${attr(settings.type)}">${figure}<figcaption>${escapeHtml(what + more)}</figcaption></figure>
<script type="application/json" class="ncf-chart-data">${scriptJson({ labels: data.labels, values: data.values, type: settings.type, measure: measureLabel(settings) })}</script>
</section>`;
}
