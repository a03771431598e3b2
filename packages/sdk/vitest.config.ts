import { defineConfig } from 'vitest/config';
import { sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

// - `isolate: false`: the files share their workers' loaded modules (zod, the SDK's source)
//   instead of each starting a fresh one. None of them changes globals, mocks modules or keeps
//   state between files (checked with shuffled runs); the suite's CPU fell from 23 s to 14 s.
// - The type-level tests are checked by tsc on their own project (tsconfig.type-tests.json:
//   those files and what they import, with the package's compiler options), not on the whole
//   package: the package's `typecheck` script already checks everything else (src, the unit
//   tests, the configs and the vitest/vite types they pull in).
export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['tests/**/*.test.ts'],
    ...sharedTestOptions,
    isolate: false,
    typecheck: {
      enabled: true,
      include: ['tests/types/**/*.test-d.ts'],
      tsconfig: 'tsconfig.type-tests.json',
    },
  },
});
