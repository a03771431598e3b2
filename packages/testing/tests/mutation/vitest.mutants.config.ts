import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { workspaceAliases } from '../../../../vitest.shared.js';

// Config of the child run in mutation.test.ts: the suites against every mutant at once.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: { alias: workspaceAliases },
  test: { include: ['tests/mutation/work/**/*.mutant.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
