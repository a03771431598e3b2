import { defineConfig } from 'tsup';
import { versionsDefine } from './versions.config.js';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
  define: versionsDefine,
});
