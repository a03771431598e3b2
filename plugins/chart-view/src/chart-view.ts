/**
 * The chart view: aggregates of a table computed in the database, drawn server-side to
 * SVG with Apache ECharts.
 */
import {
  combineConditions,
  defineView,
  isNocofloError,
  parseUrlFilter,
  type TableSchema,
  type UrlFilterState,
  urlFilterParams,
  type ViewDefinition,
} from '@nocoflo/sdk';
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

/** The page's filter in words: `where X = 1 and Y contains "a", matching "search"`. */
function describeFilter(state: UrlFilterState): string {
  const parts = state.filters.map((f) =>
    f.op === 'isNull' || f.op === 'isNotNull'
      ? `${f.column} ${f.op === 'isNull' ? 'is NULL' : 'is not NULL'}`
      : `${f.column} ${f.op} ${JSON.stringify(f.value)}`,
  );
  const where = parts.length ? `where ${parts.join(state.match === 'any' ? ' or ' : ' and ')}` : '';
  const search = state.search ? `matching ${JSON.stringify(state.search)}` : '';
  return [where, search].filter(Boolean).join(', ');
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
    // The filter and search of the table view (shared URL parameters) apply to the chart too.
    const urlFilter = parseUrlFilter(table, params);
    notices.push(...urlFilter.notices);
    const filter = combineConditions(urlFilter.conditions, urlFilter.state.match);
    const where = {
      ...(filter.length ? { filter } : {}),
      ...(urlFilter.state.search ? { search: urlFilter.state.search } : {}),
    };
    const filtered = Object.keys(where).length > 0;
    let chartData: ChartData;
    let applied = filtered;
    try {
      chartData = await loadChartData(data, table, settings, where);
    } catch (error) {
      if (!filtered || !isNocofloError(error)) throw error;
      notices.push(`The filter was not applied: ${error.message}`);
      applied = false;
      chartData = await loadChartData(data, table, settings);
    }
    const filterInfo = filtered
      ? {
          params: urlFilterParams(urlFilter.state),
          description: applied ? describeFilter(urlFilter.state) : 'of the whole table',
        }
      : undefined;
    const svg =
      chartData.values.length === 0
        ? undefined
        : await renderSvg(chartOption(chartData, settings.type, settings.x, measureLabel(settings)));
    return {
      html: renderChart({
        table,
        settings,
        data: chartData,
        svg,
        notices,
        urls,
        ...(filterInfo ? { filter: filterInfo } : {}),
      }),
      title: `${table.name} (chart)`,
    };
  },
});
