import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestOptions, workspaceAliases } from '../../../../vitest.shared.js';

// Config of the child run in mutation.test.ts: the suites against every mutant at once.
//
// - The workspace's limits (none): a hook that creates a test host can take over a minute on
//   a busy two-core machine, and a limit it reached would fail the control subjects or count
//   a mutant as caught for the machine, not for the suite.
// - `isolate: false`: the ~50 subject files share one worker and its loaded modules (the kit,
//   the host, zod) instead of each starting a fresh one. Per-file isolation made this child run
//   cost 120 s of CPU against 44 s without, the same mutants caught. Each subject's patched
//   code sits in a folder of its own (work/<id>/), so no subject runs another's module.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: { alias: workspaceAliases },
  test: {
    include: ['tests/mutation/work/**/*.mutant.ts'],
    testTimeout: sharedTestOptions.testTimeout,
    hookTimeout: sharedTestOptions.hookTimeout,
    isolate: false,
  },
});
