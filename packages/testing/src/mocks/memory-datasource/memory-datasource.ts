/**
 * `createMemoryDatasource`: a complete `Datasource` over plain objects, for tests of
 * views, hooks and host behaviour without a database. It follows the SDK contract to the
 * letter (it passes the datasource conformance suite): typed errors, keyset cursors from
 * `@nocoflo/sdk/sql`, exact decimals, composite keys, streaming in batches.
 */
import {
  type AggregateQuery,
  type AggregateResult,
  type CellValue,
  type ConnectionInfo,
  type Datasource,
  type DatasourceCapabilities,
  Errors,
  NocofloError,
  type Page,
  type ReadPageOptions,
  type Row,
  type RowKey,
  type StreamOptions,
  type TableInfo,
  type TableSchema,
} from '@nocoflo/sdk';
import { decodeCursor, encodeCursor } from '@nocoflo/sdk/sql';
import type { ConformanceFixture } from '../../conformance/fixture-types.js';
import { canonicalText } from '../../values/compare.js';
import { aggregateRows } from './aggregate.js';
import { coerceValue, copyValue, integerValue } from './coerce.js';
import { column, compareTuples, compileFilters, resolveSort, sortFingerprint, sortValues } from './query.js';
import { buildTable, type MemoryTable, type MemoryTableInit, type StoredRow } from './table.js';

/** Options of {@link createMemoryDatasource}. */
export interface MemoryDatasourceOptions {
  /** Tables by name, each seeded from plain objects. */
  tables?: Readonly<Record<string, MemoryTableInit>>;
  /** The URL the datasource reports. Default `memory:`. */
  url?: string;
  /** Refuse every write with `NCF_READ_ONLY`. Default false. */
  readOnly?: boolean;
}

/** One recorded call of a {@link MemoryDatasource} method. */
export interface MemoryDatasourceCall {
  /** Method name. */
  method:
    | 'listTables'
    | 'describeTable'
    | 'readPage'
    | 'stream'
    | 'aggregate'
    | 'insert'
    | 'update'
    | 'delete'
    | 'testConnection'
    | 'close';
  /** Arguments as passed. */
  args: unknown[];
}

/** The mock datasource: a `Datasource` plus inspection helpers for tests. */
export interface MemoryDatasource extends Datasource {
  /** Every call made, in order, with its arguments. */
  readonly calls: readonly MemoryDatasourceCall[];
  /** A copy of a table's rows in primary-key order (works after close, for assertions). */
  rows(table: string): Row[];
  /** Whether `close()` was called. */
  readonly closed: boolean;
}

const MAX_LIMIT = 10_000;

class MemoryDatasourceImpl implements MemoryDatasource {
  readonly url: string;
  readonly capabilities: DatasourceCapabilities;
  readonly calls: MemoryDatasourceCall[] = [];
  readonly #tables = new Map<string, MemoryTable>();
  #closed = false;

  constructor(options: MemoryDatasourceOptions) {
    this.url = options.url ?? 'memory:';
    this.capabilities = { write: !options.readOnly, estimates: true, search: true };
    const inits = Object.entries(options.tables ?? {});
    for (const [name, init] of inits) this.#tables.set(name, buildTable(name, init, !options.readOnly));
    for (const [name, init] of inits) {
      const table = this.#tables.get(name) as MemoryTable;
      for (const row of init.rows ?? []) this.#insertRow(table, row);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  #enter(method: MemoryDatasourceCall['method'], args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.#closed) throw NocofloError.create(Errors.DatasourceClosed, [this.url, method]);
  }

  #table(name: string): MemoryTable {
    const table = typeof name === 'string' ? this.#tables.get(name) : undefined;
    if (!table)
      throw NocofloError.create(Errors.TableNotFound, [String(name), [...this.#tables.keys()].sort()]);
    return table;
  }

  #writable(table: MemoryTable): void {
    if (!this.capabilities.write) {
      throw NocofloError.create(Errors.ReadOnly, [this.url, 'the datasource was opened read-only']);
    }
    if (!table.schema.writable) {
      const reason = table.schema.kind === 'view' ? 'it is a view' : 'it has no primary key';
      throw NocofloError.create(Errors.ReadOnly, [table.schema.name, reason]);
    }
  }

  rows(name: string): Row[] {
    const table = this.#table(name);
    const sort = resolveSort(table, undefined);
    return [...table.rows]
      .sort((a, b) => compareTuples(sort, sortValues(sort, a), sortValues(sort, b)))
      .map((r) => copyRow(r.values));
  }

  async listTables(): Promise<TableInfo[]> {
    this.#enter('listTables', []);
    return [...this.#tables.values()]
      .map((t) => ({ name: t.schema.name, kind: t.schema.kind, rowCountEstimate: t.rows.length }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async describeTable(name: string): Promise<TableSchema> {
    this.#enter('describeTable', [name]);
    const table = this.#table(name);
    return { ...structuredClone(table.schema), rowCountEstimate: table.rows.length };
  }

  async readPage(name: string, options: ReadPageOptions = {}): Promise<Page> {
    this.#enter('readPage', [name, options]);
    return this.#readPage(name, options);
  }

  #readPage(name: string, options: ReadPageOptions): Page {
    const table = this.#table(name);
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw NocofloError.create(Errors.InvalidQuery, [
        `limit must be an integer from 1 to ${MAX_LIMIT}, got ${String(limit)}`,
      ]);
    }
    const sort = resolveSort(table, options.sort);
    const fingerprint = sortFingerprint(sort);
    const matches = compileFilters(table, options.filter, options.search);
    const projection = this.#projection(table, options.columns);
    const ordered = table.rows
      .filter((r) => matches(r.values))
      .map((r) => ({ row: r, key: sortValues(sort, r) }))
      .sort((a, b) => compareTuples(sort, a.key, b.key));

    let start = 0;
    let end = Math.min(limit, ordered.length);
    if (options.cursor !== undefined && options.cursor !== null) {
      if (typeof options.cursor !== 'string') {
        throw NocofloError.create(Errors.InvalidQuery, ['the cursor must be a string from a previous page']);
      }
      const cursor = decodeCursor(options.cursor, fingerprint);
      if (cursor.values.length !== sort.length) {
        throw NocofloError.create(Errors.InvalidQuery, ['the cursor is not one this datasource produced']);
      }
      const boundary = cursor.values;
      if (cursor.direction === 'after') {
        start = ordered.findIndex((r) => compareTuples(sort, r.key, boundary) > 0);
        if (start < 0) start = ordered.length;
        end = Math.min(start + limit, ordered.length);
      } else {
        end = ordered.findIndex((r) => compareTuples(sort, r.key, boundary) >= 0);
        if (end < 0) end = ordered.length;
        start = Math.max(0, end - limit);
      }
    }
    const slice = ordered.slice(start, end);
    const first = slice[0];
    const last = slice[slice.length - 1];
    return {
      rows: slice.map((r) => project(r.row.values, projection)),
      nextCursor:
        last && end < ordered.length
          ? encodeCursor({ direction: 'after', values: last.key, sort: fingerprint })
          : null,
      prevCursor:
        first && start > 0
          ? encodeCursor({ direction: 'before', values: first.key, sort: fingerprint })
          : null,
      estimatedTotal: ordered.length,
    };
  }

  #projection(table: MemoryTable, columns: readonly string[] | undefined): string[] {
    if (columns === undefined) return [...table.columns.keys()];
    if (!Array.isArray(columns))
      throw NocofloError.create(Errors.InvalidQuery, ['columns must be an array of names']);
    const wanted = new Set(columns.map((c) => column(table, c).name));
    for (const key of table.schema.primaryKey) wanted.add(key);
    return [...table.columns.keys()].filter((c) => wanted.has(c));
  }

  stream(name: string, options: StreamOptions = {}): AsyncIterable<Row> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        self.#enter('stream', [name, options]);
        const batchSize = options.batchSize ?? 1000;
        if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_LIMIT) {
          throw NocofloError.create(Errors.InvalidQuery, [
            `batchSize must be an integer from 1 to ${MAX_LIMIT}`,
          ]);
        }
        let cursor: string | null = null;
        do {
          if (options.signal?.aborted) return;
          if (self.#closed) throw NocofloError.create(Errors.DatasourceClosed, [self.url, 'stream']);
          const page: Page = self.#readPage(name, {
            limit: batchSize,
            cursor,
            ...(options.sort ? { sort: options.sort } : {}),
            ...(options.filter ? { filter: options.filter } : {}),
            ...(options.search !== undefined ? { search: options.search } : {}),
            ...(options.columns ? { columns: options.columns } : {}),
          });
          for (const row of page.rows) {
            if (options.signal?.aborted) return;
            yield row;
          }
          cursor = page.nextCursor;
        } while (cursor !== null);
      },
    };
  }

  async aggregate(name: string, query: AggregateQuery): Promise<AggregateResult> {
    this.#enter('aggregate', [name, query]);
    return aggregateRows(this.#table(name), query);
  }

  async insert(name: string, values: Row): Promise<Row> {
    this.#enter('insert', [name, values]);
    const table = this.#table(name);
    this.#writable(table);
    return copyRow(this.#insertRow(table, values).values);
  }

  #insertRow(table: MemoryTable, values: Row): StoredRow {
    if (values === null || typeof values !== 'object') {
      throw NocofloError.create(Errors.InvalidQuery, ['insert needs an object of column values']);
    }
    for (const key of Object.keys(values)) column(table, key);
    const row: Row = {};
    for (const col of table.columns.values()) {
      let value: CellValue | undefined = values[col.name];
      if (value === undefined && col.hasDefault) {
        value =
          col.type === 'integer' ? nextInteger(table, col.name) : (table.defaults.get(col.name) ?? null);
      }
      row[col.name] = coerceValue(table.schema.name, col, value ?? null);
    }
    this.#checkConstraints(table, row, undefined);
    const stored = { seq: table.nextSequence++, values: row };
    table.rows.push(stored);
    return stored;
  }

  #checkConstraints(table: MemoryTable, row: Row, self: StoredRow | undefined): void {
    for (const col of table.columns.values()) {
      if (!col.nullable && row[col.name] === null) {
        throw NocofloError.create(Errors.ConstraintViolation, [
          table.schema.name,
          `${col.name} must not be NULL`,
        ]);
      }
    }
    if (table.schema.primaryKey.length === 0) return;
    // Keys compare as their canonical text, computed once per row: comparing each key column
    // of every row on every insert made seeding a table quadratic in decimal normalisations,
    // most of the view suite's CPU (its tables of 260 rows are built anew for every render).
    const wanted = keyText(table, row);
    const clash = table.rows.find((r) => r !== self && keyText(table, r.values) === wanted);
    if (clash) {
      throw NocofloError.create(Errors.ConstraintViolation, [
        table.schema.name,
        `a row with the key ${describeKey(table, row)} already exists`,
      ]);
    }
  }

  #findByKey(table: MemoryTable, key: RowKey): StoredRow {
    if (key === null || typeof key !== 'object') {
      throw NocofloError.create(Errors.InvalidQuery, ['a row key must be an object of key column values']);
    }
    for (const name of Object.keys(key)) column(table, name);
    const pk = table.schema.primaryKey;
    const extra = Object.keys(key).filter((k) => !pk.includes(k));
    const missing = pk.filter((k) => key[k] === undefined || key[k] === null);
    if (missing.length > 0 || extra.length > 0) {
      throw NocofloError.create(Errors.InvalidQuery, [
        `the key of ${table.schema.name} is (${pk.join(', ')}); ` +
          (missing.length ? `missing ${missing.join(', ')}` : `${extra.join(', ')} are not key columns`),
      ]);
    }
    const wanted = keyText(
      table,
      Object.fromEntries(pk.map((k) => [k, coerceValue(table.schema.name, column(table, k), key[k])])),
    );
    const found = table.rows.find((r) => keyText(table, r.values) === wanted);
    if (!found) throw NocofloError.create(Errors.RowNotFound, [table.schema.name, describeKey(table, key)]);
    return found;
  }

  async update(name: string, key: RowKey, changes: Row): Promise<Row> {
    this.#enter('update', [name, key, changes]);
    const table = this.#table(name);
    this.#writable(table);
    if (changes === null || typeof changes !== 'object') {
      throw NocofloError.create(Errors.InvalidQuery, ['update needs an object of changes']);
    }
    for (const c of Object.keys(changes)) column(table, c);
    const stored = this.#findByKey(table, key);
    const next: Row = { ...stored.values };
    for (const [c, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      next[c] = coerceValue(table.schema.name, column(table, c), value);
    }
    this.#checkConstraints(table, next, stored);
    stored.values = next;
    return copyRow(next);
  }

  async delete(name: string, key: RowKey): Promise<void> {
    this.#enter('delete', [name, key]);
    const table = this.#table(name);
    this.#writable(table);
    const stored = this.#findByKey(table, key);
    table.rows.splice(table.rows.indexOf(stored), 1);
  }

  async testConnection(): Promise<ConnectionInfo> {
    this.#enter('testConnection', []);
    return { ok: true, serverVersion: 'nocoflo memory datasource', latencyMs: 0 };
  }

  async close(): Promise<void> {
    this.calls.push({ method: 'close', args: [] });
    this.#closed = true;
  }
}

/** Key texts by row object: writes replace a stored row's object, never change it. */
const keyTexts = new WeakMap<Row, string>();

/**
 * A row's primary key as one text, equal for two rows exactly when `valuesEqual` holds for
 * each key column (canonical texts, NULL as `null`, which no value's text is).
 */
function keyText(table: MemoryTable, values: Row): string {
  let text = keyTexts.get(values);
  if (text === undefined) {
    text = JSON.stringify(
      table.schema.primaryKey.map((k) => canonicalText(table.columns.get(k)?.type, values[k] ?? null)),
    );
    keyTexts.set(values, text);
  }
  return text;
}

function nextInteger(table: MemoryTable, name: string): CellValue {
  let max = 0n;
  for (const r of table.rows) {
    const v = r.values[name];
    if (typeof v === 'number' || typeof v === 'bigint') {
      const b = BigInt(v);
      if (b > max) max = b;
    }
  }
  return integerValue(max + 1n);
}

function copyRow(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = copyValue(v);
  return out;
}

function project(row: Row, columns: readonly string[]): Row {
  const out: Row = {};
  for (const c of columns) out[c] = copyValue(row[c] ?? null);
  return out;
}

function describeKey(table: MemoryTable, key: Row): string {
  return `(${table.schema.primaryKey.map((k) => `${k}=${canonicalText(table.columns.get(k)?.type, key[k]).replace(/^\w+:/, '')}`).join(', ')})`;
}

/**
 * Creates an in-memory `Datasource` seeded from plain objects. Columns, types and the
 * primary key are inferred when not given (`id` is the key when present; pass
 * `primaryKey: ['order_id', 'line_no']` for a composite key).
 *
 * @example
 * ```ts
 * import { createMemoryDatasource } from '@nocoflo/testing';
 *
 * const ds = createMemoryDatasource({
 *   tables: {
 *     orders: { rows: [{ id: 1, total: '9.90', placed: '2024-05-01' }] },
 *     lines: { primaryKey: ['order_id', 'line_no'], rows: [{ order_id: 1, line_no: 1, sku: 'apple' }] },
 *   },
 * });
 * const newestFirst = ds.readPage('orders', { sort: [{ column: 'placed', direction: 'desc' }] });
 * ```
 */
export function createMemoryDatasource(options: MemoryDatasourceOptions = {}): MemoryDatasource {
  return new MemoryDatasourceImpl(options);
}

/**
 * A memory datasource holding the conformance fixture (columns and keys exactly as described).
 *
 * @example
 * ```ts
 * import { describeDatasourceConformance, memoryDatasourceFromFixture } from '@nocoflo/testing';
 *
 * // The reference implementation: the suite passes on it, so it shows what every check expects.
 * describeDatasourceConformance('memory', { create: async (fixture) => memoryDatasourceFromFixture(fixture) });
 * ```
 */
export function memoryDatasourceFromFixture(
  fixture: ConformanceFixture,
  options: Omit<MemoryDatasourceOptions, 'tables'> = {},
): MemoryDatasource {
  const tables: Record<string, MemoryTableInit> = {};
  for (const t of fixture.tables) {
    tables[t.name] = {
      columns: t.columns.map((c) => ({
        name: c.name,
        type: c.type,
        nullable: c.nullable,
        hasDefault: false,
      })),
      primaryKey: t.primaryKey,
      foreignKeys: t.foreignKeys,
      rows: t.rows,
    };
  }
  return createMemoryDatasource({ ...options, tables });
}
