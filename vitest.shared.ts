// Shared vitest settings: every workspace package name points at its `src`, so tests
// import exactly what users import (`@nocoflo/sdk`), without a build step in between.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  BaseSequencer,
  type Reporter,
  type TestSequencerConstructor,
  type TestSpecification,
} from 'vitest/node';
import { StillRunningReporter } from './vitest.still-running.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Package name → source entry, for vitest's `resolve.alias`. Longest names first. */
export const workspaceAliases = [
  { find: /^@nocoflo\/sdk\/sql$/, replacement: here('./packages/sdk/src/sql/index.ts') },
  { find: /^@nocoflo\/sdk$/, replacement: here('./packages/sdk/src/index.ts') },
  { find: /^@nocoflo\/host$/, replacement: here('./packages/host/src/index.ts') },
  { find: /^@nocoflo\/testing\/matchers$/, replacement: here('./packages/testing/src/matchers/index.ts') },
  { find: /^@nocoflo\/testing$/, replacement: here('./packages/testing/src/index.ts') },
];

// Without time limits, what has run for 5 minutes is named every 5 minutes (not failed): a
// hang shows where it is. (A variable, so `as const` below leaves the array mutable, as
// vitest's config type wants.)
const reporters: ('default' | Reporter)[] = ['default', new StillRunningReporter()];

/**
 * Settings every package's tests share.
 *
 * - No time limit on tests or hooks (0 turns vitest's off): a suite running next to five
 *   others on two cores can be ten times slower than on a quiet machine, and any fixed limit
 *   a loaded machine can reach fails the test for the machine, not for the code. An install
 *   file's hook took 5 minutes at load 8, and the 15 minutes these were before was within
 *   reach of a busier one. A hang is named every 5 minutes (vitest.still-running.ts) and
 *   left to the CI job's own limit, or to Ctrl-C; pass `--testTimeout`/`--hookTimeout` to
 *   vitest to bound a local run. (Speed is measured in
 *   `pnpm bench`, as ratios, never asserted in a test.)
 * - Two test files at a time even on two cores (vitest's default there is one): most files
 *   spend their time waiting on databases, child processes and servers, not on the CPU.
 */
export const sharedTestOptions = {
  testTimeout: 0,
  hookTimeout: 0,
  reporters,
  // `expect.poll` gives up after 1 s by default: far too soon for a page or a server under load.
  expect: { poll: { timeout: 5 * 60_000 } },
  maxWorkers: Math.max(2, availableParallelism() - 1),
} as const;

/**
 * The whole vitest config of a workspace plugin package (plugins/*): its `tests/` run with
 * the settings above, the workspace's packages from source, and `isolate: false`: the files
 * share their workers' loaded modules (the SDK, the testing kit, the host a test host starts)
 * instead of importing them again for every file. A plugin's test files change no globals and
 * mock no modules; each builds its own hosts, databases and servers.
 */
export const pluginTestConfig = {
  resolve: { alias: workspaceAliases },
  test: { include: ['tests/**/*.test.ts'], ...sharedTestOptions, isolate: false },
};

/**
 * A test order that starts the named files first, in the order given, then the rest in vitest's
 * own order, and the `last` files (those not among the first) at the end, for
 * `test.sequence.sequencer`.
 *
 * Vitest runs the longest files first when it has timings from an earlier run, but a clean
 * clone (CI) has none, and then it runs the largest files first: a suite's longest file (npm
 * installs, a child test run) can be a small one and start last, after minutes of short ones,
 * and the suite ends minutes after everything else. `files` are paths from the package folder.
 */
export function filesFirst(files: readonly string[], last: readonly string[] = []): TestSequencerConstructor {
  return class FilesFirst extends BaseSequencer {
    override async sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
      const sorted = await super.sort(specs);
      const rank = (spec: TestSpecification) => {
        const at = files.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
        if (at >= 0) return at;
        return last.some((file) => spec.moduleId.endsWith(`/${file}`)) ? files.length + 1 : files.length;
      };
      return sorted
        .map((spec, index) => ({ spec, index, rank: rank(spec) }))
        .sort((a, b) => a.rank - b.rank || a.index - b.index)
        .map(({ spec }) => spec);
    }
  };
}
