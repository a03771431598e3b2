import { configDefaults, defineConfig } from 'vitest/config';
import { filesFirst, sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

/**
 * Files that change what the test process itself holds, each in a fresh process of its own
 * (vitest's default isolation): the hostile-plugin corpus (its offenders set process.env,
 * patch globals and builtins, exhaust memory), process.env set for a plugin, fake timers,
 * spies on shared prototypes and on JSON. Every other file runs in the `shared` project.
 */
const ISOLATED = [
  'tests/isolation/hostile-plugins.test.ts',
  'tests/isolation/hostile-plugins-process.test.ts',
  'tests/isolation/spare-worker.test.ts',
  'tests/isolation/page-versions.test.ts',
  'tests/unit/deadlines.test.ts',
  'tests/web/implementation/token-cache.test.ts',
  'tests/web/implementation/token-ownership.test.ts',
  'tests/web/implementation/bearer-sessions.test.ts',
  'tests/accounts/account-store.test.ts',
];

/** The longest files, started first in this order (see `sequence` below). */
const FIRST = [
  'tests/ops/implementation/cli.test.ts',
  'tests/isolation/hostile-plugins-process.test.ts',
  'tests/isolation/hostile-plugins.test.ts',
  'tests/ops/implementation/admin-api.test.ts',
  'tests/ops/implementation/crash-safety.test.ts',
  'tests/ops/implementation/cli-isolation.test.ts',
  'tests/ops/implementation/migrations.test.ts',
  'tests/ops/implementation/metadata-store.test.ts',
  'tests/web/implementation/access.test.ts',
];

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
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
    // The longest files first, whatever their size: a clean clone has no timings and runs the
    // largest first, and cli.test.ts, third longest, started midway. Timed again 2026-11-30
    // (the suite alone at load 5-9): cli and hostile-plugins-process 108 s each, admin-api
    // 62 s, hostile-plugins 61 s (not listed then: it started 470 s into a run of 531 s),
    // crash-safety 51, cli-isolation 50, migrations 47, metadata-store 46, access 38 s.
    // The isolated files start first (the hostile corpus, with cli.test.ts) or last (the
    // others), not among the shared ones: vitest hands a finished `shared` worker the next
    // file only when that file is a `shared` one too, and ends the worker (and the next
    // shared file imports everything again in a new one) when an isolated file is next.
    sequence: { sequencer: filesFirst(FIRST, ISOLATED) },
    projects: [
      {
        // Most files share a worker's module graph (`isolate: false`): each file used to import
        // the host and its dependencies from source in a fresh process of its own, ~4 s of CPU
        // a file, more than a third of the suite's CPU. The files here leave nothing behind
        // that the next file in the worker would see: hosts, servers, stores and folders are
        // their own and closed in their hooks. Spies, stubbed env and globals and fake timers
        // are undone after each test all the same (tests/setup/shared-worker.ts), in case a
        // test that fails stops before its own cleanup.
        extends: true,
        test: {
          name: 'shared',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...ISOLATED],
          isolate: false,
          restoreMocks: true,
          unstubEnvs: true,
          unstubGlobals: true,
          setupFiles: ['tests/setup/shared-worker.ts'],
        },
      },
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
    ],
  },
});
