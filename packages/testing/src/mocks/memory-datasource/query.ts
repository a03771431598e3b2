/**
 * Filtering, ordering and keyset paging over the rows of one memory table, with the
 * SDK's semantics: SQL NULL logic, NULLs smallest, the primary key as final tiebreak.
 */
import {
  type CellValue,
  type ColumnSchema,
  Errors,
  FILTER_OPERATORS,
  type Filter,
  type FilterCondition,
  isFilterGroup,
  MAX_FILTER_DEPTH,
  matchesSearch,
  matchesText,
  NocofloError,
  type Row,
  type SortSpec,
  searchWords,
} from '@nocoflo/sdk';
import { compareValues, valuesEqual } from '../../values/compare.js';
import { coerceValue } from './coerce.js';
import type { MemoryTable, StoredRow } from './table.js';

/** A sort key resolved against the table; `column` undefined means the hidden insertion sequence. */
export interface ResolvedSort {
  column: ColumnSchema | undefined;
  direction: 'asc' | 'desc';
}

/** The column of `table` named `name`, or `NCF_COLUMN_NOT_FOUND`. */
export function column(table: MemoryTable, name: string): ColumnSchema {
  const found = typeof name === 'string' ? table.columns.get(name) : undefined;
  if (!found) {
    throw NocofloError.create(Errors.ColumnNotFound, [
      table.schema.name,
      String(name),
      [...table.columns.keys()],
    ]);
  }
  return found;
}

/** The full, total order: the given sort keys, then every key column not already used. */
export function resolveSort(table: MemoryTable, sort: readonly SortSpec[] | undefined): ResolvedSort[] {
  if (sort !== undefined && !Array.isArray(sort))
    throw invalid('sort must be an array of { column, direction }');
  const resolved: ResolvedSort[] = (sort ?? []).map((s) => {
    if (s?.direction !== 'asc' && s?.direction !== 'desc') {
      throw invalid(`sort direction must be "asc" or "desc", got ${JSON.stringify(s?.direction)}`);
    }
    return { column: column(table, s.column), direction: s.direction };
  });
  for (const key of table.schema.primaryKey) {
    if (!resolved.some((r) => r.column?.name === key))
      resolved.push({ column: column(table, key), direction: 'asc' });
  }
  if (table.schema.primaryKey.length === 0) resolved.push({ column: undefined, direction: 'asc' });
  return resolved;
}

/** A fingerprint of a resolved sort, carried in cursors. */
export function sortFingerprint(sort: readonly ResolvedSort[]): string {
  return sort.map((s) => `${s.column?.name ?? '#seq'}:${s.direction}`).join(',');
}

/** The values of the sort keys of a row, as a cursor carries them. */
export function sortValues(sort: readonly ResolvedSort[], row: StoredRow): CellValue[] {
  return sort.map((s) => (s.column ? (row.values[s.column.name] ?? null) : row.seq));
}

/** Compares two rows' sort-key tuples under a resolved sort. */
export function compareTuples(
  sort: readonly ResolvedSort[],
  a: readonly CellValue[],
  b: readonly CellValue[],
): number {
  for (let i = 0; i < sort.length; i++) {
    const s = sort[i] as ResolvedSort;
    const c = compareValues(s.column?.type ?? 'integer', a[i] ?? null, b[i] ?? null);
    if (c !== 0) return s.direction === 'asc' ? c : -c;
  }
  return 0;
}

function invalid(reason: string): NocofloError {
  return NocofloError.create(Errors.InvalidQuery, [reason]);
}

/** Validated filters (and a quick search text) as a row predicate. */
export function compileFilters(
  table: MemoryTable,
  filters: readonly FilterCondition[] | undefined,
  search?: unknown,
): (row: Row) => boolean {
  if (filters !== undefined && !Array.isArray(filters))
    throw invalid('filter must be an array of conditions');
  const predicates = (filters ?? []).map((f) => compileCondition(table, f, 1));
  if (search !== undefined && search !== null) {
    if (typeof search !== 'string') throw invalid('search must be a string');
    if (searchWords(search).length > 0) {
      const how = table.schema.search;
      if (!how) {
        throw NocofloError.create(Errors.Unsupported, [
          `table ${table.schema.name}`,
          'search',
          'It has no text column to search; filter on a column instead.',
        ]);
      }
      predicates.push((row) => matchesSearch(row, how.columns, search));
    }
  }
  return (row) => predicates.every((p) => p(row));
}

function compileCondition(
  table: MemoryTable,
  condition: FilterCondition,
  depth: number,
): (row: Row) => boolean {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition))
    throw invalid('each filter must be an object { column, op, value } or a group { or } / { and }');
  if (!isFilterGroup(condition)) return compileFilter(table, condition);
  if (depth >= MAX_FILTER_DEPTH) throw invalid(`filter groups may nest at most ${MAX_FILTER_DEPTH} levels`);
  const isOr = 'or' in condition;
  const members: unknown = isOr ? condition.or : (condition as { and: unknown }).and;
  if (!Array.isArray(members)) throw invalid(`"${isOr ? 'or' : 'and'}" of a filter group must be an array`);
  const predicates = (members as FilterCondition[]).map((m) => compileCondition(table, m, depth + 1));
  return isOr ? (row) => predicates.some((p) => p(row)) : (row) => predicates.every((p) => p(row));
}

function compileFilter(table: MemoryTable, filter: Filter): (row: Row) => boolean {
  const col = column(table, filter?.column);
  const { op } = filter;
  if (!FILTER_OPERATORS.includes(op)) {
    throw invalid(`unknown filter operator ${JSON.stringify(op)}; use one of ${FILTER_OPERATORS.join(', ')}`);
  }
  const name = col.name;
  const type = col.type;
  if (op === 'isNull') return (row) => row[name] === null || row[name] === undefined;
  if (op === 'isNotNull') return (row) => row[name] !== null && row[name] !== undefined;
  if (op === 'in' || op === 'notIn') {
    if (!Array.isArray(filter.value)) throw invalid(`the "${op}" filter on ${name} needs an array value`);
    const values = (filter.value as CellValue[]).map((v) => coerceValue(table.schema.name, col, v));
    return (row) => {
      const v = row[name] ?? null;
      if (v === null) return false;
      const found = values.some((x) => x !== null && valuesEqual(type, v, x));
      return op === 'in' ? found : !found && !values.includes(null);
    };
  }
  if (filter.value === undefined || Array.isArray(filter.value)) {
    throw invalid(`the "${op}" filter on ${name} needs a single value`);
  }
  if (op === 'contains' || op === 'startsWith' || op === 'endsWith') {
    if (typeof filter.value !== 'string') throw invalid(`the "${op}" filter on ${name} needs a string value`);
    const needle = filter.value;
    const caseSensitive = filter.caseSensitive === true;
    return (row) => {
      const v = row[name];
      return typeof v === 'string' && matchesText(op, v, needle, caseSensitive);
    };
  }
  const operand = coerceValue(table.schema.name, col, filter.value);
  return (row) => {
    const v = row[name] ?? null;
    if (v === null || operand === null) return false;
    if (op === 'eq') return valuesEqual(type, v, operand);
    if (op === 'neq') return !valuesEqual(type, v, operand);
    const c = compareValues(type, v, operand);
    return op === 'lt' ? c < 0 : op === 'lte' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0;
  };
}
