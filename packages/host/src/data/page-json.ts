/**
 * The JSON text a page crossed from an isolated plugin in, so the rows API can answer with
 * it instead of writing the page again on the host's thread.
 *
 * A worker or process plugin's page crosses as the text of `JSON.stringify(page)` when JSON
 * carries it exactly (runtime/isolated/json-wire.ts: no bigint, bytes, dates or class
 * instances). The host parses it once for whoever reads the page, and keeps the text beside
 * the page object. The rows API's answer is that page with its rows' versions; it is the
 * same text as the host would write for the parsed page (`toJson` of a page JSON can carry
 * exactly is `JSON.stringify`), so the answer splices the versions into the text.
 *
 * The data hooks never see a page's rows (only its row count), and the rows API is the only
 * holder of the page object it asks for, so nothing changes the page between the two.
 */
import type { Page } from '@nocoflo/sdk';

const texts = new WeakMap<Page, string>();

/** Records the JSON text `page` was parsed from. */
export function attachPageJson(page: Page, json: string): void {
  if (page !== null && typeof page === 'object') texts.set(page, json);
}

/**
 * The JSON text of `{ ...page, versions }` made from the text `page` came in, or undefined
 * when there is none (an inline datasource, a page JSON could not carry) or the text is not
 * a plain JSON object, or the page has a `versions` key of its own.
 */
export function pageJsonWithVersions(page: Page, versions: readonly string[]): string | undefined {
  const json = texts.get(page);
  if (
    json === undefined ||
    json[0] !== '{' ||
    json[json.length - 1] !== '}' ||
    Object.hasOwn(page, 'versions')
  )
    return undefined;
  const tail = `"versions":${JSON.stringify(versions)}}`;
  return json.length === 2 ? `{${tail}` : `${json.slice(0, -1)},${tail}`;
}
