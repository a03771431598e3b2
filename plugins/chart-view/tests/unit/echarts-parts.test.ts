// The chart view loads only some parts of ECharts (src/echarts-runtime.ts): for every chart
// type it draws, the SVG must be exactly what the whole of ECharts draws. ECharts registers
// parts globally, so the view draws first, and the whole of ECharts is imported only after.
import type * as echarts from 'echarts';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART_SIZE, CHART_TYPES, type ChartData, chartOption, renderSvg } from '../../src/index.js';

const data: ChartData = {
  labels: ['2024-01', '2024-02', '2024-03', 'a "quoted" <label>'],
  values: [12.5, 40, 7, 22],
  truncated: false,
  limit: 100,
};

async function renderWithAllOfEcharts(option: echarts.EChartsOption): Promise<string> {
  const { init } = await import('echarts');
  const chart = init(null, null, { renderer: 'svg', ssr: true, ...CHART_SIZE });
  try {
    chart.setOption(option);
    return chart.renderToSVGString({ useViewBox: true });
  } finally {
    chart.dispose();
  }
}

/**
 * ECharts numbers instances and styles process-wide into ids and class names (`zr3-cls-14`,
 * `zr4-c0`): renumbered in order of appearance, they no longer depend on what drew before.
 */
function withoutInstanceIds(svg: string | undefined): string | undefined {
  const seen = new Map<string, number>();
  return svg?.replace(/\bzr\d+-[a-z-]*\d+\b/g, (id) => {
    if (!seen.has(id)) seen.set(id, seen.size);
    return `id${seen.get(id)}`;
  });
}

const option = (type: (typeof CHART_TYPES)[number]) => chartOption(data, type, 'month', 'sum of total');

describe('the ECharts parts the view loads', () => {
  const drawnByTheView = new Map<string, string>();
  beforeAll(async () => {
    for (const type of CHART_TYPES) drawnByTheView.set(type, await renderSvg(option(type)));
  });

  for (const type of CHART_TYPES) {
    it(`draw a ${type} chart exactly as the whole of ECharts does`, async () => {
      const svg = drawnByTheView.get(type);
      expect(svg).toContain('<svg');
      expect(withoutInstanceIds(svg)).toBe(withoutInstanceIds(await renderWithAllOfEcharts(option(type))));
    });
  }
});
