/**
 * The chart view: aggregates of a table computed in the database, drawn server-side to
 * SVG with Apache ECharts.
 */
import { defineView, type TableSchema, type ViewDefinition } from '@nocoflo/sdk';
import { loadChartData } from './query.js';
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

/** The chart view definition. */
export const chartView: ViewDefinition = defineView({
  name: 'chart',
  title: 'Chart',
  canHandle: score,
  assets: ['./assets/chart-view.css', './assets/vendor/echarts-ssr-client.js', './assets/chart-view.js'],
  async render({ table, data, params, urls }) {
    const { settings, notices } = parseSettings(table, params);
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
