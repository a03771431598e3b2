// Shared vitest settings: every workspace package name points at its `src`, so tests
// import exactly what users import (`@nocoflo/sdk`), without a build step in between.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Package name → source entry, for vitest's `resolve.alias`. Longest names first. */
export const workspaceAliases = [
  { find: /^@nocoflo\/sdk\/sql$/, replacement: here('./packages/sdk/src/sql/index.ts') },
  { find: /^@nocoflo\/sdk$/, replacement: here('./packages/sdk/src/index.ts') },
  { find: /^@nocoflo\/host$/, replacement: here('./packages/host/src/index.ts') },
  { find: /^@nocoflo\/testing\/matchers$/, replacement: here('./packages/testing/src/matchers/index.ts') },
  { find: /^@nocoflo\/testing$/, replacement: here('./packages/testing/src/index.ts') },
];

/**
 * Settings every package's tests share.
 *
 * - Time limits only catch a test that hangs for good: a suite running next to five others
 *   on two cores can be ten times slower than on a quiet machine, and a limit it can reach
 *   fails the test for the machine, not for the code. (Speed is measured in `pnpm bench`,
 *   as ratios, never asserted in a test.)
 * - Two test files at a time even on two cores (vitest's default there is one): most files
 *   spend their time waiting on databases, child processes and servers, not on the CPU.
 */
export const sharedTestOptions = {
  testTimeout: 15 * 60_000,
  hookTimeout: 15 * 60_000,
  // `expect.poll` gives up after 1 s by default: far too soon for a page or a server under load.
  expect: { poll: { timeout: 5 * 60_000 } },
  maxWorkers: Math.max(2, availableParallelism() - 1),
} as const;
