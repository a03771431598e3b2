/**
 * One REST table: its schema (declared or inferred from a sample), how its JSON items
 * become rows, and how filters and sorts become query parameters, or are refused.
 */
import {
  type CellValue,
  type ColumnSchema,
  type ColumnType,
  Errors,
  FILTER_OPERATORS,
  type Filter,
  type FilterCondition,
  type FilterOperator,
  isFilterGroup,
  NocofloError,
  type Row,
  type SortSpec,
  type TableSchema,
} from '@nocoflo/sdk';
import { compileFilters, resolveSortKeys, type SqlDialect, SqlParams, validateValue } from '@nocoflo/sdk/sql';
import type { RestTableSpec } from './spec.js';
import { decoderFor, inferType, mergeTypes, queryText, rowReader } from './values.js';

/** What the datasource knows about one table. */
export interface RestTable {
  /** The table's name. */
  readonly name: string;
  /** Its spec. */
  readonly spec: RestTableSpec;
  /** Its schema. */
  readonly schema: TableSchema;
  /** Turns a JSON item into a row of the schema's columns. */
  readonly read: (item: unknown) => Row;
}

/** Builds a table from its spec and, when columns are not (all) declared, sample items. */
export function buildTable(name: string, spec: RestTableSpec, sample: readonly unknown[]): RestTable {
  const key = typeof spec.key === 'string' ? [spec.key] : spec.key;
  const declared = Object.entries(spec.columns ?? {});
  const columns: ColumnSchema[] = [];
  const encodings = new Map<string, 'base64' | 'hex'>();
  for (const [column, declaration] of declared) {
    const type = typeof declaration === 'string' ? declaration : declaration.type;
    const nullable =
      typeof declaration === 'string'
        ? !key.includes(column)
        : (declaration.nullable ?? !key.includes(column));
    if (typeof declaration !== 'string' && declaration.encoding) encodings.set(column, declaration.encoding);
    columns.push({ name: column, type, nativeType: `json ${type}`, nullable, hasDefault: false });
  }
  if (!spec.columns || spec.inferExtraColumns) {
    const inferred = new Map<string, ColumnType | null>();
    for (const item of sample) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      for (const [field, value] of Object.entries(item)) {
        if (spec.columns?.[field] !== undefined) continue;
        inferred.set(field, mergeTypes(inferred.get(field) ?? null, inferType(value)));
      }
    }
    for (const [field, type] of inferred) {
      const resolved = type ?? 'text';
      columns.push({
        name: field,
        type: resolved,
        nativeType: `json ${resolved} (inferred)`,
        nullable: !key.includes(field),
        hasDefault: false,
      });
    }
  }
  for (const field of key) {
    if (!columns.some((c) => c.name === field)) {
      throw NocofloError.create(Errors.ConnectionFailed, [
        name,
        `its key field ${JSON.stringify(field)} is neither declared nor in the sample of items`,
        'Check "key" in the table spec, or declare the field under "columns".',
      ]);
    }
  }
  const schema: TableSchema = {
    name,
    kind: 'table',
    columns,
    primaryKey: key,
    foreignKeys: spec.foreignKeys,
    writable: false,
  };
  const read = rowReader(
    columns.map((c) => ({ name: c.name, decode: decoderFor(c, encodings.get(c.name)) })),
  );
  return { name, spec, schema, read };
}

// Only for validation: filters are checked by the SDK's SQL builder (columns, operators,
// value shapes and types), then sent as query parameters, never as SQL.
const capture: SqlDialect = {
  name: 'rest',
  placeholder: 'question',
  nullsSortAs: 'smallest',
  textMatch: 'like',
  toParam: (value) => value,
  bucket: () => '',
};

const unsupported = (table: string, what: string, hint: string) =>
  NocofloError.create(Errors.Unsupported, [table, what, hint]);

/** What a table's API filters on, in words: `Name: eq, contains; Milliseconds: gte`. */
function supportedFilters(spec: RestTableSpec): string {
  const parts = Object.entries(spec.filters).map(
    ([column, ops]) => `${column}: ${Object.keys(ops ?? {}).join(', ')}`,
  );
  return parts.length > 0 ? parts.join('; ') : 'none';
}

/**
 * The single conditions that must all hold: AND groups (and OR groups of one condition)
 * flattened; an OR of several is `NCF_UNSUPPORTED` (query parameters only ever combine with AND).
 */
export function conjunction(table: string, filters: readonly FilterCondition[]): Filter[] {
  const out: Filter[] = [];
  for (const condition of filters) {
    if (!isFilterGroup(condition)) out.push(condition);
    else if ('and' in condition) out.push(...conjunction(table, condition.and));
    else if (condition.or.length === 1) out.push(...conjunction(table, condition.or));
    else
      throw unsupported(
        table,
        'filters combined with OR',
        'The API combines its filters with AND only: read each alternative on its own.',
      );
  }
  return out;
}

/**
 * The query parameters of filters and sort, or `NCF_UNSUPPORTED` for any the API does not
 * run itself (answering them over one page would be wrong). Names and values are
 * validated first, as every datasource validates them.
 */
export function queryParameters(
  table: RestTable,
  filters: readonly FilterCondition[] | undefined,
  sort: readonly SortSpec[] | undefined,
): [string, string][] {
  const { schema, spec } = table;
  compileFilters(schema, filters, capture, new SqlParams('question'));
  const keys = resolveSortKeys(schema, sort);
  const params: [string, string][] = [];
  for (const filter of conjunction(schema.name, filters ?? [])) {
    const column = schema.columns.find((c) => c.name === filter.column) as ColumnSchema;
    // `eq null` / `neq null` mean IS NULL / IS NOT NULL, as in SQL datasources.
    let op: FilterOperator = filter.op;
    if (filter.value === null && (op === 'eq' || op === 'neq')) op = op === 'eq' ? 'isNull' : 'isNotNull';
    const declared = spec.filters[column.name]?.[op];
    if (declared === undefined) {
      throw unsupported(
        schema.name,
        `the filter "${op}" on ${column.name}`,
        `The API filters only where its spec says: ${supportedFilters(spec)}. Filter on one of those, or ask the API's owner.`,
      );
    }
    const param = typeof declared === 'string' ? declared : declared.param;
    if (op === 'isNull' || op === 'isNotNull') {
      params.push([param, typeof declared === 'string' ? 'true' : (declared.value ?? 'true')]);
    } else if (op === 'in' || op === 'notIn') {
      const values = (filter.value as readonly CellValue[]).map((v) =>
        queryText(validateValue(schema.name, column, v)),
      );
      if (typeof declared !== 'string' && declared.list === 'repeat')
        for (const v of values) params.push([param, v]);
      else params.push([param, values.join(',')]);
    } else {
      params.push([param, queryText(validateValue(schema.name, column, filter.value))]);
    }
  }
  if (sort && sort.length > 0) {
    const sortSpec = spec.sort;
    if (!sortSpec) {
      throw unsupported(
        schema.name,
        'sorting',
        "The API has no sort in its spec: rows come in the API's own order.",
      );
    }
    const allowed = (column: string) => sortSpec.columns === '*' || sortSpec.columns.includes(column);
    for (const key of sort) {
      if (!allowed(key.column)) {
        throw unsupported(
          schema.name,
          `sorting by ${key.column}`,
          `The API sorts by ${sortSpec.columns === '*' ? 'any column' : (sortSpec.columns as string[]).join(', ')} only.`,
        );
      }
    }
    if (sortSpec.format === 'pair') {
      if (sort.length > 1) {
        throw unsupported(
          schema.name,
          'sorting by several columns',
          'The API sorts by one column at a time.',
        );
      }
      params.push([sortSpec.param, sort[0]!.column], [sortSpec.orderParam, sort[0]!.direction]);
    } else {
      // The key follows the requested sort (where the API takes several), so the order is total.
      const terms = keys
        .filter((key) => allowed(key.column.name))
        .map((key) =>
          sortSpec.format === 'prefix'
            ? `${key.direction === 'desc' ? '-' : ''}${key.column.name}`
            : `${key.column.name}:${key.direction}`,
        );
      params.push([sortSpec.param, terms.join(',')]);
    }
  }
  return params;
}

/** The operators some table's API filters on (for `capabilities.filterOperators`). */
export function declaredOperators(specs: readonly RestTableSpec[]): FilterOperator[] {
  const used = new Set<string>();
  for (const spec of specs)
    for (const ops of Object.values(spec.filters)) for (const op of Object.keys(ops ?? {})) used.add(op);
  return FILTER_OPERATORS.filter((op) => used.has(op));
}
