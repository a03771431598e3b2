/**
 * The chart view: aggregates of a table computed in the database, drawn server-side to
 * SVG with Apache ECharts.
 */
import { defineView, type TableSchema, type ViewDefinition } from '@nocoflo/sdk';
import { defaultsFromStatistics } from './defaults.js';
import { type ChartData, loadChartData } from './query.js';
import { renderChart } from './render.js';
import { isNumeric, isTemporal, measureColumns, measureLabel, parseSettings } from './settings.js';
import { chartOption, renderSvg } from './svg.js';

/** Score for a table with a date and a measure: a chart shows it well, but the table view stays the default. */
export const TIME_SERIES_SCORE = 45;
/** Score for any other table with a numeric column. */
export const NUMERIC_SCORE = 30;

function score(table: TableSchema): number | false {
  if (!table.columns.some(isNumeric)) return false;
  return table.columns.some(isTemporal) && measureColumns(table).length > 0
    ? TIME_SERIES_SCORE
    : NUMERIC_SCORE;
}

/** No chart: drawn when no column makes a useful default. */
const EMPTY_CHART: ChartData = { labels: [], values: [], truncated: false, limit: 0 };

/** The chart view definition. */
export const chartView: ViewDefinition = defineView({
  name: 'chart',
  title: 'Chart',
  canHandle: score,
  assets: ['./assets/chart-view.css', './assets/vendor/echarts-ssr-client.js', './assets/chart-view.js'],
  async render({ table, data, params, urls }) {
    // Statistics are only needed when the page does not say what to chart.
    const fromStatistics = params.x === undefined ? await defaultsFromStatistics(data, table) : undefined;
    const { settings, notices } = parseSettings(table, params, fromStatistics?.settings);
    if (fromStatistics?.reason) {
      return {
        html: renderChart({
          table,
          settings,
          data: EMPTY_CHART,
          svg: undefined,
          notices: [fromStatistics.reason, ...notices],
          urls,
        }),
        title: `${table.name} (chart)`,
      };
    }
    const chartData = await loadChartData(data, table, settings);
    const svg =
      chartData.values.length === 0
        ? undefined
        : await renderSvg(chartOption(chartData, settings.type, settings.x, measureLabel(settings)));
    return {
      html: renderChart({ table, settings, data: chartData, svg, notices, urls }),
      title: `${table.name} (chart)`,
    };
  },
});
