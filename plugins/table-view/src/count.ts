/**
 * How many rows the table (or the filter) has: counted exactly by the database when that is
 * cheap, or the database's own estimate, marked as one, when the table is too large to count
 * on every page view.
 */
import type { FilterCondition, TableSchema, ViewDataAccess } from '@nocoflo/sdk';

/** Tables estimated at this many rows or more are not counted on each page view. */
export const EXACT_COUNT_LIMIT = 1_000_000;

/** A row count, and whether it is exact. */
export interface RowCount {
  /** The number of rows. */
  rows: number;
  /** False when the number is the database's estimate. */
  exact: boolean;
}

/**
 * Counts the rows a page's filter matches. Undefined when no count is cheap and the database
 * keeps no estimate (a filtered read of a very large table).
 */
export async function countRows(
  data: ViewDataAccess,
  table: TableSchema,
  filter: readonly FilterCondition[] | undefined,
  pageEstimate: number | undefined,
  search?: string,
): Promise<RowCount | undefined> {
  const estimate = table.rowCountEstimate;
  if (estimate !== undefined && estimate >= EXACT_COUNT_LIMIT) {
    if (filter?.length || search)
      return pageEstimate === undefined ? undefined : { rows: pageEstimate, exact: false };
    return { rows: estimate, exact: false };
  }
  const result = await data.aggregate(table.name, {
    measures: [{ fn: 'count', as: 'rows' }],
    ...(filter?.length ? { filter } : {}),
    ...(search ? { search } : {}),
  });
  return { rows: Number(result.rows[0]?.rows ?? 0), exact: true };
}

/** "1 row", "3,412 rows", "≈ 2.1 million rows (estimate)", with "match" for a filter. */
export function describeCount(count: RowCount | undefined, shown: number, filtered: boolean): string {
  if (count === undefined)
    return `${shown.toLocaleString('en-US')} ${shown === 1 ? 'row' : 'rows'} on this page`;
  const noun = count.rows === 1 ? 'row' : 'rows';
  const verb = filtered ? (count.rows === 1 ? ' matches' : ' match') : '';
  const number = count.rows.toLocaleString('en-US');
  return count.exact ? `${number} ${noun}${verb}` : `≈ ${number} ${noun}${verb} (estimate)`;
}
