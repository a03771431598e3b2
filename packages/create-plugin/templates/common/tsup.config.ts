import { defineConfig } from 'tsup';

// One ESM entry with type declarations: what the host loads (package.json "nocoflo.entry").
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
});
