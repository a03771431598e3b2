/**
 * The parts of Apache ECharts the chart view draws with, and nothing else: the core, the
 * bar, line and pie series, the grid, tooltip and legend components and the SVG renderer.
 *
 * Two things keep start-up light. This module is imported only when the first chart is
 * drawn (see `renderSvg`), so a host that never shows a chart never loads ECharts. And each
 * part comes from its own install module: `import { BarChart } from 'echarts/charts'` looks
 * selective but, without a bundler, Node evaluates every chart that index re-exports (the
 * whole of `echarts` is ~590 files, ~0.7 s and ~56 MB).
 */
import { init, use } from 'echarts/core';
import { install as BarChart } from 'echarts/lib/chart/bar/install.js';
import { install as LineChart } from 'echarts/lib/chart/line/install.js';
import { install as PieChart } from 'echarts/lib/chart/pie/install.js';
import { install as GridComponent } from 'echarts/lib/component/grid/install.js';
import { install as LegendComponent } from 'echarts/lib/component/legend/install.js';
import { install as TooltipComponent } from 'echarts/lib/component/tooltip/install.js';
import { install as SVGRenderer } from 'echarts/lib/renderer/installSVGRenderer.js';

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export { init };
