/**
 * The demo database `nocoflo serve` shows when it is given no datasource URL.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoOptions, type DemoSummary, generateDemoDatabase } from './generate.js';

export { type DemoOptions, type DemoSummary, generateDemoDatabase } from './generate.js';

/** File name of the demo database inside the host's data folder. */
export const DEMO_FILE_NAME = 'demo.sqlite';

/** Where the demo database lives and whether this call created it. */
export interface EnsuredDemo {
  /** Absolute path of the SQLite file. */
  path: string;
  /** The row counts, when this call created the file; undefined when it already existed. */
  created: DemoSummary | undefined;
}

/**
 * Returns the demo database in `dataDir`, creating it the first time. An existing file is
 * kept as it is, edits included.
 */
export function ensureDemoDatabase(dataDir: string, options?: DemoOptions): EnsuredDemo {
  const path = join(dataDir, DEMO_FILE_NAME);
  if (existsSync(path)) return { path, created: undefined };
  return { path, created: generateDemoDatabase(path, options) };
}
