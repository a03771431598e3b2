import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

// zod is resolved from this package for the docs example (docs/examples/testing), which
// runs inside this package's tests but has no node_modules of its own.
const zod = createRequire(import.meta.url).resolve('zod');

export default defineConfig({
  resolve: { alias: [...workspaceAliases, { find: /^zod$/, replacement: zod }] },
  test: { include: ['tests/**/*.test.ts'], ...sharedTestOptions },
});
