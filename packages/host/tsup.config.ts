import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  // The CommonJS import shim is loaded at run time with createRequire, next to the bundle.
  async onSuccess() {
    await copyFile('src/lifecycle/native-import.cjs', 'dist/native-import.cjs');
  },
});
