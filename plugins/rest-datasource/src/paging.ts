/**
 * Reading rows from a REST table page by page, in whichever pagination style its API has,
 * from a position to as many rows as wanted. Positions are what nocoflo's cursors carry.
 */
import { Errors, NocofloError, type Row } from '@nocoflo/sdk';
import Link from 'http-link-header';
import jsonpointer from 'jsonpointer';
import type { RestHttpClient } from './http.js';
import type { RestTable } from './table.js';

/**
 * Where a read starts. `o`: an absolute offset (page, offset and unpaginated APIs). `u`/`k`/`i`:
 * the URL of an API page (null: the first), rows to skip in it, and the absolute index of
 * its first unskipped row (cursor and Link-header APIs). `w`: an absolute index reached by
 * walking from the first page (going back on APIs that only link forward).
 */
export type Position = { o: number } | { u: string | null; k: number; i: number } | { w: number };

/** A read's rows and where the next one would start (null: the end). */
export interface Collected {
  /** The rows, in the API's order. */
  rows: Row[];
  /** Where the rows after these start, or null when there are none. */
  next: Position | null;
  /** Absolute index of the first row. */
  index: number;
  /** The API's total, when its spec points at one. */
  total?: number;
}

/** Everything a read needs besides its position and size. */
export interface ReadContext {
  /** The HTTP client (one origin, its credentials). */
  client: RestHttpClient;
  /** The API's base URL (path included). */
  base: URL;
  /** The table. */
  table: RestTable;
  /** Query parameters of the filters and sort. */
  params: readonly [string, string][];
  /** Aborts the read. */
  signal?: AbortSignal;
}

const MAX_PAGES = 100_000;

function fail(table: string, reason: string): never {
  throw NocofloError.create(Errors.DatasourceError, [`reading ${table}`, reason]);
}

function pageUrl(context: ReadContext, extra: readonly [string, string][]): URL {
  const url = new URL(context.base.href);
  const path = context.table.spec.path.replace(/^\//, '');
  url.pathname = `${url.pathname.replace(/\/$/, '')}/${path}`;
  url.search = '';
  for (const [name, value] of [...context.params, ...extra]) url.searchParams.append(name, value);
  return url;
}

function items(context: ReadContext, body: unknown, url: URL): unknown[] {
  const pointer = context.table.spec.rows;
  const found = pointer === '' ? body : jsonpointer.get(body as object, pointer);
  if (!Array.isArray(found)) {
    fail(
      context.table.name,
      `${url.pathname}${url.search} answered JSON without an array at ${JSON.stringify(pointer)} (the table spec's "rows" pointer)`,
    );
  }
  return found;
}

function total(context: ReadContext, body: unknown): number | undefined {
  const pointer = context.table.spec.total;
  if (pointer === undefined) return undefined;
  const value = Number(jsonpointer.get(body as object, pointer));
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The next page's URL of a cursor or Link-header API, or null on the last page. */
function nextUrl(context: ReadContext, url: URL, body: unknown, headers: Headers): URL | null {
  const pagination = context.table.spec.pagination;
  let next: string | null = null;
  if (pagination.style === 'link') {
    const header = headers.get('link');
    if (header) next = Link.parse(header).rel('next')[0]?.uri ?? null;
  } else if (pagination.style === 'cursor') {
    const value = jsonpointer.get(body as object, pagination.next) as unknown;
    if (value !== null && value !== undefined && value !== '') {
      if (pagination.cursorParam) {
        const following = pageUrl(context, sizeParam(context, null));
        following.searchParams.set(pagination.cursorParam, String(value));
        return following;
      }
      next = String(value);
    }
  }
  if (next === null) return null;
  const resolved = new URL(next, url);
  if (!context.client.sameOrigin(resolved)) {
    fail(
      context.table.name,
      `the API's next-page link points at ${resolved.host}, not the configured host; it is not followed, so no credentials leave the host`,
    );
  }
  return resolved;
}

function sizeParam(context: ReadContext, size: number | null): [string, string][] {
  const pagination = context.table.spec.pagination;
  if (size === null) return [];
  if ((pagination.style === 'cursor' || pagination.style === 'link') && pagination.sizeParam) {
    return [[pagination.sizeParam, String(Math.min(size, pagination.maxPageSize))]];
  }
  return [];
}

/** Reads up to `want` rows from `start`, across as many API pages as that takes. */
export async function collect(context: ReadContext, start: Position, want: number): Promise<Collected> {
  const style = context.table.spec.pagination.style;
  if ('w' in start) return walk(context, start.w, want);
  if (style === 'cursor' || style === 'link') {
    const position = 'u' in start ? start : { u: null, k: 0, i: 0 };
    return follow(context, position, want);
  }
  return byOffset(context, 'o' in start ? start.o : 0, want);
}

async function fetchItems(context: ReadContext, url: URL) {
  const response = await context.client.getJson(url, context.signal);
  return { response, list: items(context, response.body, response.url) };
}

/** Page, offset and unpaginated APIs: rows from an absolute offset. */
async function byOffset(context: ReadContext, offset: number, want: number): Promise<Collected> {
  const pagination = context.table.spec.pagination;
  const rows: Row[] = [];
  let apiTotal: number | undefined;
  if (pagination.style === 'none') {
    const { response, list } = await fetchItems(context, pageUrl(context, []));
    apiTotal = total(context, response.body) ?? list.length;
    for (const item of list.slice(offset, offset + want)) rows.push(context.table.read(item));
    const end = offset + rows.length;
    return { rows, next: end < list.length ? { o: end } : null, index: offset, total: apiTotal };
  }
  // Never more per request than the API gives (maxPageSize): a short page then means the
  // last page. Page-numbered APIs get pages of one size throughout a read, so page n
  // starts at n × size.
  const size = Math.min(want, pagination.maxPageSize);
  let position = offset;
  let more = true;
  for (let pages = 0; rows.length < want && pages < MAX_PAGES; pages++) {
    let url: URL;
    let skip = 0;
    let asked: number;
    if (pagination.style === 'page') {
      const page = Math.floor(position / size);
      skip = position - page * size;
      asked = size;
      url = pageUrl(context, [
        [pagination.pageParam, String(page + pagination.firstPage)],
        [pagination.sizeParam, String(size)],
      ]);
    } else if (pagination.style === 'offset') {
      asked = Math.min(want - rows.length, pagination.maxPageSize);
      url = pageUrl(context, [
        [pagination.offsetParam, String(position)],
        [pagination.limitParam, String(asked)],
      ]);
    } else {
      return fail(context.table.name, `pagination style ${pagination.style} does not page by offset`);
    }
    const { response, list } = await fetchItems(context, url);
    apiTotal ??= total(context, response.body);
    if (list.length > asked) {
      fail(
        context.table.name,
        `the API answered ${list.length} rows where ${asked} were asked for: check the page size parameter in the spec`,
      );
    }
    const taken = list.slice(skip, skip + (want - rows.length));
    for (const item of taken) rows.push(context.table.read(item));
    position += taken.length;
    if (list.length < asked) {
      more = false;
      if (apiTotal !== undefined && position < apiTotal) {
        fail(
          context.table.name,
          `the API answered ${list.length} rows where ${asked} were asked for, yet says it has ${apiTotal}: it caps its page size below maxPageSize (${pagination.maxPageSize}); lower maxPageSize in the spec`,
        );
      }
      break;
    }
  }
  if (apiTotal !== undefined) more = position < apiTotal;
  return {
    rows,
    next: more ? { o: position } : null,
    index: offset,
    ...(apiTotal !== undefined ? { total: apiTotal } : {}),
  };
}

/** Cursor and Link-header APIs: rows from a page URL, following the API's next links. */
async function follow(
  context: ReadContext,
  start: { u: string | null; k: number; i: number },
  want: number,
): Promise<Collected> {
  const rows: Row[] = [];
  let url: URL = start.u === null ? pageUrl(context, sizeParam(context, want)) : new URL(start.u);
  if (!context.client.sameOrigin(url)) {
    throw NocofloError.create(Errors.InvalidQuery, ['the cursor is not one this datasource produced']);
  }
  let skip = start.k;
  const seen = new Set<string>();
  let apiTotal: number | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    if (seen.has(url.href))
      fail(
        context.table.name,
        `the API's next-page link leads back to ${url.pathname}${url.search}: it repeats a page`,
      );
    seen.add(url.href);
    const { response, list } = await fetchItems(context, url);
    apiTotal ??= total(context, response.body);
    const taken = list.slice(skip, skip + (want - rows.length));
    for (const item of taken) rows.push(context.table.read(item));
    const next = nextUrl(context, response.url, response.body, response.headers);
    if (next !== null && next.href === response.url.href) {
      fail(
        context.table.name,
        `the API's next-page link is the page itself (${url.pathname}${url.search}): it repeats a page`,
      );
    }
    const consumed = skip + taken.length;
    if (rows.length >= want) {
      const index = start.i + rows.length;
      if (consumed < list.length) {
        return {
          rows,
          next: { u: url.href, k: consumed, i: index },
          index: start.i,
          ...(apiTotal !== undefined ? { total: apiTotal } : {}),
        };
      }
      return {
        rows,
        next: next ? { u: next.href, k: 0, i: index } : null,
        index: start.i,
        ...(apiTotal !== undefined ? { total: apiTotal } : {}),
      };
    }
    if (!next) break;
    url = next;
    skip = 0;
  }
  return { rows, next: null, index: start.i, ...(apiTotal !== undefined ? { total: apiTotal } : {}) };
}

/** Going back on forward-only APIs: from the first page, skip `index` rows, then read. */
async function walk(context: ReadContext, index: number, want: number): Promise<Collected> {
  if (index === 0) return follow(context, { u: null, k: 0, i: 0 }, want);
  // Skip in pages as large as the read: the rows skipped are read and dropped.
  let position: { u: string | null; k: number; i: number } = { u: null, k: 0, i: 0 };
  let remaining = index;
  while (remaining > 0) {
    const step = await follow(context, position, Math.min(remaining, Math.max(want, 100)));
    remaining -= step.rows.length;
    if (!step.next || !('u' in step.next)) return { rows: [], next: null, index };
    position = step.next;
    if (step.rows.length === 0) break;
  }
  return follow(context, position, want);
}
