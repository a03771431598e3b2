import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import {
  type AggregateQuery,
  type AggregateResult,
  assertRowVersion,
  type CellValue,
  type ColumnSchema,
  type ConnectionInfo,
  type Datasource,
  type DatasourceCapabilities,
  Errors,
  NocofloError,
  type Page,
  type ReadPageOptions,
  type Row,
  type RowBatchIterator,
  type RowKey,
  type RowMaker,
  rowMaker,
  type StreamOptions,
  type TableInfo,
  type TableSchema,
  type WriteOptions,
} from '@nocoflo/sdk';
import {
  boundedInteger,
  type FullTextSearch,
  finishPage,
  formatKey,
  planAggregate,
  planDelete,
  planFetch,
  planInsert,
  planPage,
  planSelect,
  planUpdate,
  quoteIdentifier,
  type SelectContext,
  type SelectPlan,
} from '@nocoflo/sdk/sql';
import type Database from 'better-sqlite3';
import { LossyIntegerRead, rowDecoder } from './decode.js';
import { sqliteDialect } from './dialect.js';
import { toNocofloError } from './errors.js';
import { describeSqliteTable, listSqliteTables } from './introspect.js';
import { sqliteSearch } from './search.js';

const STATEMENT_CACHE_SIZE = 200;

/**
 * A SQLite database opened through better-sqlite3, as a nocoflo `Datasource` (`@nocoflo/sdk`).
 * better-sqlite3 is synchronous, so every method does its work at once and returns a
 * settled promise; streams read batches of rows from one open statement.
 */
export class SqliteDatasource implements Datasource {
  /** The URL it was opened with. */
  readonly url: string;
  /** Writes are possible unless opened read-only. */
  readonly capabilities: DatasourceCapabilities;
  /** The better-sqlite3 connection, for callers that need the raw driver (e.g. benchmarks). */
  readonly db: Database.Database;

  #closed = false;
  readonly #file: string | null;
  #schemaVersion = -1;
  #tables: TableInfo[] | null = null;
  readonly #schemas = new Map<string, TableSchema>();
  /** The FTS5 index of each described table that has one. */
  readonly #fullText = new WeakMap<TableSchema, FullTextSearch>();
  readonly #statements = new Map<string, Database.Statement>();
  /** Row makers of the cached statements that read ({@link #all}). */
  readonly #makers = new WeakMap<Database.Statement, RowMaker>();
  readonly #streams = new Set<{ return(): unknown }>();

  /** @internal Use {@link openSqlite}. */
  constructor(db: Database.Database, url: string, writable: boolean) {
    this.db = db;
    this.url = url;
    this.#file = db.memory ? null : db.name;
    // Estimates come from sqlite_stat1 (kept by ANALYZE), when the database has one.
    this.capabilities = { write: writable, estimates: true, search: true, conditionalWrites: true };
  }

  async listTables(): Promise<TableInfo[]> {
    return this.#run('list tables', undefined, () => this.#tableList().map((table) => ({ ...table })));
  }

  async describeTable(table: string): Promise<TableSchema> {
    return this.#run('describe table', table, () => {
      this.#checkSchemaVersion();
      return structuredClone(this.#schema(table));
    });
  }

  async readPage(table: string, options: ReadPageOptions = {}): Promise<Page> {
    return this.#run('read page', table, () => {
      const schema = this.#schema(table);
      const plan = planPage(schema, options ?? {}, this.#context(schema));
      return finishPage(plan, this.#all(plan.sql, plan.params, plan.columns));
    });
  }

  stream(table: string, options: StreamOptions = {}): AsyncIterable<Row> {
    return { [Symbol.asyncIterator]: () => this.#openStream(table, options ?? {}) };
  }

  // Rows are read from one open statement in batches of `batchSize` (default 1,000): one
  // synchronous loop fills the batch, then each `next()` hands out a row with one settled
  // promise, or `nextBatch()` hands out the batch with one (the SDK's RowBatchIterator: the
  // host reads an isolated plugin's stream so). Pulling from the native iterator between
  // promise jobs cost ~20% more than the same pulls back to back (bench/streams.mjs), and
  // memory stays bounded by a batch.
  // Rows come as raw arrays, made into objects by a compiled literal (the SDK's rowMaker):
  // ~0.8x the time of the driver's own objects, which it builds in C++ one property at a
  // time (200,000-row streams in packages/host/bench/streams.mjs).
  // Between batches only the statement stays open; other calls go on meanwhile. A plain
  // iterator object (not an async generator) saves a microtask hop per row.
  #openStream(table: string, options: StreamOptions): RowBatchIterator {
    const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };
    let started = false;
    let finished = false; // the statement is released (read to its end, stopped or closed)
    let killed = false; // ended by close(): further reads reject
    let exact = false;
    let batchSize = 1000;
    let plan: SelectPlan | null = null;
    let decode: (row: Row) => Row = (row) => row;
    let make: RowMaker = () => ({});
    let iterator: IterableIterator<unknown[]> | null = null;
    let batch: Row[] = [];
    let at = 0;
    // What a restart in bigint mode continues after: the last row read into a batch.
    let lastRow: Row | undefined;
    let lastHidden: CellValue[] | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      iterator?.return?.();
      iterator = null;
      this.#streams.delete(handle);
    };
    const handle = {
      return: () => {
        killed = true;
        finish();
      },
    };
    const open = (schema: TableSchema, resumeAfter?: CellValue[]) => {
      iterator?.return?.();
      const next = planSelect(schema, options, this.#context(schema), resumeAfter);
      // A statement of its own, not the shared cache's: a statement iterates one query at a
      // time, so two streams of the same query (or a page run by the same SQL) would find it
      // busy. Preparing costs microseconds against a stream's milliseconds.
      const statement = this.db.prepare(next.sql).raw(true).safeIntegers(exact);
      make = rowMaker(statement.columns().map((column) => column.name));
      iterator = statement.iterate(...next.params) as IterableIterator<unknown[]>;
      decode = rowDecoder(next.columns, exact);
      plan = next;
    };
    // Reads the next batch; an empty batch means the statement has no more rows.
    const fill = () => {
      batch = [];
      at = 0;
      while (batch.length < batchSize) {
        let row: Row;
        try {
          const next = iterator!.next();
          if (next.done) {
            finish();
            return;
          }
          row = decode(make(next.value));
        } catch (error) {
          if (!(error instanceof LossyIntegerRead)) throw toNocofloError(error, this.#scope('stream', table));
          // An integer did not fit a number: continue after the last row read, in bigint mode.
          const { keys, hidden } = plan!;
          const last = lastRow;
          const resumeAfter = last
            ? keys.map((key) => {
                const index = hidden.indexOf(key.column.name);
                return index >= 0 ? (lastHidden?.[index] ?? null) : (last[key.column.name] ?? null);
              })
            : undefined;
          exact = true;
          this.#run('stream', table, () => open(this.#schema(table), resumeAfter));
          continue;
        }
        const hidden = plan!.hidden;
        if (hidden.length > 0) {
          if (!exact) lastHidden = hidden.map((name) => row[name] ?? null);
          for (const name of hidden) delete row[name];
        }
        if (!exact) lastRow = row;
        batch.push(row);
      }
    };
    // Whether the batch in hand holds a row, filling it when needed (false: the stream is
    // over); the checks every read makes, one row or a batch.
    const ready = (): boolean => {
      if (killed || this.#closed) {
        if (finished && !killed && at >= batch.length) return false;
        finish();
        throw NocofloError.create(Errors.DatasourceClosed, [this.url, 'stream']);
      }
      if (options.signal?.aborted) {
        finish();
        batch = [];
        return false;
      }
      if (at < batch.length) return true;
      if (finished) return false;
      if (!started) {
        started = true;
        this.#run('stream', table, () => {
          batchSize = boundedInteger(options.batchSize, 'batchSize', 1000, 1, 100_000);
          open(this.#schema(table));
        });
        this.#streams.add(handle);
      }
      fill();
      return at < batch.length;
    };
    const pull = (): IteratorResult<Row> => (ready() ? { value: batch[at++]!, done: false } : DONE);
    // The batch read (the SDK's RowBatchIterator): the rows in hand, up to `max`; the whole
    // batch itself when it is wanted whole (fill() starts a new array for the next one).
    const take = (max: number): Row[] => {
      if (!ready()) return [];
      if (at === 0 && max >= batch.length) {
        const rows = batch;
        batch = [];
        return rows;
      }
      const rows = batch.slice(at, at + max);
      at += rows.length;
      return rows;
    };
    const stream: RowBatchIterator = {
      next: () => {
        try {
          return Promise.resolve(pull());
        } catch (error) {
          finish();
          return Promise.reject(error);
        }
      },
      nextBatch: (max: number) => {
        try {
          return Promise.resolve(take(boundedInteger(max, 'max', 1, 1, Number.MAX_SAFE_INTEGER)));
        } catch (error) {
          finish();
          return Promise.reject(error);
        }
      },
      return: () => {
        finish();
        batch = [];
        return Promise.resolve(DONE);
      },
    };
    return stream;
  }

  async aggregate(table: string, query: AggregateQuery): Promise<AggregateResult> {
    return this.#run('aggregate', table, () => {
      const schema = this.#schema(table);
      const plan = planAggregate(schema, query, this.#context(schema));
      // Keys and min/max decode like their column; count/sum/avg as plain numbers first.
      const outputColumns = plan.outputs.map((output): ColumnSchema => {
        if (output.kind === 'key')
          return output.bucket
            ? { ...TEXT_OUTPUT, name: output.name }
            : { ...output.column, name: output.name };
        if ((output.fn === 'min' || output.fn === 'max') && output.column)
          return { ...output.column, name: output.name };
        return { ...NUMBER_OUTPUT, name: output.name };
      });
      const rows = this.#all(plan.sql, plan.params, outputColumns);
      for (const row of rows) {
        for (const output of plan.outputs) {
          if (output.kind !== 'measure' || output.fn === 'min' || output.fn === 'max') continue;
          row[output.name] = measureValue(output.fn, output.column?.type, row[output.name] ?? null);
        }
      }
      return { rows };
    });
  }

  async insert(table: string, values: Row): Promise<Row> {
    return this.#write('insert', table, (schema) => {
      const plan = planInsert(schema, values, this.#writeContext(schema));
      const row = this.#writeReturning(plan.sql, plan.params, schema);
      if (!row)
        throw NocofloError.create(Errors.DatasourceError, [`insert into ${table}`, 'no row was returned']);
      return row;
    });
  }

  async update(table: string, key: RowKey, changes: Row, options?: WriteOptions): Promise<Row> {
    return this.#write('update', table, (schema) => {
      const plan = planUpdate(schema, key, changes, this.#writeContext(schema));
      return this.#ifVersion(schema, key, options?.ifVersion, () => {
        const row = this.#writeReturning(plan.sql, plan.params, schema);
        if (!row) throw NocofloError.create(Errors.RowNotFound, [table, formatKey(key)]);
        return row;
      });
    });
  }

  async delete(table: string, key: RowKey, options?: WriteOptions): Promise<void> {
    return this.#write('delete', table, (schema) => {
      const plan = planDelete(schema, key, this.#writeContext(schema));
      this.#ifVersion(schema, key, options?.ifVersion, () => {
        const result = this.#statement(plan.sql).run(...plan.params);
        if (result.changes === 0) throw NocofloError.create(Errors.RowNotFound, [table, formatKey(key)]);
      });
    });
  }

  /**
   * Runs a write, first checking (with `ifVersion`) that the row still has that version.
   * `BEGIN IMMEDIATE` takes the database's write lock before the row is read, so no other
   * connection (another host on the same file) writes between the check and the write.
   */
  #ifVersion<T>(schema: TableSchema, key: RowKey, ifVersion: string | undefined, write: () => T): T {
    if (ifVersion === undefined) return write();
    return this.db
      .transaction(() => {
        const fetch = planFetch(schema, key, this.#writeContext(schema));
        assertRowVersion(schema.name, key, this.#all(fetch.sql, fetch.params, schema.columns)[0], ifVersion);
        return write();
      })
      .immediate();
  }

  async testConnection(): Promise<ConnectionInfo> {
    return this.#run('test connection', undefined, () => {
      // SQLite keeps working on a file deleted or moved after it was opened; say so instead.
      if (this.#file !== null && !existsSync(this.#file)) {
        throw NocofloError.create(Errors.ConnectionFailed, [
          this.url,
          `the database file ${this.#file} no longer exists (it was moved or deleted after it was opened)`,
          'Put the file back, or open the datasource again with its new path.',
        ]);
      }
      const started = performance.now();
      const row = this.db.prepare('SELECT sqlite_version() AS version').get() as { version: string };
      this.db.prepare('SELECT count(*) FROM sqlite_schema').get();
      return { ok: true, serverVersion: `SQLite ${row.version}`, latencyMs: performance.now() - started };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stream of this.#streams) stream.return();
    this.#streams.clear();
    this.#statements.clear();
    this.#schemas.clear();
    this.db.close();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  #scope(operation: string, table?: string) {
    return { url: this.url, operation, table };
  }

  /** Runs `work`, turning every failure into a NocofloError; refuses once closed. */
  #run<T>(operation: string, table: string | undefined, work: () => T): T {
    if (this.#closed) throw NocofloError.create(Errors.DatasourceClosed, [this.url, operation]);
    try {
      return work();
    } catch (error) {
      // The schema changed since it was described (another connection ran DDL): forget it.
      if (/no such (table|column)|has no column/i.test(String((error as Error)?.message)))
        this.#forgetSchema();
      throw toNocofloError(error, this.#scope(operation, table));
    }
  }

  #write<T>(operation: string, table: string, work: (schema: TableSchema) => T): Promise<T> {
    return Promise.resolve(
      this.#run(operation, table, () => {
        const schema = this.#schema(table);
        // A write while a stream's statement is open is refused by better-sqlite3's safe
        // mode; SQLite itself allows it on the same connection, so lift the guard for it.
        const unsafe = this.#streams.size > 0;
        if (unsafe) this.db.unsafeMode(true);
        try {
          return work(schema);
        } finally {
          if (unsafe) this.db.unsafeMode(false);
        }
      }),
    );
  }

  #context(schema: TableSchema): SelectContext {
    const fullText = this.#fullText.get(schema);
    return { from: quoteIdentifier(schema.name), dialect: sqliteDialect, ...(fullText ? { fullText } : {}) };
  }

  #writeContext(schema: TableSchema) {
    return { from: quoteIdentifier(schema.name), dialect: sqliteDialect, writable: this.capabilities.write };
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      // A bounded cache: when it is full, start over (plans repeat, so it refills at once).
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) this.#statements.clear();
      statement = this.db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs a read; numbers first, and again with bigints if an integer did not fit a number.
   * The statement answers arrays (raw mode), made into rows by the SDK's compiled row maker:
   * better-sqlite3 building each row object itself cost a 100-row page ~40% more.
   */
  #all(sql: string, params: unknown[], columns: Parameters<typeof rowDecoder>[0]): Row[] {
    const statement = this.#statement(sql).raw(true);
    const make = this.#makerOf(statement);
    for (const exact of [false, true]) {
      statement.safeIntegers(exact);
      const values = statement.all(...params) as unknown[][];
      const decode = rowDecoder(columns, exact);
      try {
        const rows = new Array<Row>(values.length);
        for (let i = 0; i < values.length; i++) rows[i] = decode(make(values[i]!));
        return rows;
      } catch (error) {
        if (!(error instanceof LossyIntegerRead)) throw error;
      }
    }
    throw new Error('unreachable: bigint mode never reports a lossy read');
  }

  /** The row maker of a cached statement's result columns (computed once per statement). */
  #makerOf(statement: Database.Statement): RowMaker {
    let make = this.#makers.get(statement);
    if (!make) {
      make = rowMaker(statement.columns().map((column) => column.name));
      this.#makers.set(statement, make);
    }
    return make;
  }

  /** Runs INSERT/UPDATE … RETURNING (or a keyed SELECT) in bigint mode: a write must not be repeated. */
  #writeReturning(sql: string, params: unknown[], schema: TableSchema): Row | undefined {
    const statement = this.#statement(sql).raw(false);
    statement.safeIntegers(true);
    const row = statement.get(...params) as Row | undefined;
    return row ? rowDecoder(schema.columns, true)(row) : undefined;
  }

  #forgetSchema(): void {
    this.#schemaVersion = -1;
    this.#tables = null;
    this.#schemas.clear();
  }

  #checkSchemaVersion(): void {
    const version = (this.#statement('PRAGMA schema_version').pluck().get() as number | bigint) ?? 0;
    const current = Number(version);
    if (current !== this.#schemaVersion) {
      this.#schemaVersion = current;
      this.#tables = null;
      this.#schemas.clear();
    }
  }

  /** The table list; `fresh` re-checks SQLite's schema version first (listing, describing, misses). */
  #tableList(fresh = true): TableInfo[] {
    if (fresh) this.#checkSchemaVersion();
    this.#tables ??= listSqliteTables(this.db);
    return this.#tables;
  }

  #schema(table: string): TableSchema {
    if (typeof table !== 'string') {
      throw NocofloError.create(Errors.TableNotFound, [String(table), this.#tableList().map((t) => t.name)]);
    }
    // Hot path: reads and writes trust the cached schema; a table or column that changed
    // under it makes the statement fail, which clears the cache (see #run).
    const cached = this.#schemas.get(table);
    if (cached) return cached;
    const tables = this.#tableList();
    const info = tables.find((candidate) => candidate.name === table);
    if (!info) throw NocofloError.create(Errors.TableNotFound, [table, tables.map((t) => t.name)]);
    const schema = describeSqliteTable(this.db, info, this.capabilities.write);
    const { search, fullText } = sqliteSearch(this.db, info.name, info.kind, schema.columns);
    if (search) schema.search = search;
    if (fullText) this.#fullText.set(schema, fullText);
    this.#schemas.set(table, schema);
    return schema;
  }
}

const TEXT_OUTPUT: ColumnSchema = {
  name: '',
  type: 'text',
  nativeType: 'TEXT',
  nullable: true,
  hasDefault: false,
};
const NUMBER_OUTPUT: ColumnSchema = {
  name: '',
  type: 'unknown',
  nativeType: '',
  nullable: true,
  hasDefault: false,
};

/**
 * count → number; sum of integer or decimal columns → exact decimal string (SQLite sums
 * integers exactly; decimal sums are rounded to the declared scale); avg → number (SQLite
 * averages in floating point).
 */
function measureValue(fn: string, type: string | undefined, value: CellValue): CellValue {
  if (fn === 'count') return value === null ? 0 : Number(value);
  if (value === null) return null;
  if (fn === 'sum' && (type === 'integer' || type === 'decimal')) return String(value);
  return typeof value === 'bigint' ? Number(value) : value;
}
