/**
 * A datasource whose code runs in an isolated plugin: every method is one call across;
 * `stream` pulls batches one at a time (the plugin reads the next batch only when the
 * consumer asks for it: backpressure) and tells the plugin to stop when the consumer stops
 * or its signal aborts (cancellation).
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
} from '@nocoflo/sdk';
import type { BirpcReturn } from 'birpc';
import { attachPageVersions } from '../../data/page-versions.js';
import { unpackJson } from './json-wire.js';
import type {
  ChildFunctions,
  DatasourceMethod,
  HostFunctions,
  OpenedWire,
  PageWire,
  StreamBatch,
} from './protocol.js';

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
    const { page, versions } = await this.invoke<PageWire>(
      'readPage',
      options === undefined ? [table] : [table, options],
    );
    attachPageVersions(page, versions);
    return page;
  }
  aggregate(table: string, query: AggregateQuery): Promise<AggregateResult> {
    return this.invoke('aggregate', [table, query]);
  }
  insert(table: string, values: Row): Promise<Row> {
    return this.invoke('insert', [table, values]);
  }
  update(table: string, key: RowKey, changes: Row): Promise<Row> {
    return this.invoke('update', [table, key, changes]);
  }
  delete(table: string, key: RowKey): Promise<void> {
    return this.invoke('delete', [table, key]);
  }
  testConnection(): Promise<ConnectionInfo> {
    return this.invoke('testConnection', []);
  }
  close(): Promise<void> {
    return this.invoke('close', []);
  }

  async *stream(table: string, options: StreamOptions = {}): AsyncIterable<Row> {
    const { signal, ...rest } = options;
    signal?.throwIfAborted();
    const handle = this.#handle;
    const stream = await this.remote('stream', (rpc) => rpc.streamOpen(handle, table, rest));
    let done = false;
    try {
      while (!done) {
        signal?.throwIfAborted();
        const batch = unpackJson<StreamBatch>(await this.remote('stream', (rpc) => rpc.streamNext(stream)));
        done = batch.done;
        for (const row of batch.rows) yield row;
      }
    } finally {
      if (!done) await this.remote('stream', (rpc) => rpc.streamClose(stream)).catch(() => undefined);
    }
  }

  private invoke<T>(method: DatasourceMethod, args: unknown[]): Promise<T> {
    const handle = this.#handle;
    return this.remote(method, async (rpc) => unpackJson<T>(await rpc.datasource(handle, method, args)));
  }
}
