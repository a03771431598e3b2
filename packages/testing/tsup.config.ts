import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'matchers/index': 'src/matchers/index.ts' },
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['vitest'],
});
