import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { filesFirst, sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

// zod is resolved from this package for the docs example (docs/examples/testing), which
// runs inside this package's tests but has no node_modules of its own.
const zod = createRequire(import.meta.url).resolve('zod');

export default defineConfig({
  resolve: { alias: [...workspaceAliases, { find: /^zod$/, replacement: zod }] },
  test: {
    include: ['tests/**/*.test.ts'],
    ...sharedTestOptions,
    // The files share their workers' loaded modules (the kit, the SDK, the host) instead of
    // importing them again for every file; none mocks modules or depends on a fresh global.
    isolate: false,
    // The files that run child test runs and whole conformance suites first (the longest,
    // timed in full runs): a clean clone has no timings and would run the largest first.
    sequence: {
      sequencer: filesFirst([
        'tests/mutation/mutation.test.ts',
        'tests/implementation/conformance-honesty.test.ts',
        'tests/implementation/capabilities-conformance.test.ts',
        'tests/implementation/test-host.test.ts',
      ]),
    },
  },
});
