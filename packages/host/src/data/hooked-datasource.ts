/**
 * The datasource the host hands out: the plugin's datasource with nocoflo's data hooks
 * around every read and write, driver errors turned into NocofloErrors, and a closed flag
 * the host can set when the providing plugin goes away.
 */
import {
  type AggregateQuery,
  type AggregateResult,
  type Datasource,
  Errors,
  errorMessage,
  isNocofloError,
  NocofloError,
  type NocofloHooks,
  type Page,
  type QueryEvent,
  type ReadPageOptions,
  type Row,
  type RowKey,
  type StreamOptions,
  type TableInfo,
  type TableSchema,
  type WriteEvent,
  type WriteOptions,
} from '@nocoflo/sdk';
import { type BufferedRowIterator, TAKE_BUFFERED, takeBuffered } from './buffered-rows.js';

// Hook arguments are copies: a tap mutating them cannot change what the host does.
const snapshot = <T>(value: T): T => (value === undefined ? value : Object.freeze(structuredClone(value)));

function asNocofloError(error: unknown, operation: string): NocofloError {
  if (isNocofloError(error)) return error;
  return NocofloError.create(Errors.DatasourceError, [operation, errorMessage(error)], { cause: error });
}

/** A datasource wrapped with the host's data hooks. */
export class HookedDatasource implements Datasource {
  #closed = false;

  constructor(
    private readonly inner: Datasource,
    private readonly hooks: NocofloHooks,
    /** Called once when the datasource is closed, by the user or by the host. */
    private readonly onClose: () => void,
  ) {}

  get url(): string {
    return this.inner.url;
  }

  get capabilities() {
    return this.inner.capabilities;
  }

  /** Whether `close` was called (by the user, or by the host when the plugin was disabled). */
  get closed(): boolean {
    return this.#closed;
  }

  listTables(): Promise<TableInfo[]> {
    return this.read(
      { datasource: this.url, operation: 'listTables' },
      () => this.inner.listTables(),
      (r) => r.length,
    );
  }

  describeTable(table: string): Promise<TableSchema> {
    return this.read({ datasource: this.url, table, operation: 'describeTable' }, () =>
      this.inner.describeTable(table),
    );
  }

  readPage(table: string, options: ReadPageOptions = {}): Promise<Page> {
    return this.read(
      { datasource: this.url, table, operation: 'readPage', options },
      () => this.inner.readPage(table, options),
      (page) => page.rows.length,
    );
  }

  aggregate(table: string, query: AggregateQuery): Promise<AggregateResult> {
    return this.read(
      { datasource: this.url, table, operation: 'aggregate', options: query },
      () => this.inner.aggregate(table, query),
      (result) => result.rows.length,
    );
  }

  /**
   * A plain async iterator over the plugin's stream, not an `async *` generator: a generator
   * step costs several promises per row, this one `then` on the plugin's own `next()`.
   */
  stream(table: string, options: StreamOptions = {}): AsyncIterable<Row> {
    return { [Symbol.asyncIterator]: () => new HookedStream(this, this.inner, this.hooks, table, options) };
  }

  /** Throws NCF_DATASOURCE_CLOSED once closed (a stream checks when its reading starts). */
  checkOpen(operation: string): void {
    this.assertOpen(operation);
  }

  insert(table: string, values: Row): Promise<Row> {
    return this.write({ datasource: this.url, table, operation: 'insert', values: snapshot(values) }, () =>
      this.inner.insert(table, values),
    );
  }

  update(table: string, key: RowKey, changes: Row, options?: WriteOptions): Promise<Row> {
    return this.write(
      { datasource: this.url, table, operation: 'update', key: snapshot(key), values: snapshot(changes) },
      () =>
        options === undefined
          ? this.inner.update(table, key, changes)
          : this.inner.update(table, key, changes, options),
    );
  }

  async delete(table: string, key: RowKey, options?: WriteOptions): Promise<void> {
    await this.write({ datasource: this.url, table, operation: 'delete', key: snapshot(key) }, () =>
      options === undefined ? this.inner.delete(table, key) : this.inner.delete(table, key, options),
    );
  }

  async testConnection() {
    this.assertOpen('testConnection');
    try {
      return await this.inner.testConnection();
    } catch (error) {
      if (isNocofloError(error)) throw error;
      throw NocofloError.create(Errors.ConnectionFailed, [this.url, errorMessage(error)], { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose();
    await this.inner.close();
  }

  private assertOpen(operation: string): void {
    if (this.#closed) throw NocofloError.create(Errors.DatasourceClosed, [this.url, operation]);
  }

  // `event.options` is the caller's object; it is copied only when a hook will see it.
  private async read<T>(event: QueryEvent, run: () => Promise<T>, count?: (result: T) => number): Promise<T> {
    this.assertOpen(event.operation);
    const { beforeQuery, afterQuery } = this.hooks;
    if (!beforeQuery.isUsed() && !afterQuery.isUsed()) {
      // No plugin watches queries: nothing to copy, time or report (the usual case, and
      // the rows API's hot path).
      try {
        return await run();
      } catch (error) {
        throw asNocofloError(error, event.operation);
      }
    }
    const frozen = Object.freeze(
      event.options === undefined ? event : { ...event, options: snapshot(event.options) },
    );
    if (beforeQuery.isUsed()) await beforeQuery.promise(frozen);
    const started = performance.now();
    try {
      const result = await run();
      if (afterQuery.isUsed()) {
        const outcome = {
          durationMs: performance.now() - started,
          ...(count ? { rowCount: count(result) } : {}),
        };
        await afterQuery.promise(frozen, outcome);
      }
      return result;
    } catch (error) {
      const failure = asNocofloError(error, event.operation);
      if (afterQuery.isUsed())
        await afterQuery.promise(frozen, {
          durationMs: performance.now() - started,
          error: failure.toJSON(),
        });
      throw failure;
    }
  }

  private async write<T>(event: WriteEvent, run: () => Promise<T>): Promise<T> {
    this.assertOpen(event.operation);
    const frozen = Object.freeze(event);
    const { beforeWrite, afterWrite } = this.hooks;
    const started = performance.now();
    if (beforeWrite.isUsed()) {
      const veto = await beforeWrite.promise(frozen);
      if (veto) {
        const refused = NocofloError.create(Errors.WriteVetoed, [veto.plugin ?? 'a plugin', veto.reason], {
          details: { plugin: veto.plugin },
        });
        if (afterWrite.isUsed())
          await afterWrite.promise(frozen, {
            durationMs: performance.now() - started,
            error: refused.toJSON(),
          });
        throw refused;
      }
    }
    try {
      const result = await run();
      if (afterWrite.isUsed()) {
        const row = result && typeof result === 'object' ? { row: snapshot(result as Row) } : {};
        await afterWrite.promise(frozen, { durationMs: performance.now() - started, ...row });
      }
      return result;
    } catch (error) {
      const failure = asNocofloError(error, event.operation);
      if (afterWrite.isUsed())
        await afterWrite.promise(frozen, {
          durationMs: performance.now() - started,
          error: failure.toJSON(),
        });
      throw failure;
    }
  }
}

/** One stream of a {@link HookedDatasource}: the data hooks around the plugin's iterator. */
class HookedStream implements BufferedRowIterator {
  #inner: AsyncIterator<Row> | undefined;
  #event: QueryEvent | undefined;
  #started = 0;
  #rowCount = 0;
  #finished = false;

  constructor(
    private readonly outer: HookedDatasource,
    private readonly source: Datasource,
    private readonly hooks: NocofloHooks,
    private readonly table: string,
    private readonly options: StreamOptions,
  ) {}

  next(): Promise<IteratorResult<Row>> {
    if (this.#inner) {
      if (this.#finished) return Promise.resolve({ done: true, value: undefined });
      return this.#inner.next().then(this.#onResult, this.#onError);
    }
    return this.#start().then(() => this.next());
  }

  /** The rows the plugin's iterator holds (see buffered-rows.ts), counted for `afterQuery`. */
  [TAKE_BUFFERED](): readonly Row[] {
    if (!this.#inner || this.#finished) return [];
    const rows = takeBuffered(this.#inner);
    this.#rowCount += rows.length;
    return rows;
  }

  return(): Promise<IteratorResult<Row>> {
    if (!this.#inner || this.#finished) {
      this.#finished = true;
      return Promise.resolve({ done: true, value: undefined });
    }
    this.#finished = true;
    const inner = this.#inner;
    return Promise.resolve(inner.return?.())
      .then(() => this.#after(undefined))
      .then(() => ({ done: true, value: undefined }));
  }

  async #start(): Promise<void> {
    this.outer.checkOpen('stream');
    const { signal: _signal, ...plain } = this.options;
    this.#event = Object.freeze<QueryEvent>({
      datasource: this.outer.url,
      table: this.table,
      operation: 'stream',
      options: snapshot(plain),
    });
    if (this.hooks.beforeQuery.isUsed()) await this.hooks.beforeQuery.promise(this.#event);
    this.#started = performance.now();
    try {
      this.#inner = this.source.stream(this.table, this.options)[Symbol.asyncIterator]();
    } catch (error) {
      const failure = asNocofloError(error, 'stream');
      this.#inner = emptyIterator;
      this.#finished = true;
      await this.#after(failure);
      throw failure;
    }
  }

  #onResult = (result: IteratorResult<Row>): IteratorResult<Row> | Promise<IteratorResult<Row>> => {
    if (!result.done) {
      this.#rowCount += 1;
      return result;
    }
    this.#finished = true;
    return this.#after(undefined).then(() => result);
  };

  #onError = (error: unknown): Promise<never> => {
    const failure = asNocofloError(error, 'stream');
    this.#finished = true;
    return this.#after(failure).then(() => {
      throw failure;
    });
  };

  /** Tells `afterQuery` (when tapped) how the stream ended. */
  #after(failure: NocofloError | undefined): Promise<void> {
    if (!this.hooks.afterQuery.isUsed() || !this.#event) return Promise.resolve();
    const durationMs = performance.now() - this.#started;
    const rowCount = this.#rowCount;
    return this.hooks.afterQuery.promise(
      this.#event,
      failure ? { durationMs, rowCount, error: failure.toJSON() } : { durationMs, rowCount },
    );
  }
}

const emptyIterator: AsyncIterator<Row> = {
  next: () => Promise.resolve({ done: true, value: undefined }),
};
