/**
 * The chart view's HTML: a settings form (x, bucket, measure, aggregate, type), the SVG and
 * the data the browser script uses for tooltips.
 */
import { html, type SafeHtml, type TableSchema, unsafeRawHtml, type ViewUrls } from '@nocoflo/sdk';
import { type ChartData, isOrderedAxis } from './query.js';
import {
  AGGREGATES,
  BUCKETS,
  CHART_TYPES,
  type ChartSettings,
  isNumeric,
  isTemporal,
  measureLabel,
} from './settings.js';

function options(
  values: readonly { value: string; label: string }[],
  selected: string | undefined,
): SafeHtml[] {
  return values.map(
    (o) => html`<option value="${o.value}" ${o.value === selected && html`selected`}>${o.label}</option>`,
  );
}

function renderForm(
  table: TableSchema,
  settings: ChartSettings,
  urls: ViewUrls,
  keep: Readonly<Record<string, string>>,
): SafeHtml {
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
    x &&
    isTemporal(x) &&
    html`<label>by <select name="bucket">${options(
      BUCKETS.map((b) => ({ value: b, label: b })),
      settings.bucket,
    )}</select></label>`;
  const aggregates = options(
    AGGREGATES.map((a) => ({ value: a, label: a })),
    settings.agg,
  );
  const types = options(
    CHART_TYPES.map((t) => ({ value: t, label: t })),
    settings.type,
  );
  return html`<form class="ncf-chart-form" method="get" action="${urls.page}">
<label>X <select name="x">${xOptions}</select></label>${bucket}
<label>Y <select name="y">${yOptions}</select></label>
<label>Aggregate <select name="agg">${aggregates}</select></label>
<label>Chart <select name="type">${types}</select></label>
${Object.entries(keep).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}<button type="submit">Draw</button>
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
  /** The page's filter (shared with the table view): its URL parameters, kept by the form, and in words. */
  filter?: {
    /** The filter's URL parameters, carried as hidden fields by the chart's form. */
    params: Readonly<Record<string, string>>;
    /** The filter in words, shown in the chart's caption. */
    description: string;
  };
}

/** Renders the chart view's HTML fragment. */
export function renderChart({ table, settings, data, svg, notices, urls, filter }: RenderChartInput): string {
  const what = `${measureLabel(settings)} by ${settings.x}${settings.bucket ? ` (${settings.bucket})` : ''}${filter ? `, of rows ${filter.description}` : ''}`;
  // Say which groups are shown when not all are: the first ones along an ordered axis, or
  // the largest ones by the measure.
  const ordered = isOrderedAxis(table.columns.find((c) => c.name === settings.x)) && settings.type !== 'pie';
  const more = data.truncated
    ? ordered
      ? ` — the first ${data.limit.toLocaleString('en-US')} by ${settings.x} shown`
      : ` — the largest ${data.limit.toLocaleString('en-US')} by ${measureLabel(settings)} shown`
    : '';
  const noticeHtml = notices.map((n) => html`<p class="ncf-notice" role="status">${n}</p>`);
  // The SVG comes from ECharts' renderer, which escapes the labels it draws.
  const figure = svg
    ? html`<div class="ncf-chart-canvas" tabindex="0" role="group" aria-label="${`Chart: ${what}`}">${unsafeRawHtml(svg)}</div>`
    : html`<p class="ncf-nodata">${data.limit === 0 ? 'Nothing charted yet.' : 'No rows to chart.'}</p>`;
  // Nothing charted (no default the statistics could stand behind): no caption claiming a
  // chart; the notice says why and the form offers the columns.
  const caption = data.limit === 0 && !svg ? html`` : html`<figcaption>${what + more}</figcaption>`;
  const script = scriptJson({
    labels: data.labels,
    values: data.values,
    type: settings.type,
    measure: measureLabel(settings),
  });
  return String(html`<section class="ncf-chart-view" data-table="${table.name}">
${noticeHtml}${renderForm(table, settings, urls, filter?.params ?? {})}
<figure class="ncf-chart" data-chart-type="${settings.type}">${figure}${caption}</figure>
<script type="application/json" class="ncf-chart-data">${unsafeRawHtml(script)}</script>
</section>`);
}
