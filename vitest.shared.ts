// Shared vitest settings: every workspace package name points at its `src`, so tests
// import exactly what users import (`@nocoflo/sdk`), without a build step in between.
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
