/**
 * Datasette-style facets: for a few low-cardinality columns, how many of the page's rows
 * (under its filter and search) hold each value, counted by the database; a value links to
 * the page with that value added as a condition, combined as the page's conditions are
 * (all or any, as the person chose).
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
  /** Rows holding it. */
  count: number;
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
    const values = rows.slice(0, FACET_VALUES_SHOWN).map((row): FacetValue => {
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
      return { value, count: Number(row.n ?? 0), href, selected: at >= 0 };
    });
    facets.push({ column, distinct: rows.length, values });
  }
  return facets;
}

/** The facets as a list of columns, each with its values as links and their counts. */
export function renderFacets(facets: readonly Facet[]): SafeHtml {
  if (facets.length === 0) return html``;
  const sections = facets.map((facet) => {
    const items = facet.values.map((v) => {
      const label =
        v.value === null ? html`<span class="ncf-null">NULL</span>` : formatCell(v.value, facet.column.type);
      const current =
        v.selected && html` aria-current="true" class="ncf-facet-selected" title="Remove this condition"`;
      return html`<li><a href="${v.href}" data-facet-value${current}>${label}</a> <span class="ncf-facet-count">${v.count.toLocaleString('en-US')}</span></li>`;
    });
    const more =
      facet.distinct > facet.values.length &&
      html`<li class="ncf-facet-more">… ${facet.distinct - facet.values.length} more</li>`;
    return html`<section class="ncf-facet" data-facet="${facet.column.name}"><h2>${facet.column.name}</h2><ul>${items}${more}</ul></section>`;
  });
  return html`<div class="ncf-facets" role="navigation" aria-label="Facets">${sections}</div>`;
}
