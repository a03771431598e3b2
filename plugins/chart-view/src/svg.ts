/**
 * Server-side rendering with Apache ECharts: no DOM, the SVG renderer in SSR mode. The SVG
 * carries ECharts' `ecmeta_*` attributes, which the browser script hydrates with the
 * official lightweight SSR client for tooltips.
 *
 * ECharts itself is loaded on the first render, and only the parts the view uses
 * (./echarts-runtime.ts): the types below are erased at build time.
 */
import type * as echarts from 'echarts';
import type { ChartData } from './query.js';
import type { ChartType } from './settings.js';

/** Width and height of the SVG's view box (it scales to its container). */
export const CHART_SIZE = {
  /** Width in SVG units. */
  width: 960,
  /** Height in SVG units. */
  height: 420,
} as const;

/** The ECharts option for the data; plain JSON so the browser could re-create the chart. */
export function chartOption(
  data: ChartData,
  type: ChartType,
  xName: string,
  yName: string,
): echarts.EChartsOption {
  if (type === 'pie') {
    return {
      animation: false,
      tooltip: { trigger: 'item' },
      legend: { type: 'scroll', orient: 'vertical', right: 10, top: 20, bottom: 20 },
      series: [
        {
          type: 'pie',
          radius: ['30%', '70%'],
          center: ['40%', '50%'],
          data: data.labels.map((name, i) => ({ name, value: data.values[i] ?? 0 })),
          label: { formatter: '{b}: {d}%' },
        },
      ],
    };
  }
  return {
    animation: false,
    grid: { left: 80, right: 30, top: 30, bottom: 90 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: data.labels,
      name: xName,
      nameLocation: 'middle',
      nameGap: 70,
      axisLabel: { rotate: data.labels.length > 12 ? 40 : 0, hideOverlap: true },
    },
    yAxis: { type: 'value', name: yName },
    series: [
      type === 'line'
        ? {
            type: 'line',
            data: data.values,
            name: yName,
            showSymbol: data.values.length <= 60,
            areaStyle: { opacity: 0.08 },
          }
        : { type: 'bar', data: data.values, name: yName, barMaxWidth: 48 },
    ],
  };
}

/** The ECharts parts the view uses, loaded once, on the first render. */
let runtime: Promise<typeof import('./echarts-runtime.js')> | undefined;

/**
 * Renders an option to an SVG string. The first call loads ECharts (only its core, the bar,
 * line and pie series, their components and the SVG renderer); later calls reuse it.
 */
export async function renderSvg(option: echarts.EChartsOption): Promise<string> {
  runtime ??= import('./echarts-runtime.js').catch((error: unknown) => {
    runtime = undefined; // let a later render try again rather than keep the failure
    throw error;
  });
  const { init } = await runtime;
  const chart = init(null, null, { renderer: 'svg', ssr: true, ...CHART_SIZE });
  try {
    chart.setOption(option);
    return chart.renderToSVGString({ useViewBox: true });
  } finally {
    chart.dispose();
  }
}
