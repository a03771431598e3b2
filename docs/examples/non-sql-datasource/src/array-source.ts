/**
 * The read path of a datasource whose rows do not come from SQL (an API's JSON, a CSV
 * file, a spreadsheet), here held in an array: the SDK's helpers validate the options,
 * make the order total, and make and check the cursors, so it answers exactly like the SQL
 * datasources do.
 */
import {
  type CellValue,
  Errors,
  type Filter,
  type FilterCondition,
  type FilterOperator,
  isFilterGroup,
  matchesText,
  NocofloError,
  type Page,
  type ReadPageOptions,
  type Row,
  type TableSchema,
} from '@nocoflo/sdk';
import {
  boundedInteger,
  decodeCursor,
  encodeCursor,
  invalidQuery,
  requireColumn,
  resolveSortKeys,
  selectedColumns,
  sortFingerprint,
  validateValue,
} from '@nocoflo/sdk/sql';

/** The filters this source can apply; declare them in the datasource's `capabilities.filterOperators`. */
export const ARRAY_FILTERS: readonly FilterOperator[] = [
  'eq',
  'isNull',
  'isNotNull',
  'contains',
  'startsWith',
  'endsWith',
];

/** Orders two cells as nocoflo does: NULL first, numbers (bigints too) by value, text by code point. */
export function compareCells(a: CellValue, b: CellValue): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const x = typeof a === 'object' ? JSON.stringify(a) : a;
  const y = typeof b === 'object' ? JSON.stringify(b) : b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether a row passes one filter. Column and operand are checked like the SQL datasources check them. */
function matches(schema: TableSchema, row: Row, filter: Filter): boolean {
  const column = requireColumn(schema, filter.column); // NCF_COLUMN_NOT_FOUND
  const value = row[column.name] ?? null;
  switch (filter.op) {
    case 'isNull':
      return value === null;
    case 'isNotNull':
      return value !== null;
    case 'eq': {
      // "42" for an integer column becomes 42; "abc" is NCF_INVALID_VALUE naming the column.
      const operand = validateValue(schema.name, column, filter.value);
      return operand === null ? value === null : value !== null && compareCells(value, operand) === 0;
    }
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      if (typeof filter.value !== 'string') invalidQuery(`${filter.op} needs a string`);
      return typeof value === 'string' && matchesText(filter.op, value, filter.value, filter.caseSensitive);
    default:
      // What the source cannot do, it refuses; it never answers over part of the data.
      throw NocofloError.create(Errors.Unsupported, [
        schema.name,
        `the ${filter.op} filter`,
        `Filter with ${ARRAY_FILTERS.join(', ')}.`,
      ]);
  }
}

/** Whether a row satisfies a filter entry: one condition, or an `or` / `and` group of them. */
function holds(schema: TableSchema, row: Row, condition: FilterCondition): boolean {
  if (!isFilterGroup(condition)) return matches(schema, row, condition);
  return 'or' in condition
    ? condition.or.some((c) => holds(schema, row, c))
    : condition.and.every((c) => holds(schema, row, c));
}

/** One page of `rows` (every row of the table), as `Datasource.readPage` answers it. */
export function readArrayPage(
  schema: TableSchema,
  rows: readonly Row[],
  options: ReadPageOptions = {},
): Page {
  const limit = boundedInteger(options.limit, 'limit', 100, 1, 10_000); // NCF_INVALID_QUERY outside 1–10,000
  const columns = selectedColumns(schema, options.columns); // requested columns plus the key
  // The requested sort, then the primary key: a total order, so cursors never skip or repeat.
  const keys = resolveSortKeys(schema, options.sort);
  const fingerprint = sortFingerprint(keys);
  const position = (row: Row): CellValue[] => keys.map((key) => row[key.column.name] ?? null);
  const order = (a: readonly CellValue[], b: readonly CellValue[]): number => {
    for (const [i, key] of keys.entries()) {
      const c = compareCells(a[i] ?? null, b[i] ?? null);
      if (c !== 0) return key.direction === 'asc' ? c : -c;
    }
    return 0;
  };
  const filters = options.filter ?? [];
  const sorted = rows
    .filter((row) => filters.every((filter) => holds(schema, row, filter)))
    .sort((a, b) => order(position(a), position(b)));

  // A cursor is the sort-key values of the row a page ended at: opaque, exact for bigint and
  // bytes, and refused (NCF_INVALID_QUERY) when forged or made under another sort.
  const cursor = options.cursor ? decodeCursor(options.cursor, fingerprint) : null;
  let start = 0;
  if (cursor?.direction === 'after') {
    const next = sorted.findIndex((row) => order(position(row), cursor.values) > 0);
    start = next === -1 ? sorted.length : next;
  } else if (cursor?.direction === 'before') {
    const at = sorted.findIndex((row) => order(position(row), cursor.values) >= 0);
    start = Math.max(0, (at === -1 ? sorted.length : at) - limit);
  }
  const page = sorted.slice(start, start + limit);
  const first = page[0];
  const last = page.at(-1);
  const cursorAt = (row: Row, direction: 'after' | 'before') =>
    encodeCursor({ direction, values: position(row), sort: fingerprint });
  return {
    rows: page.map((row) => Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null]))),
    nextCursor: last && start + page.length < sorted.length ? cursorAt(last, 'after') : null,
    prevCursor: first && start > 0 ? cursorAt(first, 'before') : null,
    estimatedTotal: sorted.length,
  };
}
