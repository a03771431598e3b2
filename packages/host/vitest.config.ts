import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { sharedTestOptions, workspaceAliases } from '../../vitest.shared.js';

const ALL = 'tests/**/*.test.ts';

/**
 * The test files that open PostgreSQL stores or databases, found by what they import or name
 * (so a new file joins its group by itself).
 */
function postgresFiles(): string[] {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const uses = /POSTGRES_URL|postgresAvailable|NOCOFLO_PG_URL|postgres:\/\//;
  return (readdirSync(join(here, 'tests'), { recursive: true }) as string[])
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => join('tests', file).split('\\').join('/'))
    .filter((file) => uses.test(readFileSync(join(here, file), 'utf8')))
    .sort();
}

const postgres = postgresFiles();

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    ...sharedTestOptions,
    // Two groups that run side by side. The PostgreSQL files run one at a time among
    // themselves: with two at once, a PostgreSQL store's freshly created schema was once
    // reported missing while another file's store tests ran (crash-safety.test.ts, under
    // heavy load), and until that race is understood they do not overlap. The other files
    // (isolation, web, unit: temp folders, SQLite, in-process servers) run two at a time
    // beside them, as every other package's do, so the host's suite is not one long queue.
    projects: [
      { extends: true, test: { name: 'postgres', include: postgres, maxWorkers: 1 } },
      { extends: true, test: { name: 'host', include: [ALL], exclude: postgres, maxWorkers: 2 } },
    ],
  },
});
