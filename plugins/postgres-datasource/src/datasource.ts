import { performance } from 'node:perf_hooks';
import {
  type AggregateQuery,
  type AggregateResult,
  assertRowVersion,
  type ColumnSchema,
  type ConnectionInfo,
  type Datasource,
  type DatasourceCapabilities,
  Errors,
  isNocofloError,
  NocofloError,
  type Page,
  type ReadPageOptions,
  type Row,
  type RowKey,
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
  type SelectContext,
  stripHidden,
} from '@nocoflo/sdk/sql';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { isOrderable, postgresDialect } from './dialect.js';
import { toNocofloError, withColumn } from './errors.js';
import { describePgRelation, listPgRelations, type PgRelation } from './introspect.js';
import { postgresSearch } from './search.js';
import { StatementNames } from './statement-names.js';
import { parseTextArray, pgTypes } from './types.js';

/** One open stream, so `close()` can end it even while its consumer is paused. */
interface OpenStream {
  stop(): Promise<void>;
}

/**
 * A PostgreSQL database reached through a `pg` pool, as a nocoflo `Datasource` (`@nocoflo/sdk`).
 * Reads and writes take a pooled connection per call; streams hold one connection with a
 * server-side cursor inside a read-only transaction until they end.
 */
export class PostgresDatasource implements Datasource {
  /** The URL it was opened with, without password. */
  readonly url: string;
  /** Writes are possible unless opened read-only. */
  readonly capabilities: DatasourceCapabilities;
  /** The `pg` pool, for callers that need the raw driver (e.g. benchmarks). */
  readonly pool: pg.Pool;

  #closed = false;
  #relations: Map<string, PgRelation> | null = null;
  #listing: TableInfo[] = [];
  readonly #schemas = new Map<string, TableSchema>();
  /**
   * Descriptions under way, by relation: the first requests for a table not yet described
   * (a page opened by many at once, a host's start) share one, instead of each running the
   * catalog queries on a pooled connection of its own.
   */
  readonly #describing = new Map<string, Promise<TableSchema>>();
  /** The listing under way, shared by whoever asks for it meanwhile. */
  #listingInFlight: Promise<Map<string, PgRelation>> | null = null;
  /** The full-text index of each described relation that has one. */
  readonly #fullText = new WeakMap<TableSchema, FullTextSearch>();
  readonly #streams = new Set<OpenStream>();
  readonly #statements: StatementNames;

  /** The most connections its pool holds (`pool_max`, capped by the host's budget). */
  readonly maxConnections: number;
  readonly #poolQueue: number;

  /** @internal Use {@link openPostgres}. */
  constructor(
    pool: pg.Pool,
    url: string,
    writable: boolean,
    limits: { maxConnections: number; poolQueue: number; prepare?: boolean } = {
      maxConnections: 10,
      poolQueue: 100,
    },
  ) {
    this.pool = pool;
    this.url = url;
    this.capabilities = { write: writable, estimates: true, search: true, conditionalWrites: true };
    this.maxConnections = limits.maxConnections;
    this.#poolQueue = limits.poolQueue;
    this.#statements = new StatementNames(limits.prepare ?? true);
  }

  async listTables(): Promise<TableInfo[]> {
    return this.#run('list tables', undefined, async () => {
      await this.#loadRelations();
      return this.#listing.map((table) => ({ ...table }));
    });
  }

  async describeTable(table: string): Promise<TableSchema> {
    return this.#run('describe table', table, async () => structuredClone(await this.#schema(table)));
  }

  async readPage(table: string, options: ReadPageOptions = {}): Promise<Page> {
    return this.#run('read page', table, async () => {
      const schema = await this.#schema(table);
      const plan = planPage(schema, options ?? {}, this.#context(schema));
      const result = await this.#read(plan.sql, plan.params);
      return finishPage(plan, fixRows(result.rows, plan.columns));
    });
  }

  stream(table: string, options: StreamOptions = {}): AsyncIterable<Row> {
    return { [Symbol.asyncIterator]: () => this.#stream(table, options ?? {})[Symbol.asyncIterator]() };
  }

  async *#stream(table: string, options: StreamOptions): AsyncGenerator<Row> {
    const { plan, batchSize } = await this.#run('stream', table, async () => {
      const schema = await this.#schema(table);
      return {
        plan: planSelect(schema, options, this.#context(schema)),
        batchSize: boundedInteger(options.batchSize, 'batchSize', 1000, 1, 100_000),
      };
    });
    if (options.signal?.aborted) return;
    const client = await this.#run('stream', table, () => this.pool.connect());
    let cursor: Cursor<Row> | null = null;
    let released = false;
    // Ends the cursor and its transaction and gives the connection back; a connection that
    // cannot even roll back is destroyed rather than returned to the pool.
    const release = async (failed: boolean) => {
      if (released) return;
      released = true;
      this.#streams.delete(handle);
      try {
        if (cursor) await cursor.close();
        await client.query(failed ? 'ROLLBACK' : 'COMMIT');
        client.release();
      } catch (error) {
        client.release(error instanceof Error ? error : true);
      }
    };
    const handle: OpenStream = { stop: () => release(false) };
    this.#streams.add(handle);
    try {
      // A cursor lives in a transaction; READ ONLY keeps it from ever taking write locks.
      await client.query('BEGIN READ ONLY');
      cursor = client.query(new Cursor<Row>(plan.sql, plan.params, { types: pgTypes }));
      for (;;) {
        const batch = await cursor.read(batchSize);
        if (batch.length === 0) break;
        fixRows(batch, plan.columns);
        for (const row of plan.hidden.length > 0 ? stripHidden(batch, plan.hidden) : batch) {
          if (this.#closed) throw NocofloError.create(Errors.DatasourceClosed, [this.url, 'stream']);
          yield row;
          if (options.signal?.aborted) return;
        }
        if (batch.length < batchSize) break;
      }
    } catch (error) {
      await release(true);
      if (isNocofloError(error)) throw error;
      if (this.#closed) {
        throw NocofloError.create(Errors.DatasourceClosed, [this.url, 'stream'], { cause: error });
      }
      throw toNocofloError(error, { url: this.url, operation: 'stream', table });
    } finally {
      await release(false);
    }
  }

  async aggregate(table: string, query: AggregateQuery): Promise<AggregateResult> {
    return this.#run('aggregate', table, async () => {
      const schema = await this.#schema(table);
      const plan = planAggregate(schema, query, this.#context(schema));
      const result = await this.#read(plan.sql, plan.params);
      const counts = plan.outputs.filter((output) => output.kind === 'measure' && output.fn === 'count');
      for (const row of result.rows)
        for (const output of counts) row[output.name] = Number(row[output.name] ?? 0);
      return { rows: result.rows };
    });
  }

  async insert(table: string, values: Row): Promise<Row> {
    return this.#run('insert', table, async () => {
      const schema = await this.#schema(table);
      const plan = planInsert(schema, values, this.#writeContext(schema));
      const result = await this.pool
        .query<Row>({ text: plan.sql, values: plan.params, types: pgTypes })
        .catch((error: unknown) => Promise.reject(withColumn(error, schema.columns, values)));
      const row = result.rows[0];
      if (!row)
        throw NocofloError.create(Errors.DatasourceError, [`insert into ${table}`, 'no row was returned']);
      return fixRows([row], schema.columns)[0]!;
    });
  }

  async update(table: string, key: RowKey, changes: Row, options?: WriteOptions): Promise<Row> {
    return this.#run('update', table, async () => {
      const schema = await this.#schema(table);
      const plan = planUpdate(schema, key, changes, this.#writeContext(schema));
      return this.#ifVersion(schema, key, options?.ifVersion, async (db) => {
        const result = await db
          .query<Row>({ text: plan.sql, values: plan.params, types: pgTypes })
          .catch((error: unknown) => Promise.reject(withColumn(error, schema.columns, changes)));
        const row = result.rows[0];
        if (!row) throw NocofloError.create(Errors.RowNotFound, [table, formatKey(key)]);
        return fixRows([row], schema.columns)[0]!;
      });
    });
  }

  async delete(table: string, key: RowKey, options?: WriteOptions): Promise<void> {
    return this.#run('delete', table, async () => {
      const schema = await this.#schema(table);
      const plan = planDelete(schema, key, this.#writeContext(schema));
      await this.#ifVersion(schema, key, options?.ifVersion, async (db) => {
        const result = await db.query({ text: plan.sql, values: plan.params });
        if (result.rowCount === 0) throw NocofloError.create(Errors.RowNotFound, [table, formatKey(key)]);
      });
    });
  }

  /**
   * Runs a write on the pool, or (with `ifVersion`) in a transaction that first locks the
   * row (`SELECT … FOR UPDATE`) and checks its version: another session (another host on
   * this database) waits for the lock, then sees the new version and is refused.
   */
  async #ifVersion<T>(
    schema: TableSchema,
    key: RowKey,
    ifVersion: string | undefined,
    write: (db: pg.Pool | pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    if (ifVersion === undefined) return write(this.pool);
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const fetch = planFetch(schema, key, this.#writeContext(schema));
      const locked = await client.query<Row>({
        text: `${fetch.sql} FOR UPDATE`,
        values: fetch.params,
        types: pgTypes,
      });
      const current = locked.rows[0] ? fixRows([locked.rows[0]], schema.columns)[0] : undefined;
      assertRowVersion(schema.name, key, current, ifVersion);
      const result = await write(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async testConnection(): Promise<ConnectionInfo> {
    return this.#run('test connection', undefined, async () => {
      const started = performance.now();
      const result = await this.pool.query<{ version: string }>('SELECT version() AS version');
      const latencyMs = performance.now() - started;
      const version = result.rows[0]?.version ?? 'PostgreSQL';
      return { ok: true, serverVersion: /^\S+ \S+/.exec(version)?.[0] ?? version, latencyMs };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#streams].map((stream) => stream.stop()));
    this.#schemas.clear();
    await this.pool.end();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /**
   * Runs a read the datasource makes over and over (a page, an aggregate) as a named
   * prepared statement while the server keeps them (statement-names.ts), else unnamed.
   */
  async #read(text: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
    const name = this.#statements.nameOf(text);
    if (name === undefined) return this.pool.query<Row>({ text, values, types: pgTypes });
    try {
      return await this.pool.query<Row>({ name, text, values, types: pgTypes });
    } catch (error) {
      if (!this.#statements.retryUnnamed(text, error)) throw error;
      return this.pool.query<Row>({ text, values, types: pgTypes });
    }
  }

  async #run<T>(operation: string, table: string | undefined, work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw NocofloError.create(Errors.DatasourceClosed, [this.url, operation]);
    // Every connection busy and the queue full: refused now, not queued without end.
    if (this.pool.waitingCount >= this.#poolQueue)
      throw this.#busy(`the ${this.#poolQueue} requests pool_queue allows already wait`);
    try {
      return await work();
    } catch (error) {
      if (this.#closed)
        throw NocofloError.create(Errors.DatasourceClosed, [this.url, operation], { cause: error });
      // pg-pool gives up waiting for a free connection after connect_timeout: the pool is saturated.
      if (
        /timeout exceeded when trying to connect/i.test(String((error as Error)?.message)) &&
        this.pool.totalCount >= this.maxConnections
      )
        throw this.#busy(
          `all ${this.maxConnections} pooled connections stayed in use until connect_timeout`,
          error,
        );
      // A table or column dropped or renamed since it was described: forget the schema.
      const code = (error as { code?: string })?.code;
      if (code === '42P01' || code === '42703') this.#forget();
      throw toNocofloError(error, { url: this.url, operation, table });
    }
  }

  #busy(reason: string, cause?: unknown): NocofloError {
    return NocofloError.create(
      Errors.DatasourceBusy,
      [this.url, reason],
      cause === undefined ? {} : { cause },
    );
  }

  #forget(): void {
    this.#relations = null;
    this.#schemas.clear();
  }

  #context(schema: TableSchema): SelectContext {
    const fullText = this.#fullText.get(schema);
    return {
      from: this.#relation(schema.name).sql,
      dialect: postgresDialect,
      orderable: isOrderable,
      ...(fullText ? { fullText } : {}),
    };
  }

  #writeContext(schema: TableSchema) {
    return {
      from: this.#relation(schema.name).sql,
      dialect: postgresDialect,
      writable: this.capabilities.write,
    };
  }

  #loadRelations(): Promise<Map<string, PgRelation>> {
    this.#listingInFlight ??= this.#list().finally(() => {
      this.#listingInFlight = null;
    });
    return this.#listingInFlight;
  }

  async #list(): Promise<Map<string, PgRelation>> {
    const relations = await listPgRelations(this.pool);
    const byName = new Map<string, PgRelation>();
    for (const relation of relations) byName.set(relation.name, relation);
    // `public.orders` is accepted as another spelling of `orders`.
    for (const relation of relations) {
      const qualified = `${relation.schema}.${relation.relname}`;
      if (!byName.has(qualified)) byName.set(qualified, relation);
    }
    this.#relations = byName;
    this.#listing = relations.map(({ name, kind, rowCountEstimate }) =>
      rowCountEstimate === undefined ? { name, kind } : { name, kind, rowCountEstimate },
    );
    return byName;
  }

  #relation(table: string): PgRelation {
    const relation = this.#relations?.get(table);
    if (!relation)
      throw NocofloError.create(Errors.TableNotFound, [String(table), this.#listing.map((t) => t.name)]);
    return relation;
  }

  async #schema(table: string): Promise<TableSchema> {
    if (typeof table !== 'string') {
      throw NocofloError.create(Errors.TableNotFound, [String(table), this.#listing.map((t) => t.name)]);
    }
    let relation = this.#relations?.get(table);
    if (!relation) {
      // Unknown so far: the table may have been created since the last listing.
      relation = (await this.#loadRelations()).get(table);
      if (!relation)
        throw NocofloError.create(Errors.TableNotFound, [table, this.#listing.map((t) => t.name)]);
    }
    const cached = this.#schemas.get(relation.name);
    if (cached) return cached;
    const name = relation.name;
    let pending = this.#describing.get(name);
    if (!pending) {
      pending = this.#describe(relation).finally(() => this.#describing.delete(name));
      this.#describing.set(name, pending);
    }
    return pending;
  }

  async #describe(relation: PgRelation): Promise<TableSchema> {
    const schema = await describePgRelation(this.pool, relation, this.capabilities.write);
    const { search, fullText } = await postgresSearch(this.pool, relation.oid, schema.columns);
    if (search) schema.search = search;
    if (fullText) this.#fullText.set(schema, fullText);
    this.#schemas.set(relation.name, schema);
    return schema;
  }
}

/** Arrays of enums have no built-in parser and arrive as literals; parse them. Rows are fixed in place. */
function fixRows(rows: Row[], columns: readonly ColumnSchema[]): Row[] {
  const enumArrays = columns.filter((column) => column.type === 'array' && column.elementType === 'enum');
  if (enumArrays.length === 0) return rows;
  for (const row of rows) {
    for (const column of enumArrays) {
      const value = row[column.name];
      if (typeof value === 'string') row[column.name] = parseTextArray(value);
    }
  }
  return rows;
}
