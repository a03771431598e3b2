// Types of the ECharts install modules ./echarts-runtime.ts imports one by one (ECharts
// ships types for its index modules only). Each is an installer for `use()`.
type EChartsPartInstaller = Exclude<Parameters<typeof import('echarts/core').use>[0], unknown[]>;

declare module 'echarts/lib/chart/bar/install.js' {
  export const install: EChartsPartInstaller;
}
declare module 'echarts/lib/chart/line/install.js' {
  export const install: EChartsPartInstaller;
}
declare module 'echarts/lib/chart/pie/install.js' {
  export const install: EChartsPartInstaller;
}
declare module 'echarts/lib/component/grid/install.js' {
  export const install: EChartsPartInstaller;
}
declare module 'echarts/lib/component/legend/install.js' {
  export const install: EChartsPartInstaller;
}
declare module 'echarts/lib/component/tooltip/install.js' {
  export const install: EChartsPartInstaller;
}
declare module 'echarts/lib/renderer/installSVGRenderer.js' {
  export const install: EChartsPartInstaller;
}
