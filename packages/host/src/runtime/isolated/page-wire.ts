/**
 * How a page crosses from an isolated plugin's datasource to the host (`readPage`).
 *
 * When JSON carries the page exactly (json-wire.ts), the plugin's thread writes it as one
 * text, `JSON.stringify(page)`, and the page's other fields cross beside it. The host's
 * thread adds the rows' versions (the host's `rowVersion` of each row) read from the rows'
 * text itself (`rowVersionsOfJson`, no parse), and the rows API sends `{ ...page, versions }`
 * as it came; the host's page parses its rows from that text only if something reads them
 * (data/page-json.ts). The versions are made on the host's thread because the plugin's thread
 * is the busier one of the two: it also runs the database driver and writes the text.
 * Any other page (a bigint, bytes, a date) crosses by structured clone, with its versions
 * beside it when they could be computed.
 */
import { type Page, type Row, rowVersionsOfJson } from '@nocoflo/sdk';
import { pageFromAnswer } from '../../data/page-json.js';
import { attachPageVersions } from '../../data/page-versions.js';
import { jsonExact } from './json-wire.js';

/**
 * What `datasource(handle, 'readPage', …)` answers: `text` (the page as `JSON.stringify`
 * writes it) with `fields` (the page's own keys in order, `rows: null` in the rows' place),
 * or the page itself with its rows' versions (undefined when they could not be computed).
 */
export type PageWire =
  | { text: string; fields: Record<string, unknown> }
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
  if (!Array.isArray(page?.rows) || !jsonExact(page, 0) || Object.hasOwn(page, 'versions'))
    return { page, versions: rowVersions(page, versionOf) };
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(page)) {
    if (key === '__proto__') return { page, versions: rowVersions(page, versionOf) };
    fields[key] = key === 'rows' ? null : (page as unknown as Record<string, unknown>)[key];
  }
  // One stringify writes the whole page, flat (the string postMessage copies as it is).
  return { text: JSON.stringify(page), fields };
}

/** How the text of a page whose first field is `rows` begins. */
const ROWS_FIRST = '{"rows":';

/**
 * The rows API's answer for a page's text: `{ ...page, versions }` as `JSON.stringify`
 * writes it, the versions read from the rows' text. Undefined when the text is not laid out
 * as the fields say (the rows first, the other fields after them, as the SQL datasources
 * answer): the page is then parsed instead.
 */
function answerWithVersions(text: string, fields: Readonly<Record<string, unknown>>): string | undefined {
  if (!text.startsWith(ROWS_FIRST)) return undefined;
  const keys = Object.keys(fields);
  if (keys[0] !== 'rows') return undefined;
  const rest: Record<string, unknown> = {};
  for (let k = 1; k < keys.length; k++) rest[keys[k] as string] = fields[keys[k] as string];
  // What JSON.stringify wrote after the rows: the same fields, the same values.
  const after = JSON.stringify(rest);
  const tail = after.length === 2 ? '}' : `,${after.slice(1)}`;
  if (text.length < ROWS_FIRST.length + tail.length || !text.endsWith(tail)) return undefined;
  // Read where the rows stand: a slice of the text would be read through V8's indirection.
  const versions = rowVersionsOfJson(text, ROWS_FIRST.length, text.length - tail.length);
  return `${text.slice(0, -1)},"versions":${versionsJson(versions)}}`;
}

/**
 * `JSON.stringify(versions)` for row versions, which are a base-36 text between quotes
 * (`"1k9x…"`, rowVersion's form), so each is written `"\"1k9x…\""` without a scan for what
 * to escape: a third of what JSON.stringify spends on them, on every page the host answers.
 */
function versionsJson(versions: readonly string[]): string {
  let json = '[';
  for (let i = 0; i < versions.length; i++)
    json += `${i === 0 ? '' : ','}"\\${(versions[i] as string).slice(0, -1)}\\""`;
  return `${json}]`;
}

/** The page a {@link PageWire} carries, on the host's side. */
export function unpackPage(wire: PageWire): Page {
  if ('text' in wire && typeof wire.text === 'string') {
    const fields = wire.fields ?? { rows: null };
    let answer: string | undefined;
    try {
      answer = answerWithVersions(wire.text, fields);
    } catch {
      // Rows that are not JSON's rows: the parse below says what is wrong with the text.
    }
    // A page laid out otherwise is parsed, and versioned as an inline datasource's page is.
    return answer === undefined ? (JSON.parse(wire.text) as Page) : pageFromAnswer(answer, fields);
  }
  const { page, versions } = wire as { page: Page; versions: unknown };
  attachPageVersions(page, versions);
  return page;
}
