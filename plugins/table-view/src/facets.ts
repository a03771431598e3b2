/**
 * Datasette-style facets: for a few low-cardinality columns, the values the page's rows (under
 * its filter and search) hold, most frequent first; a value links to the page with that value
 * added as a condition, combined as the page's conditions are (all or any, as the person chose).
 *
 * Each count is what a click on the value shows, counted by the database. Under "all
 * conditions" (or no condition) that is the rows of the page holding the value. Under "any
 * condition" a click adds the value as one more alternative, so it shows the page's rows plus
 * every other row holding the value (searched, when a search applies): |F| + |V| − |F ∩ V|,
 * with |V| counted by one more grouped query per facet. A value already applied is a link
 * that removes it; its count is the rows of the page holding it, and says so.
 */
import {
  type CellValue,
  type ColumnSchema,
  type FilterCondition,
  html,
  isNocofloError,
  type SafeHtml,
  type TableSchema,
  type UrlFilter,
  type ViewDataAccess,
  type ViewUrls,
} from '@nocoflo/sdk';
import type { RowCount } from './count.js';
import { formatCell } from './format.js';
import { pageHref, type TableViewState } from './params.js';

/** A column with more distinct values than this (under the filter) gets no facet. */
export const MAX_FACET_CARDINALITY = 30;

/** Values listed per facet (the most frequent first). */
export const FACET_VALUES_SHOWN = 10;

/** Columns examined for facets, and facets shown, at most. */
const MAX_CANDIDATES = 8;
const MAX_FACETS = 4;

/** One value of a facet. */
export interface FacetValue {
  /** The value (NULL for the bucket of NULLs). */
  value: CellValue;
  /**
   * For a value not applied, the rows a click shows (see the module's comment); for an
   * applied one, the page's rows holding it; `undefined` when the datasource could not count it.
   */
  count: number | undefined;
  /** The page with this value added to the filter (or, when applied, removed). */
  href: string;
  /** Whether the filter already holds `column = value`. */
  selected: boolean;
}

/** A facet: a column and its most frequent values. */
export interface Facet {
  /** The column. */
  column: ColumnSchema;
  /** Distinct values under the filter. */
  distinct: number;
  /** The most frequent values, at most {@link FACET_VALUES_SHOWN}. */
  values: FacetValue[];
  /** How the page's conditions combine, which decides what a count means. */
  match: 'all' | 'any';
}

/**
 * The columns worth a facet, best first: enums and booleans, then text and integer foreign-key
 * columns; never key, binary, JSON, float or time columns (nearly unique, or not groupable).
 */
export function facetCandidates(table: TableSchema): ColumnSchema[] {
  const fkColumns = new Set(
    table.foreignKeys.filter((fk) => fk.columns.length === 1).map((fk) => fk.columns[0]),
  );
  const rank = (column: ColumnSchema): number => {
    if (table.primaryKey.includes(column.name)) return -1;
    if (column.type === 'enum' || column.type === 'boolean') return 3;
    if (fkColumns.has(column.name)) return 2;
    if (column.type === 'text') return 1;
    return -1;
  };
  return table.columns
    .map((column) => ({ column, rank: rank(column) }))
    .filter((c) => c.rank > 0)
    .sort((a, b) => b.rank - a.rank)
    .slice(0, MAX_CANDIDATES)
    .map((c) => c.column);
}

/** The URL text of a value (as the filter form would hold it). */
function valueText(value: CellValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A map key for a value as the database gave it back (NULL, numbers and text kept apart). */
const countKey = (value: CellValue): string =>
  value === null ? 'null' : `${typeof value}:${valueText(value)}`;

/**
 * How many rows of the whole table (under the search, not the filter) hold each of these
 * values of `column`: one grouped count. `undefined` when the datasource refuses it (the
 * counts are then left out rather than shown wrong).
 */
async function countEverywhere(
  data: ViewDataAccess,
  table: TableSchema,
  column: ColumnSchema,
  rows: readonly Record<string, CellValue>[],
  search: string | undefined,
): Promise<Map<string, number> | undefined> {
  const values = rows.map((row) => row.value ?? null);
  const present = values.filter((v) => v !== null);
  const alternatives: FilterCondition[] = [];
  if (present.length > 0) alternatives.push({ column: column.name, op: 'in', value: present });
  if (present.length < values.length) alternatives.push({ column: column.name, op: 'isNull' });
  try {
    const { rows: counted } = await data.aggregate(table.name, {
      groupBy: [{ column: column.name, as: 'value' }],
      measures: [{ fn: 'count', as: 'n' }],
      filter: alternatives.length === 1 ? alternatives : [{ or: alternatives }],
      ...(search ? { search } : {}),
    });
    return new Map(counted.map((row) => [countKey(row.value ?? null), Number(row.n ?? 0)]));
  } catch (error) {
    if (isNocofloError(error)) return undefined;
    throw error;
  }
}

/**
 * Counts the facets of the page: only when its rows were counted exactly (a cheap table),
 * one grouped count per candidate column, under the page's filter and search.
 */
export async function readFacets(
  data: ViewDataAccess,
  table: TableSchema,
  state: TableViewState,
  urls: ViewUrls,
  filter: readonly FilterCondition[] | undefined,
  search: string | undefined,
  count: RowCount | undefined,
): Promise<Facet[]> {
  if (!count?.exact || count.rows === 0) return [];
  const facets: Facet[] = [];
  for (const column of facetCandidates(table)) {
    if (facets.length >= MAX_FACETS) break;
    let rows: Record<string, CellValue>[];
    try {
      ({ rows } = await data.aggregate(table.name, {
        groupBy: [{ column: column.name, as: 'value' }],
        measures: [{ fn: 'count', as: 'n' }],
        sort: [{ column: 'n', direction: 'desc' }],
        limit: MAX_FACET_CARDINALITY + 1,
        ...(filter?.length ? { filter } : {}),
        ...(search ? { search } : {}),
      }));
    } catch (error) {
      if (isNocofloError(error)) return facets; // a datasource that cannot group: no facets
      throw error;
    }
    const applied = state.filter.filters;
    // A facet whose value is applied stays, even with that one value left: it is where the
    // user sees the condition and removes it again.
    const isApplied = applied.some((f) => f.column === column.name && (f.op === 'eq' || f.op === 'isNull'));
    if (rows.length === 0 || rows.length > MAX_FACET_CARDINALITY) continue;
    if (!isApplied && (rows.length < 2 || rows.length >= count.rows)) continue;
    const shown = rows.slice(0, FACET_VALUES_SHOWN);
    // Under "any condition" with conditions applied, a click widens the page: count each
    // value's rows in the whole table too (under the search), to add what it brings.
    const widening = state.filter.match === 'any' && Boolean(filter?.length);
    const everywhere = widening ? await countEverywhere(data, table, column, shown, search) : undefined;
    const values = shown.map((row): FacetValue => {
      const value = row.value ?? null;
      const condition: UrlFilter =
        value === null
          ? { column: column.name, op: 'isNull', value: '' }
          : { column: column.name, op: 'eq', value: valueText(value) };
      const at = applied.findIndex(
        (f) => f.column === condition.column && f.op === condition.op && f.value === condition.value,
      );
      const filters = at >= 0 ? applied.filter((_, i) => i !== at) : [...applied, condition];
      // The person's all/any stays as chosen: a facet adds a condition, it does not turn
      // "any" into "all" for the conditions already there.
      const href = pageHref(urls.page, { ...state, filter: { ...state.filter, filters }, cursor: undefined });
      const onPage = Number(row.n ?? 0);
      let shows: number | undefined = onPage;
      if (widening && at < 0) {
        const all = everywhere?.get(countKey(value));
        shows = all === undefined ? undefined : count.rows + all - onPage;
      }
      return { value, count: shows, href, selected: at >= 0 };
    });
    facets.push({ column, distinct: rows.length, values, match: widening ? 'any' : 'all' });
  }
  return facets;
}

/** What the counts of the facets mean, said once above them (see the module's comment). */
function countsNote(facets: readonly Facet[]): SafeHtml {
  return facets.some((f) => f.match === 'any')
    ? html`<p class="ncf-facet-note">Rows match any condition: clicking a value adds it as one more alternative, and its count is the rows the page then shows.</p>`
    : html`<p class="ncf-facet-note">Each count is the rows clicking the value shows.</p>`;
}

/** One value's count, with what it counts in its title; a dash when it could not be counted. */
function renderCount(v: FacetValue): SafeHtml {
  if (v.count === undefined)
    return html`<span class="ncf-facet-count" title="Not counted (the datasource refused the count)">–</span>`;
  const n = v.count.toLocaleString('en-US');
  const title = v.selected
    ? `${n} ${v.count === 1 ? 'row' : 'rows'} shown hold this value`
    : `${n} ${v.count === 1 ? 'row' : 'rows'} shown after clicking`;
  return html`<span class="ncf-facet-count" title="${title}">${n}</span>`;
}

/** The facets as a list of columns, each with its values as links and their counts. */
export function renderFacets(facets: readonly Facet[]): SafeHtml {
  if (facets.length === 0) return html``;
  const sections = facets.map((facet) => {
    const items = facet.values.map((v) => {
      // NULL and the empty text each get a visible name: a link must have words to be followed.
      const label =
        v.value === null
          ? html`<span class="ncf-null">NULL</span>`
          : v.value === ''
            ? html`<span class="ncf-null" title="empty text">empty</span>`
            : formatCell(v.value, facet.column.type);
      const current =
        v.selected && html` aria-current="true" class="ncf-facet-selected" title="Remove this condition"`;
      return html`<li><a href="${v.href}" data-facet-value${current}>${label}</a> ${renderCount(v)}</li>`;
    });
    const more =
      facet.distinct > facet.values.length &&
      html`<li class="ncf-facet-more">… ${facet.distinct - facet.values.length} more</li>`;
    return html`<section class="ncf-facet" data-facet="${facet.column.name}"><h2>${facet.column.name}</h2><ul>${items}${more}</ul></section>`;
  });
  return html`<div class="ncf-facets" role="navigation" aria-label="Facets" data-match="${facets.some((f) => f.match === 'any') ? 'any' : 'all'}">${countsNote(facets)}${sections}</div>`;
}
