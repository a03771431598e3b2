import { defineConfig } from 'vitest/config';
import { filesFirst, sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['tests/**/*.test.ts'],
    ...sharedTestOptions,
    // The install files are the suite's longest (npm installs, builds and test runs of their
    // own) and among its smallest, so a clean clone ran them after the browser files: they
    // start first, each beside the browser files in turn.
    sequence: {
      sequencer: filesFirst(['tests/install/create-plugin.test.ts', 'tests/install/tarball-install.test.ts']),
    },
  },
});
