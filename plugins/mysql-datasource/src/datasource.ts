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
  type AggregateOutput,
  boundedInteger,
  finishPage,
  formatKey,
  planAggregate,
  planDelete,
  planFetch,
  planInsert,
  planPage,
  planSelect,
  planUpdate,
  validateValue,
} from '@nocoflo/sdk/sql';
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { isOrderable, mysqlDialect } from './dialect.js';
import { toNocofloError } from './errors.js';
import {
  describeMysqlRelation,
  listMysqlRelations,
  type MysqlRelation,
  type MysqlTableFacts,
} from './introspect.js';
import { MysqlRowStream } from './stream.js';
import { rowDecoder } from './types.js';

/** Bound parameters as mysql2 types them (the dialect's typed values included). */
type Bind = Parameters<Pool['execute']>[1];

/** What the datasource learnt about the server when it opened. */
export interface MysqlServerInfo {
  /** `VERSION()`, e.g. `10.11.6-MariaDB-0+deb12u1` or `8.4.3`. */
  version: string;
  /** Whether the server is MariaDB (JSON is a checked LONGTEXT there). */
  mariadb: boolean;
  /** The database whose tables are listed. */
  database: string;
  /** The pool's size. */
  maxConnections: number;
}

/**
 * A MySQL or MariaDB database reached through a `mysql2` pool, as a nocoflo `Datasource`
 * (`@nocoflo/sdk`). Every statement is a server-side prepared statement with bound, typed
 * parameters. Reads take a pooled connection per call; writes run in a transaction that
 * reads the written row back by key; streams hold one connection and pause it when the
 * consumer falls behind.
 */
export class MysqlDatasource implements Datasource {
  /** The URL it was opened with, without password. */
  readonly url: string;
  /** Writes are possible unless opened read-only. */
  readonly capabilities: DatasourceCapabilities;
  /** The `mysql2` promise pool, for callers that need the raw driver (e.g. benchmarks). */
  readonly pool: Pool;
  /** The server it talks to. */
  readonly server: MysqlServerInfo;
  /** The pool's size: the most connections this datasource holds at once. */
  readonly maxConnections: number;

  #closed = false;
  #relations: Map<string, MysqlRelation> | null = null;
  #listing: TableInfo[] = [];
  readonly #tables = new Map<string, MysqlTableFacts>();
  // Describes and listings in flight, shared by concurrent callers (one query each, not one per caller).
  readonly #describing = new Map<string, Promise<MysqlTableFacts>>();
  #listingInFlight: Promise<Map<string, MysqlRelation>> | null = null;
  readonly #streams = new Set<MysqlRowStream>();

  /** @internal Use {@link openMysql}. */
  constructor(pool: Pool, url: string, writable: boolean, server: MysqlServerInfo) {
    this.pool = pool;
    this.url = url;
    this.server = server;
    this.maxConnections = server.maxConnections;
    this.capabilities = { write: writable, estimates: true, search: true, conditionalWrites: true };
  }

  async listTables(): Promise<TableInfo[]> {
    return this.#run('list tables', undefined, async () => {
      await this.#loadRelations();
      return this.#listing.map((table) => ({ ...table }));
    });
  }

  async describeTable(table: string): Promise<TableSchema> {
    return this.#run('describe table', table, async () => structuredClone((await this.#facts(table)).schema));
  }

  async readPage(table: string, options: ReadPageOptions = {}): Promise<Page> {
    return this.#run('read page', table, async () => {
      const { schema } = await this.#facts(table);
      const plan = planPage(schema, options ?? {}, this.#context(schema));
      const [rows] = await this.pool.execute<RowDataPacket[]>(plan.sql, plan.params as Bind);
      const decode = rowDecoder(plan.columns);
      const fetched = rows as Row[];
      for (let i = 0; i < fetched.length; i++) decode(fetched[i]!);
      return finishPage(plan, fetched);
    });
  }

  stream(table: string, options: StreamOptions = {}): AsyncIterable<Row> {
    const opts = options ?? {};
    return {
      [Symbol.asyncIterator]: () => {
        const stream: MysqlRowStream = new MysqlRowStream(
          {
            url: this.url,
            start: () =>
              this.#run('stream', table, async () => {
                const { schema } = await this.#facts(table);
                const plan = planSelect(schema, opts, this.#context(schema));
                const batchSize = boundedInteger(opts.batchSize, 'batchSize', 1000, 1, 100_000);
                const connection = await this.pool.getConnection();
                if (this.#closed) {
                  connection.release();
                  throw NocofloError.create(Errors.DatasourceClosed, [this.url, 'stream']);
                }
                this.#streams.add(stream);
                return {
                  sql: plan.sql,
                  params: plan.params,
                  connection,
                  batchSize,
                  decode: rowDecoder(plan.columns),
                  hidden: plan.hidden,
                };
              }),
            closed: () => this.#closed,
            fail: (error) => toNocofloError(error, { url: this.url, operation: 'stream', table }),
            ended: (ended) => this.#streams.delete(ended),
          },
          opts.signal,
        );
        return stream;
      },
    };
  }

  async aggregate(table: string, query: AggregateQuery): Promise<AggregateResult> {
    return this.#run('aggregate', table, async () => {
      const { schema } = await this.#facts(table);
      const relation = this.#relation(table);
      const plan = planAggregate(schema, query, { from: relation.sql, dialect: mysqlDialect });
      const [rows] = await this.pool.execute<RowDataPacket[]>(plan.sql, plan.params as Bind);
      const decoders = plan.outputs.map((output) => [output.name, outputDecoder(output)] as const);
      const result = rows as Row[];
      for (const row of result) {
        for (const [name, decode] of decoders) {
          if (decode && row[name] !== null && row[name] !== undefined)
            row[name] = decode(row[name]) as Row[string];
        }
      }
      return { rows: result };
    });
  }

  async insert(table: string, values: Row): Promise<Row> {
    return this.#run('insert', table, async () => {
      const facts = await this.#facts(table);
      const { schema } = facts;
      const context = this.#writeContext(schema);
      const plan = planInsert(schema, values, context);
      return this.#transaction(async (connection) => {
        const [result] = await connection.execute<ResultSetHeader>(plan.sql, plan.params as Bind);
        // The key of the new row: given in the values, or the AUTO_INCREMENT value assigned.
        const key: RowKey = {};
        for (const name of schema.primaryKey) {
          const column = schema.columns.find((c) => c.name === name)!;
          const given = (values as Row)[name];
          if (given !== undefined && given !== null) key[name] = validateValue(schema.name, column, given);
          else if (name === facts.autoIncrement) key[name] = insertId(result.insertId);
          else {
            throw NocofloError.create(Errors.DatasourceError, [
              `insert into ${table}`,
              `the row was stored, but its key column ${name} was filled by the database in a way that cannot be read back; give ${name} a value`,
            ]);
          }
        }
        return this.#fetch(connection, schema, key, `insert into ${table}`);
      });
    });
  }

  async update(table: string, key: RowKey, changes: Row, options?: WriteOptions): Promise<Row> {
    return this.#run('update', table, async () => {
      const { schema } = await this.#facts(table);
      const context = this.#writeContext(schema);
      const plan = planUpdate(schema, key, changes, context);
      return this.#transaction(async (connection) => {
        await this.#checkVersion(connection, schema, key, options?.ifVersion);
        const [result] = await connection.execute<ResultSetHeader | RowDataPacket[]>(
          plan.sql,
          plan.params as Bind,
        );
        // With nothing to change the plan is the keyed SELECT itself.
        if (Array.isArray(result)) {
          const row = result[0] as Row | undefined;
          if (!row) throw NocofloError.create(Errors.RowNotFound, [table, formatKey(key)]);
          return rowDecoder(schema.columns)(row);
        }
        // affectedRows counts matched rows (the pool sets CLIENT_FOUND_ROWS).
        if (result.affectedRows === 0) throw NocofloError.create(Errors.RowNotFound, [table, formatKey(key)]);
        const newKey: RowKey = {};
        for (const name of schema.primaryKey) {
          const column = schema.columns.find((c) => c.name === name)!;
          const changed = (changes as Row)[name];
          newKey[name] = validateValue(schema.name, column, changed !== undefined ? changed : key[name]);
        }
        return this.#fetch(connection, schema, newKey, `update of ${table}`);
      });
    });
  }

  async delete(table: string, key: RowKey, options?: WriteOptions): Promise<void> {
    return this.#run('delete', table, async () => {
      const { schema } = await this.#facts(table);
      const plan = planDelete(schema, key, this.#writeContext(schema));
      const remove = async (db: Pool | PoolConnection) => {
        const [result] = await db.execute<ResultSetHeader>(plan.sql, plan.params as Bind);
        if (result.affectedRows === 0) throw NocofloError.create(Errors.RowNotFound, [table, formatKey(key)]);
      };
      if (options?.ifVersion === undefined) return remove(this.pool);
      const ifVersion = options.ifVersion;
      return this.#transaction(async (connection) => {
        await this.#checkVersion(connection, schema, key, ifVersion);
        await remove(connection);
      });
    });
  }

  async testConnection(): Promise<ConnectionInfo> {
    return this.#run('test connection', undefined, async () => {
      const started = performance.now();
      const [rows] = await this.pool.query<RowDataPacket[]>('SELECT VERSION() AS version');
      const latencyMs = performance.now() - started;
      const version = String(rows[0]?.version ?? this.server.version);
      const product = /mariadb/i.test(version) ? 'MariaDB' : 'MySQL';
      return { ok: true, serverVersion: `${product} ${version.replace(/-MariaDB.*$/i, '')}`, latencyMs };
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stream of [...this.#streams]) stream.stop();
    this.#tables.clear();
    await this.pool.end();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  async #run<T>(operation: string, table: string | undefined, work: () => Promise<T>): Promise<T> {
    if (this.#closed) throw NocofloError.create(Errors.DatasourceClosed, [this.url, operation]);
    try {
      return await work();
    } catch (error) {
      if (this.#closed)
        throw NocofloError.create(Errors.DatasourceClosed, [this.url, operation], { cause: error });
      // A table or column dropped or renamed since it was described: forget the schema.
      const errno = (error as { errno?: number })?.errno;
      if (errno === 1146 || errno === 1054) this.#forget();
      throw toNocofloError(error, { url: this.url, operation, table });
    }
  }

  async #transaction<T>(work: (connection: PoolConnection) => Promise<T>): Promise<T> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const result = await work(connection);
      await connection.commit();
      connection.release();
      return result;
    } catch (error) {
      try {
        await connection.rollback();
        connection.release();
      } catch {
        connection.destroy();
      }
      throw error;
    }
  }

  /**
   * With `ifVersion`, inside the write's transaction: reads the row with `FOR UPDATE` (InnoDB
   * locks it until the transaction ends, so another session, another host on this database,
   * waits and then reads the new row) and rejects unless it still has that version.
   */
  async #checkVersion(
    connection: PoolConnection,
    schema: TableSchema,
    key: RowKey,
    ifVersion: string | undefined,
  ): Promise<void> {
    if (ifVersion === undefined) return;
    const plan = planFetch(schema, key, { from: this.#relation(schema.name).sql, dialect: mysqlDialect });
    const [rows] = await connection.execute<RowDataPacket[]>(`${plan.sql} FOR UPDATE`, plan.params as Bind);
    const row = rows[0] as Row | undefined;
    assertRowVersion(schema.name, key, row ? rowDecoder(schema.columns)(row) : undefined, ifVersion);
  }

  async #fetch(connection: PoolConnection, schema: TableSchema, key: RowKey, what: string): Promise<Row> {
    const plan = planFetch(schema, key, { from: this.#relation(schema.name).sql, dialect: mysqlDialect });
    const [rows] = await connection.execute<RowDataPacket[]>(plan.sql, plan.params as Bind);
    const row = rows[0] as Row | undefined;
    if (!row)
      throw NocofloError.create(Errors.DatasourceError, [what, 'the written row could not be read back']);
    return rowDecoder(schema.columns)(row);
  }

  #forget(): void {
    this.#relations = null;
    this.#tables.clear();
  }

  #context(schema: TableSchema) {
    return { from: this.#relation(schema.name).sql, dialect: mysqlDialect, orderable: isOrderable };
  }

  #writeContext(schema: TableSchema) {
    return {
      from: this.#relation(schema.name).sql,
      dialect: mysqlDialect,
      writable: this.capabilities.write,
    };
  }

  #loadRelations(): Promise<Map<string, MysqlRelation>> {
    this.#listingInFlight ??= this.#list().finally(() => {
      this.#listingInFlight = null;
    });
    return this.#listingInFlight;
  }

  async #list(): Promise<Map<string, MysqlRelation>> {
    const relations = await listMysqlRelations(this.pool);
    this.#relations = new Map(relations.map((relation) => [relation.name, relation]));
    this.#listing = relations.map(({ name, kind, rowCountEstimate }) =>
      rowCountEstimate === undefined ? { name, kind } : { name, kind, rowCountEstimate },
    );
    return this.#relations;
  }

  #relation(table: string): MysqlRelation {
    const relation = this.#relations?.get(table);
    if (!relation)
      throw NocofloError.create(Errors.TableNotFound, [String(table), this.#listing.map((t) => t.name)]);
    return relation;
  }

  async #facts(table: string): Promise<MysqlTableFacts> {
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
    const cached = this.#tables.get(relation.name);
    if (cached) return cached;
    const name = relation.name;
    let pending = this.#describing.get(name);
    if (!pending) {
      pending = describeMysqlRelation(this.pool, relation, {
        writable: this.capabilities.write,
        mariadb: this.server.mariadb,
        database: this.server.database,
      })
        .then((facts) => {
          this.#tables.set(name, facts);
          return facts;
        })
        .finally(() => this.#describing.delete(name));
      this.#describing.set(name, pending);
    }
    return pending;
  }
}

/** An insert id as the SDK's integer: a number, or a bigint beyond 2^53. */
function insertId(value: number | string | bigint): number | bigint {
  if (typeof value === 'number') return value;
  const big = BigInt(value);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** How one aggregate output is read: keys and min/max like the column, counts as numbers, sums and averages as they come (exact decimal strings, or floats). */
function outputDecoder(output: AggregateOutput): ((value: unknown) => unknown) | null {
  if (output.kind === 'key') {
    if (output.bucket) return null;
    return columnDecoder(output.column);
  }
  if (output.fn === 'count') return (value) => Number(value);
  if ((output.fn === 'min' || output.fn === 'max') && output.column) return columnDecoder(output.column);
  return null;
}

function columnDecoder(column: ColumnSchema): (value: unknown) => unknown {
  const decode = rowDecoder([column]);
  return (value) => decode({ [column.name]: value as Row[string] })[column.name];
}
