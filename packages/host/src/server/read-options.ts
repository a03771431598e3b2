/**
 * Query-string parameters of `GET …/rows` turned into `ReadPageOptions`:
 *
 * - `limit`: 1–10,000 (default 100);
 * - `cursor`: a cursor from a previous page;
 * - `sort`: `column` or `column:desc`, several separated by commas, or a JSON array of
 *   `{ column, direction }`;
 * - `filter`: a JSON array of `{ column, op, value }` and groups `{ "or": [...] }` /
 *   `{ "and": [...] }` (nested; the array's entries all hold);
 * - `q` (or `search`): quick-search text, every word found in one of the table's text
 *   columns (through its full-text index when it has one);
 * - `columns`: column names separated by commas.
 */
import {
  type Datasource,
  Errors,
  FILTER_OPERATORS,
  type Filter,
  type FilterCondition,
  MAX_FILTER_DEPTH,
  NocofloError,
  type ReadPageOptions,
  type SortSpec,
} from '@nocoflo/sdk';

type Query = Record<string, string | string[] | undefined>;

const single = (query: Query, name: string): string | undefined => {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
};

/**
 * The query parameter `name` (its last value when repeated) as one of `allowed`, or
 * `fallback` when absent; anything else is a 400 that lists the choices.
 */
export function queryChoice<T extends string>(
  query: Query,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = single(query, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw NocofloError.create(Errors.BadRequest, [`"${name}" must be one of ${allowed.join(', ')}`]);
  }
  return value as T;
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw NocofloError.create(Errors.BadRequest, [`"${name}" is not valid JSON`]);
  }
}

function parseSort(text: string): SortSpec[] {
  if (text.trim().startsWith('[')) {
    const value = parseJson('sort', text);
    if (!Array.isArray(value)) throw NocofloError.create(Errors.BadRequest, ['"sort" must be a JSON array']);
    return value.map((item) => {
      const spec = item as Partial<SortSpec>;
      if (
        typeof spec?.column !== 'string' ||
        (spec.direction !== undefined && spec.direction !== 'asc' && spec.direction !== 'desc')
      ) {
        throw NocofloError.create(Errors.BadRequest, [
          'each sort entry needs "column" and a "direction" of asc or desc',
        ]);
      }
      return { column: spec.column, direction: spec.direction ?? 'asc' };
    });
  }
  return text
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const m = /^(.*?)(?::(asc|desc))?$/.exec(part);
      return { column: m?.[1] ?? part, direction: (m?.[2] as SortSpec['direction']) ?? 'asc' };
    });
}

/** One entry of `filter`: a condition, or a group of them (checked to `MAX_FILTER_DEPTH`). */
function parseCondition(item: unknown, depth: number): FilterCondition {
  const group = item as { or?: unknown; and?: unknown } | null;
  if (group && typeof group === 'object' && !('column' in group) && ('or' in group || 'and' in group)) {
    const members = 'or' in group ? group.or : group.and;
    if (!Array.isArray(members) || ('or' in group && 'and' in group) || depth >= MAX_FILTER_DEPTH) {
      throw NocofloError.create(Errors.BadRequest, [
        `a filter group is { "or": [...] } or { "and": [...] }, nested at most ${MAX_FILTER_DEPTH} levels`,
      ]);
    }
    const parsed = members.map((member) => parseCondition(member, depth + 1));
    return 'or' in group ? { or: parsed } : { and: parsed };
  }
  const f = item as Partial<Filter>;
  if (typeof f?.column !== 'string' || !FILTER_OPERATORS.includes(f.op as never)) {
    throw NocofloError.create(Errors.BadRequest, [
      `each filter needs "column" and "op" (one of ${FILTER_OPERATORS.join(', ')}), or is a group { "or": [...] } / { "and": [...] }`,
    ]);
  }
  return f as Filter;
}

function parseFilter(text: string): FilterCondition[] {
  const value = parseJson('filter', text);
  if (!Array.isArray(value)) throw NocofloError.create(Errors.BadRequest, ['"filter" must be a JSON array']);
  return value.map((item) => parseCondition(item, 1));
}

/** Parses the read parameters; throws `NCF_BAD_REQUEST` naming the bad one. */
export function readOptionsFromQuery(query: Query): ReadPageOptions {
  const options: ReadPageOptions = {};
  const limit = single(query, 'limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) {
      throw NocofloError.create(Errors.BadRequest, ['"limit" must be a whole number from 1 to 10000']);
    }
    options.limit = n;
  }
  const cursor = single(query, 'cursor');
  if (cursor) options.cursor = cursor;
  const sort = single(query, 'sort');
  if (sort) options.sort = parseSort(sort);
  const filter = single(query, 'filter');
  if (filter) options.filter = parseFilter(filter);
  const search = single(query, 'q') ?? single(query, 'search');
  if (search !== undefined && search.trim() !== '') options.search = search;
  const columns = single(query, 'columns');
  if (columns) options.columns = columns.split(',').filter(Boolean);
  return options;
}

/**
 * Refuses (`NCF_UNSUPPORTED`) a search the datasource does not say it can run, rather than
 * letting it pass unseen and answer every row.
 */
export function checkSearchSupport(datasource: Datasource, options: { search?: string }): void {
  if (options.search !== undefined && datasource.capabilities.search !== true) {
    throw NocofloError.create(Errors.Unsupported, [
      datasource.url,
      'search',
      'Filter on a column instead (`filter=[{"column":…,"op":"contains","value":…}]`).',
    ]);
  }
}
