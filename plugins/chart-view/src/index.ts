/**
 * `@nocoflo/chart-view`: charts any table with a numeric column. Grouping and measuring
 * run in the datasource; the chart is drawn server-side to SVG with Apache ECharts and
 * gains tooltips in the browser.
 *
 * @packageDocumentation
 */
import { definePlugin } from '@nocoflo/sdk';
import { chartView } from './chart-view.js';

export { chartView, NUMERIC_SCORE, TIME_SERIES_SCORE } from './chart-view.js';
export {
  buildQuery,
  type ChartData,
  loadChartData,
  MAX_CATEGORIES,
  MAX_POINTS,
  MAX_SLICES,
} from './query.js';
export { type RenderChartInput, renderChart, scriptJson } from './render.js';
export {
  AGGREGATES,
  BUCKETS,
  CHART_TYPES,
  type ChartSettings,
  type ChartType,
  defaultSettings,
  measureColumns,
  parseSettings,
} from './settings.js';
export { CHART_SIZE, chartOption, renderSvg } from './svg.js';

/** The plugin: contributes the `chart` view. */
export default definePlugin({ views: [chartView] });
