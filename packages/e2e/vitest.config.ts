import { configDefaults, defineConfig } from 'vitest/config';
import { filesFirst, sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

const install = 'tests/install/**/*.test.ts';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    ...sharedTestOptions,
    // The install files are the suite's longest (npm installs, builds and test runs of their
    // own) and among its smallest, so a clean clone ran them after the browser files: they
    // start first, each beside the browser files in turn.
    sequence: {
      sequencer: filesFirst(['tests/install/create-plugin.test.ts', 'tests/install/tarball-install.test.ts']),
    },
    // The install files are a project of their own for their global setup, which packs the
    // workspace once for both of them; vitest runs it only when an install file runs.
    projects: [
      {
        extends: true,
        test: { name: 'install', include: [install], globalSetup: ['tests/install/global-setup.ts'] },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['tests/**/*.test.ts'], exclude: [...configDefaults.exclude, install] },
      },
    ],
  },
});
