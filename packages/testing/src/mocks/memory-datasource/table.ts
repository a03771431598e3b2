/**
 * The in-memory table model of the mock datasource, and how it is built from plain
 * objects: columns given or inferred from the seed rows.
 */
import type { CellValue, ColumnSchema, ColumnType, ForeignKey, Row, TableSchema } from '@nocoflo/sdk';
import { Errors, NocofloError } from '@nocoflo/sdk';

/** A column given to the mock datasource; everything but the name can be inferred. */
export interface MemoryColumnInit {
  /** Column name. */
  name: string;
  /** Normalised type. Default: inferred from the first non-NULL seed value, else `text`. */
  type?: ColumnType;
  /** Whether NULL is allowed. Default: true, except for primary-key columns. */
  nullable?: boolean;
  /** Native type name reported by `describeTable`. Default: the normalised type. */
  nativeType?: string;
  /**
   * Fill the column on insert when it is omitted: with the next integer for an integer
   * column (like a serial key), else with `defaultValue`. Default: true for a single
   * integer primary key.
   */
  hasDefault?: boolean;
  /** Value used when an insert omits a column with `hasDefault` that is not an integer. */
  defaultValue?: CellValue;
  /** For `enum` columns: the allowed values. */
  enumValues?: readonly string[];
}

/** A table given to the mock datasource as plain objects. */
export interface MemoryTableInit {
  /** Columns in order. Default: inferred from the keys of `rows` (in order of first appearance). */
  columns?: readonly (MemoryColumnInit | string)[];
  /** Primary-key columns in key order. Default: `['id']` when there is an `id` column, else none. */
  primaryKey?: readonly string[];
  /** Foreign keys (reported by `describeTable`, not enforced). */
  foreignKeys?: readonly ForeignKey[];
  /** Seed rows. */
  rows?: readonly Row[];
  /** `view` tables are read-only. Default `table`. */
  kind?: 'table' | 'view';
}

/** One table held by the mock. */
export interface MemoryTable {
  readonly schema: TableSchema;
  readonly columns: ReadonlyMap<string, ColumnSchema>;
  readonly defaults: ReadonlyMap<string, CellValue>;
  /** Rows in insertion order; each carries a hidden sequence number as tiebreak for key-less tables. */
  rows: StoredRow[];
  nextSequence: number;
}

/** A stored row and its insertion sequence. */
export interface StoredRow {
  readonly seq: number;
  values: Row;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** The normalised type a plain JS value suggests. */
export function inferType(value: CellValue): ColumnType {
  if (typeof value === 'bigint') return 'integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (typeof value === 'boolean') return 'boolean';
  if (value instanceof Uint8Array) return 'binary';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') {
    if (DATE.test(value)) return 'date';
    if (TIMESTAMPTZ.test(value)) return 'timestamptz';
    if (TIMESTAMP.test(value)) return 'timestamp';
    return 'text';
  }
  if (value !== null && typeof value === 'object') return 'json';
  return 'text';
}

/** Builds an empty table from its plain-object description (the caller inserts the seed rows). */
export function buildTable(name: string, init: MemoryTableInit, writableSource: boolean): MemoryTable {
  const rows = init.rows ?? [];
  const given = (init.columns ?? []).map((c) => (typeof c === 'string' ? { name: c } : c));
  const names =
    given.length > 0 ? given.map((c) => c.name) : [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const primaryKey = init.primaryKey ?? (names.includes('id') ? ['id'] : []);
  const bad = (reason: string) =>
    NocofloError.create(Errors.InvalidQuery, [`mock table ${JSON.stringify(name)}: ${reason}`]);
  for (const key of primaryKey)
    if (!names.includes(key)) throw bad(`primary-key column ${JSON.stringify(key)} is not a column`);
  const columns = names.map((columnName): ColumnSchema => {
    const spec = given.find((c) => c.name === columnName) ?? { name: columnName };
    const sample = rows.map((r) => r[columnName]).find((v) => v !== null && v !== undefined);
    const type = spec.type ?? (sample === undefined ? 'text' : inferType(sample));
    const inKey = primaryKey.includes(columnName);
    const column: ColumnSchema = {
      name: columnName,
      type,
      nativeType: spec.nativeType ?? type,
      nullable: spec.nullable ?? !inKey,
      hasDefault: spec.hasDefault ?? (primaryKey.length === 1 && inKey && type === 'integer'),
    };
    if (spec.enumValues) column.enumValues = spec.enumValues;
    return column;
  });
  const kind = init.kind ?? 'table';
  const schema: TableSchema = {
    name,
    kind,
    columns,
    primaryKey: [...primaryKey],
    foreignKeys: (init.foreignKeys ?? []).map((fk) => ({
      columns: [...fk.columns],
      referencedTable: fk.referencedTable,
      referencedColumns: [...fk.referencedColumns],
    })),
    writable: writableSource && kind === 'table' && primaryKey.length > 0,
  };
  // Quick search: every word in some text column, ignoring case (as a SQL datasource's LIKE).
  const searched = columns.filter((c) => c.type === 'text').map((c) => c.name);
  if (searched.length > 0) schema.search = { method: 'substring', columns: searched };
  const defaults = new Map<string, CellValue>();
  for (const spec of given) if (spec.defaultValue !== undefined) defaults.set(spec.name, spec.defaultValue);
  const table: MemoryTable = {
    schema,
    columns: new Map(columns.map((c) => [c.name, c])),
    defaults,
    rows: [],
    nextSequence: 1,
  };
  return table;
}
