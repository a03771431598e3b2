import { configDefaults, defineConfig } from 'vitest/config';
import { filesFirst, sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

const install = 'tests/install/**/*.test.ts';

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    ...sharedTestOptions,
    // The longest files first, whatever their size (a clean clone has no vitest timings and
    // runs the largest first). Timed 2026-11-30 at load 7-17: create-plugin 242 s,
    // accessibility-layout 167 s (the second smallest file: it started last, 429 s into a run
    // of 596 s), tarball-install 160 s, then 131, 117, 78 and 72 s; the rest 55 s or less.
    // In that order two at a time, those durations end at 611 s against 653 s with only the
    // install files first.
    sequence: {
      sequencer: filesFirst([
        'tests/install/create-plugin.test.ts',
        'tests/browser/accessibility-layout.test.ts',
        'tests/install/tarball-install.test.ts',
        'tests/browser/filters-search-facets.test.ts',
        'tests/browser/chinook-browser.test.ts',
        'tests/implementation/serve.test.ts',
        'tests/browser/data-browser.test.ts',
      ]),
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
        test: {
          name: 'e2e',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, install],
          // The demo database, made once for the run (fixtures/global-setup.ts).
          globalSetup: ['tests/fixtures/global-setup.ts'],
        },
      },
    ],
  },
});
