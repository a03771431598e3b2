/**
 * A datasource whose code runs in an isolated plugin: every method is one call across;
 * `stream` pulls batches (the plugin reads at most two batches ahead of the consumer:
 * backpressure) and tells the plugin to stop when the consumer stops or its signal aborts
 * (cancellation).
 */
import type {
  AggregateQuery,
  AggregateResult,
  ConnectionInfo,
  Datasource,
  DatasourceCapabilities,
  Page,
  ReadPageOptions,
  Row,
  RowKey,
  StreamOptions,
  TableInfo,
  TableSchema,
  WriteOptions,
} from '@nocoflo/sdk';
import type { BirpcReturn } from 'birpc';
import { type BufferedRowIterator, TAKE_BUFFERED } from '../../data/buffered-rows.js';
import { unpackJson } from './json-wire.js';
import { type PageWire, unpackPage } from './page-wire.js';
import type { ChildFunctions, DatasourceMethod, HostFunctions, OpenedWire, StreamBatch } from './protocol.js';
import { unpackRows } from './row-wire.js';

type Rpc = BirpcReturn<ChildFunctions, HostFunctions>;

/** Runs one call across under the runtime's watchdog. */
export type RemoteCall = <T>(what: string, fn: (rpc: Rpc) => Promise<T>) => Promise<T>;

/** A {@link Datasource} living in an isolated plugin. */
export class RemoteDatasource implements Datasource {
  readonly url: string;
  readonly capabilities: DatasourceCapabilities;
  readonly #handle: number;

  constructor(
    opened: OpenedWire,
    private readonly remote: RemoteCall,
  ) {
    this.url = opened.url;
    this.capabilities = opened.capabilities;
    this.#handle = opened.handle;
  }

  listTables(): Promise<TableInfo[]> {
    return this.invoke('listTables', []);
  }
  describeTable(table: string): Promise<TableSchema> {
    return this.invoke('describeTable', [table]);
  }
  async readPage(table: string, options?: ReadPageOptions): Promise<Page> {
    return unpackPage(
      await this.invoke<PageWire>('readPage', options === undefined ? [table] : [table, options]),
    );
  }
  aggregate(table: string, query: AggregateQuery): Promise<AggregateResult> {
    return this.invoke('aggregate', [table, query]);
  }
  insert(table: string, values: Row): Promise<Row> {
    return this.invoke('insert', [table, values]);
  }
  update(table: string, key: RowKey, changes: Row, options?: WriteOptions): Promise<Row> {
    return this.invoke(
      'update',
      options === undefined ? [table, key, changes] : [table, key, changes, options],
    );
  }
  delete(table: string, key: RowKey, options?: WriteOptions): Promise<void> {
    return this.invoke('delete', options === undefined ? [table, key] : [table, key, options]);
  }
  testConnection(): Promise<ConnectionInfo> {
    return this.invoke('testConnection', []);
  }
  close(): Promise<void> {
    return this.invoke('close', []);
  }

  stream(table: string, options: StreamOptions = {}): AsyncIterable<Row> {
    return { [Symbol.asyncIterator]: () => new RemoteStream(this.remote, this.#handle, table, options) };
  }

  private invoke<T>(method: DatasourceMethod, args: unknown[]): Promise<T> {
    const handle = this.#handle;
    return this.remote(method, async (rpc) => unpackJson<T>(await rpc.datasource(handle, method, args)));
  }
}

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };
/**
 * Batches asked for ahead of the consumer. Two, so that the plugin's thread always has the
 * next ask in hand when it finishes a batch: with one, it waited a round trip (the batch
 * crossing, the next ask crossing back) per batch, a third of a 200,000-row stream's time.
 */
const AHEAD = 2;
const NONE: readonly Row[] = Object.freeze([]);
const ignore = () => undefined;

/**
 * One stream of a {@link RemoteDatasource}. A plain async iterator, not an `async *`
 * generator (a generator step costs several promises per row): a row of the batch in hand
 * is one settled promise. While the consumer works through a batch, the next two are already
 * asked for, so the plugin's thread reads them meanwhile; never more than {@link AHEAD}
 * batches ahead.
 * A consumer that knows (the export route, through the data hooks) takes the rest of the
 * batch in hand at once (see data/buffered-rows.ts) instead of a promise per row.
 */
class RemoteStream implements BufferedRowIterator {
  #rows: Row[] = [];
  #at = 0;
  /** The plugin's stream id, once opened. */
  #id: Promise<number> | undefined;
  /** The batches asked for ahead of the consumer, oldest first (at most {@link AHEAD}). */
  #ahead: Promise<StreamBatch>[] = [];
  /** The plugin's side has sent its last batch (nothing to close there). */
  #exhausted = false;
  /** The consumer's side is over: returned, aborted or failed. */
  #ended = false;
  readonly #signal: AbortSignal | undefined;
  readonly #options: Omit<StreamOptions, 'signal'>;

  constructor(
    private readonly remote: RemoteCall,
    private readonly handle: number,
    private readonly table: string,
    options: StreamOptions,
  ) {
    const { signal, ...rest } = options;
    this.#signal = signal;
    this.#options = rest;
  }

  next(): Promise<IteratorResult<Row>> {
    if (this.#at < this.#rows.length && !this.#signal?.aborted)
      return Promise.resolve({ value: this.#rows[this.#at++]!, done: false });
    return this.#refill();
  }

  /** The rest of the batch in hand, counted as given; none once stopped or aborted. */
  [TAKE_BUFFERED](): readonly Row[] {
    if (this.#ended || this.#signal?.aborted || this.#at >= this.#rows.length) return NONE;
    const rows = this.#at === 0 ? this.#rows : this.#rows.slice(this.#at);
    this.#at = this.#rows.length;
    return rows;
  }

  async return(): Promise<IteratorResult<Row>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#rows = [];
      await this.#stop();
    }
    return DONE;
  }

  async #refill(): Promise<IteratorResult<Row>> {
    try {
      for (;;) {
        if (this.#ended) return DONE;
        this.#signal?.throwIfAborted();
        if (this.#at < this.#rows.length) return { value: this.#rows[this.#at++]!, done: false };
        if (this.#exhausted) {
          this.#ended = true;
          return DONE;
        }
        this.#id ??= this.remote('stream', (rpc) => rpc.streamOpen(this.handle, this.table, this.#options));
        const id = await this.#id;
        const batch = await (this.#ahead.shift() ?? this.#ask(id));
        this.#rows = batch.rows;
        this.#at = 0;
        if (batch.done) this.#exhausted = true;
        else if (!this.#ended) while (this.#ahead.length < AHEAD) this.#ahead.push(this.#ask(id));
      }
    } catch (error) {
      if (!this.#ended) {
        this.#ended = true;
        this.#rows = [];
        await this.#stop();
      }
      throw error;
    }
  }

  #ask(id: number): Promise<StreamBatch> {
    const batch = this.remote('stream', (rpc) => rpc.streamNext(id)).then(
      (wire): StreamBatch => ({ rows: unpackRows(wire.rows), done: wire.done }),
    );
    batch.catch(ignore); // awaited by the next refill; a consumer that stops first ignores it
    return batch;
  }

  /** Tells the plugin to stop, once any batch it is reading has arrived. */
  async #stop(): Promise<void> {
    if (!this.#id) return;
    const ahead = this.#ahead;
    this.#ahead = [];
    for (const asked of ahead) {
      const batch = await asked.catch(ignore);
      if (batch?.done) this.#exhausted = true;
    }
    if (this.#exhausted) return;
    this.#exhausted = true;
    const id = await this.#id.catch(ignore);
    if (id !== undefined) await this.remote('stream', (rpc) => rpc.streamClose(id)).catch(ignore);
  }
}
