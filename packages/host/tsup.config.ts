import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts', 'src/cli.ts'],
    format: ['esm'],
    dts: { entry: 'src/index.ts' },
    clean: true,
    sourcemap: true,
    target: 'node20',
    // Kysely (the metadata store's query builder) ships ~260 ES modules that Node would load one
    // by one at every start: bundled it loads in a fifth of the time and ~15 MB less memory. It
    // stays a dependency, for the types in index.d.ts; no Kysely object crosses the package.
    noExternal: ['kysely'],
    // The CommonJS import shim is loaded at run time with createRequire, next to the bundle.
    async onSuccess() {
      await copyFile('src/lifecycle/native-import.cjs', 'dist/native-import.cjs');
    },
  },
  {
    // What isolated plugins' workers and processes run: self-contained files (no shared
    // chunks), small, loaded next to the host's bundle.
    entry: {
      'plugin-child': 'src/runtime/isolated/child/plugin-child.ts',
      'process-bridge': 'src/runtime/isolated/process-bridge.ts',
    },
    format: ['esm'],
    splitting: false,
    // birpc inside the file: a worker's boot loads one module of the host's, not two.
    noExternal: ['birpc'],
    sourcemap: true,
    target: 'node20',
  },
]);
