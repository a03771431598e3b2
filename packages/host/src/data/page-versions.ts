/**
 * Row versions that came with a page, so the rows API need not compute them again. An
 * isolated datasource's page arrives with the version of each of its rows: inside the rows
 * API's answer text when JSON carries the page (read from the rows' text on the host's
 * thread, data/page-json.ts), else beside the page (computed in the plugin's own thread or
 * process with the host's `rowVersion`).
 *
 * A page's versions only tell a client which version it saw; they never decide a write on
 * their own: every write reads the current row and compares the version the client sent
 * with the version the host computes for that row (row-writes.ts). So a plugin that sent
 * wrong versions could only make writes to its own rows fail with 409.
 */
import type { Page } from '@nocoflo/sdk';
import { pageAnswer } from './page-json.js';

const known = new WeakMap<Page, readonly string[]>();

/** Records versions that came with `page` (ignored unless one string per row). */
export function attachPageVersions(page: Page, versions: unknown): void {
  if (
    Array.isArray(versions) &&
    Array.isArray(page?.rows) &&
    versions.length === page.rows.length &&
    versions.every((v) => typeof v === 'string')
  ) {
    known.set(page, versions as string[]);
  }
}

/**
 * The versions that came with `page`, if any. The rows API does not ask for the versions of
 * a page that came with its answer text (it sends the text); any other reader gets them read
 * from that text.
 */
export function pageVersions(page: Page): readonly string[] | undefined {
  const versions = known.get(page);
  if (versions !== undefined) return versions;
  const answer = pageAnswer(page);
  if (answer === undefined) return undefined;
  attachPageVersions(page, (JSON.parse(answer) as { versions?: unknown }).versions);
  return known.get(page);
}
