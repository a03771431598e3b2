import { defineConfig } from 'vitest/config';
import { filesFirst, sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['tests/**/*.test.ts'],
    ...sharedTestOptions,
    // Three files at a time, PostgreSQL ones too. They were kept apart (one at a time, then
    // in a group of their own) after a store's open once failed with a schema "missing"
    // while another file's tests ran: that was the store's migrator introspecting every
    // schema of the database while other files dropped theirs (`schema "…" does not exist`,
    // naming the other file's schema). The migrator now reads its own schema only
    // (src/store/schema-scoped-dialect.ts; store-open-beside-drops.test.ts churns schemas
    // beside store opens), and every file works in schemas, databases and folders of its own.
    // Most files wait on child processes, servers and databases more than they compute, so
    // three keep two cores busy without one file's wait holding up the rest.
    maxWorkers: 3,
    // The longest files first (timed in full runs), whatever their size: a clean clone has no
    // timings and runs the largest first, and cli.test.ts, third longest, started midway.
    sequence: {
      sequencer: filesFirst([
        'tests/ops/implementation/admin-api.test.ts',
        'tests/web/implementation/access.test.ts',
        'tests/ops/implementation/cli.test.ts',
        'tests/ops/implementation/crash-safety.test.ts',
        'tests/ops/implementation/cli-isolation.test.ts',
        'tests/isolation/hostile-plugins-process.test.ts',
      ]),
    },
  },
});
