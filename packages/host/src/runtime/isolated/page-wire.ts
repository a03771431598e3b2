/**
 * How a page crosses from an isolated plugin's datasource to the host (`readPage`).
 *
 * When JSON carries the page exactly (json-wire.ts), the plugin's thread makes the rows
 * API's whole answer: the text of `{ ...page, versions }` with each row's version (the
 * host's `rowVersion`), and the page's other fields beside it; the host's page parses its
 * rows from that text only if something reads them (data/page-json.ts), and the rows API
 * sends the text as it came. One string crosses instead of the page's text plus an array of
 * 100 versions; the host's thread neither splices the versions in nor parses the rows.
 * Any other page (a bigint, bytes, a date) crosses by structured clone, with its versions
 * beside it when they could be computed.
 */
import type { Page, Row } from '@nocoflo/sdk';
import { pageFromAnswer } from '../../data/page-json.js';
import { attachPageVersions } from '../../data/page-versions.js';
import { jsonExact } from './json-wire.js';

/**
 * What `datasource(handle, 'readPage', …)` answers: `answer` (the rows API's answer text)
 * with `fields` (the page's own keys in order, `rows: null` in the rows' place), or the
 * page itself with its rows' versions (undefined when they could not be computed).
 */
export type PageWire =
  | { answer: string; fields: Record<string, unknown> }
  | { page: Page; versions: string[] | undefined };

/**
 * The versions of a page's rows; none when the page is malformed or a value cannot be
 * versioned (the host then decides, as it does for an inline datasource's page).
 */
function rowVersions(page: Page, versionOf: (row: Row) => string): string[] | undefined {
  if (!Array.isArray(page?.rows)) return undefined;
  try {
    return page.rows.map((row) => versionOf(row));
  } catch {
    return undefined;
  }
}

/** The page as it crosses, on the plugin's side (`versionOf`: the host's `rowVersion`). */
export function packPage(page: Page, versionOf: (row: Row) => string): PageWire {
  const versions = rowVersions(page, versionOf);
  if (versions === undefined || !jsonExact(page, 0) || Object.hasOwn(page, 'versions'))
    return { page, versions };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(page)) {
    if (key === '__proto__') return { page, versions };
    fields[key] = key === 'rows' ? null : (page as unknown as Record<string, unknown>)[key];
  }
  // One stringify writes the whole answer, flat (the string postMessage copies as it is).
  return { answer: JSON.stringify({ ...page, versions }), fields };
}

/** The page a {@link PageWire} carries, on the host's side. */
export function unpackPage(wire: PageWire): Page {
  if ('answer' in wire && typeof wire.answer === 'string')
    return pageFromAnswer(wire.answer, wire.fields ?? { rows: null });
  const { page, versions } = wire as { page: Page; versions: unknown };
  attachPageVersions(page, versions);
  return page;
}
