import { performance } from 'node:perf_hooks';
import {
  type AggregateQuery,
  type AggregateResult,
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
} from '@nocoflo/sdk';
import { boundedInteger, invalidQuery, resolveSortKeys, selectedColumns } from '@nocoflo/sdk/sql';
import type { RestHttpClient } from './http.js';
import { type Collected, collect, type Position, type ReadContext } from './paging.js';
import type { RestSpec } from './spec.js';
import { buildTable, conjunction, declaredOperators, queryParameters, type RestTable } from './table.js';

const SAMPLE_SIZE = 50;

interface CursorState {
  /** Fingerprint of the sort the cursor was made under. */
  f: string;
  /** Where the page starts. */
  p: Position;
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, fingerprint: string): Position {
  let state: CursorState;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorState;
  } catch {
    return invalidQuery('the cursor is not one this datasource produced');
  }
  const p = state?.p as Record<string, unknown> | undefined;
  const valid =
    p &&
    typeof p === 'object' &&
    ((Number.isInteger(p.o) && (p.o as number) >= 0) ||
      (Number.isInteger(p.w) && (p.w as number) >= 0) ||
      ((p.u === null || typeof p.u === 'string') && Number.isInteger(p.k) && Number.isInteger(p.i)));
  if (!valid || typeof state.f !== 'string') invalidQuery('the cursor is not one this datasource produced');
  if (state.f !== fingerprint) {
    invalidQuery('the cursor was made for another sort order; start again from the first page');
  }
  return state.p;
}

/**
 * A JSON REST API read as tables, each configured in the spec: a path, a JSON pointer to
 * the rows, a key and a pagination style. Filters and sorts go to the API as the spec
 * declares them; anything else is refused with `NCF_UNSUPPORTED` rather than computed over
 * one page. Read-only: writes are refused with `NCF_READ_ONLY`.
 */
export class RestDatasource implements Datasource {
  /** The API's URL (no credentials, no `spec`). */
  readonly url: string;
  /** Read-only, streams, no aggregates; sorts and filters as the spec declares. */
  readonly capabilities: DatasourceCapabilities;
  /** The HTTP client, for diagnostics (e.g. its request count). */
  readonly client: RestHttpClient;

  readonly #base: URL;
  readonly #spec: RestSpec;
  readonly #tables = new Map<string, Promise<RestTable>>();
  readonly #controller = new AbortController();
  #closed = false;

  /** @internal Use `openRest`. */
  constructor(base: URL, spec: RestSpec, client: RestHttpClient, displayUrl: string) {
    this.#base = base;
    this.#spec = spec;
    this.client = client;
    this.url = displayUrl;
    const specs = Object.values(spec.tables);
    this.capabilities = {
      write: false,
      estimates: false,
      stream: true,
      aggregate: false,
      sort: specs.every((t) => t.sort?.columns === '*' && t.sort.format !== 'pair'),
      filterOperators: declaredOperators(specs),
      // Text filters are the API's own (`Name__contains`), which match as the API does;
      // nothing here can make them ignore case.
      caseInsensitiveText: false,
      // Query parameters combine with AND only; there is no search parameter in a spec.
      filterGroups: false,
      search: false,
    };
  }

  async listTables(): Promise<TableInfo[]> {
    this.#open('list tables');
    return Object.keys(this.#spec.tables)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((name) => ({ name, kind: 'table' as const }));
  }

  async describeTable(table: string): Promise<TableSchema> {
    return structuredClone((await this.#table(table, 'describe table')).schema);
  }

  async readPage(table: string, options: ReadPageOptions = {}): Promise<Page> {
    const found = await this.#table(table, 'read page');
    const opts = options ?? {};
    const limit = boundedInteger(opts.limit, 'limit', 100, 1, 10_000);
    const { params, fingerprint, empty } = this.#query(found, opts);
    const columns = selectedColumns(found.schema, opts.columns).map((c) => c.name);
    const start: Position =
      opts.cursor === undefined || opts.cursor === null || opts.cursor === ''
        ? { o: 0 }
        : typeof opts.cursor === 'string'
          ? decodeCursor(opts.cursor, fingerprint)
          : invalidQuery('cursor must be a string from a previous page');
    if (empty) return { rows: [], nextCursor: null, prevCursor: null };
    const page = await this.#run('read page', () => collect(this.#context(found, params), start, limit));
    return {
      rows: page.rows.map((row) => project(row, columns)),
      nextCursor: page.next ? encodeCursor({ f: fingerprint, p: page.next }) : null,
      prevCursor: page.index > 0 ? encodeCursor({ f: fingerprint, p: previous(found, page, limit) }) : null,
      ...(page.total !== undefined ? { estimatedTotal: page.total } : {}),
    };
  }

  stream(table: string, options: StreamOptions = {}): AsyncIterable<Row> {
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        const opts = options ?? {};
        const found = await self.#table(table, 'stream');
        const batchSize = boundedInteger(opts.batchSize, 'batchSize', 1000, 1, 100_000);
        const { params, empty } = self.#query(found, opts);
        const columns = selectedColumns(found.schema, opts.columns).map((c) => c.name);
        if (empty) return;
        const keyOf = (row: Row) => JSON.stringify(found.schema.primaryKey.map((k) => String(row[k])));
        let position: Position | null = { o: 0 };
        let previousKeys: Set<string> | null = null;
        // One API page at a time, fetched when the consumer asks: flat memory, natural backpressure.
        while (position !== null) {
          if (opts.signal?.aborted) return;
          const at: Position = position;
          const batch: Collected = await self.#run('stream', () =>
            collect(self.#context(found, params, opts.signal), at, batchSize),
          );
          const keys = new Set(batch.rows.map(keyOf));
          if (
            previousKeys !== null &&
            batch.rows.length > 0 &&
            [...keys].every((key) => previousKeys?.has(key))
          ) {
            throw NocofloError.create(Errors.DatasourceError, [
              `stream of ${table}`,
              'the API answered the same page again (it ignores the page or offset parameter); stopped rather than loop',
            ]);
          }
          previousKeys = keys;
          for (const row of batch.rows) {
            if (self.#closed) throw NocofloError.create(Errors.DatasourceClosed, [self.url, 'stream']);
            yield project(row, columns);
            if (opts.signal?.aborted) return;
          }
          position = batch.next;
        }
      },
    };
  }

  async aggregate(table: string, _query: AggregateQuery): Promise<AggregateResult> {
    await this.#table(table, 'aggregate');
    throw NocofloError.create(Errors.Unsupported, [
      table,
      'aggregates',
      'A REST API cannot group and sum in its own store through this datasource; read the rows (or export them) and aggregate elsewhere.',
    ]);
  }

  async insert(table: string, _values: Row): Promise<Row> {
    return this.#refuseWrite(table, 'insert');
  }

  async update(table: string, _key: RowKey, _changes: Row): Promise<Row> {
    return this.#refuseWrite(table, 'update');
  }

  async delete(table: string, _key: RowKey): Promise<void> {
    await this.#refuseWrite(table, 'delete');
  }

  async testConnection(): Promise<ConnectionInfo> {
    this.#open('test connection');
    const first = Object.keys(this.#spec.tables)[0];
    const started = performance.now();
    if (first !== undefined) {
      const table = await this.#table(first, 'test connection');
      await this.#run('test connection', () => collect(this.#context(table, []), { o: 0 }, 1));
    }
    return {
      ok: true,
      serverVersion: `REST API at ${this.#base.host}`,
      latencyMs: performance.now() - started,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#controller.abort(NocofloError.create(Errors.DatasourceClosed, [this.url, 'request']));
    this.#tables.clear();
  }

  // ── internals ──────────────────────────────────────────────────────────────

  #open(operation: string): void {
    if (this.#closed) throw NocofloError.create(Errors.DatasourceClosed, [this.url, operation]);
  }

  async #refuseWrite(table: string, operation: string): Promise<never> {
    await this.#table(table, operation);
    throw NocofloError.create(Errors.ReadOnly, [
      table,
      'the REST datasource reads its API and never writes to it',
    ]);
  }

  async #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    this.#open(operation);
    try {
      return await work();
    } catch (error) {
      if (this.#closed) {
        throw NocofloError.create(Errors.DatasourceClosed, [this.url, operation], { cause: error });
      }
      if (isNocofloError(error)) throw error;
      if ((error as { name?: string })?.name === 'AbortError') throw error;
      throw NocofloError.create(Errors.DatasourceError, [operation, String(error)], { cause: error });
    }
  }

  #context(table: RestTable, params: readonly [string, string][], signal?: AbortSignal): ReadContext {
    const signals = signal ? AbortSignal.any([signal, this.#controller.signal]) : this.#controller.signal;
    return { client: this.client, base: this.#base, table, params, signal: signals };
  }

  #query(
    table: RestTable,
    options: { sort?: ReadPageOptions['sort']; filter?: ReadPageOptions['filter']; search?: string },
  ): { params: [string, string][]; fingerprint: string; empty: boolean } {
    if (typeof options.search === 'string' && options.search.trim() !== '') {
      throw NocofloError.create(Errors.Unsupported, [
        table.schema.name,
        'search',
        'The API has no search in its spec: filter on a column instead.',
      ]);
    }
    const params = queryParameters(table, options.filter, options.sort);
    const keys = resolveSortKeys(table.schema, options.sort);
    // Nothing is in an empty list: no request needed.
    const empty = conjunction(table.schema.name, options.filter ?? []).some(
      (f) => f.op === 'in' && Array.isArray(f.value) && f.value.length === 0,
    );
    return { params, fingerprint: keys.map((k) => `${k.column.name}:${k.direction}`).join(','), empty };
  }

  async #table(name: string, operation: string): Promise<RestTable> {
    this.#open(operation);
    const spec =
      typeof name === 'string' && Object.hasOwn(this.#spec.tables, name)
        ? this.#spec.tables[name]
        : undefined;
    if (!spec)
      throw NocofloError.create(Errors.TableNotFound, [String(name), Object.keys(this.#spec.tables).sort()]);
    let table = this.#tables.get(name);
    if (!table) {
      const needsSample = !spec.columns || spec.inferExtraColumns;
      table = (async () => {
        let sample: unknown[] = [];
        if (needsSample) {
          // The items as they come, to infer the columns from.
          const probe: RestTable = {
            name,
            spec,
            schema: { name, kind: 'table', columns: [], primaryKey: [], foreignKeys: [], writable: false },
            read: (item) => item as Row,
          };
          const first = await this.#run('describe table', () =>
            collect(this.#context(probe, []), { o: 0 }, SAMPLE_SIZE),
          );
          sample = first.rows;
        }
        return buildTable(name, spec, sample);
      })();
      this.#tables.set(name, table);
      table.catch(() => this.#tables.delete(name));
    }
    return table;
  }
}

/** Where the page before this one starts: offsets count back; forward-only APIs walk. */
function previous(table: RestTable, page: Collected, limit: number): Position {
  const index = Math.max(0, page.index - limit);
  const style = table.spec.pagination.style;
  if (style === 'cursor' || style === 'link') return index === 0 ? { u: null, k: 0, i: 0 } : { w: index };
  return { o: index };
}

function project(row: Row, columns: readonly string[]): Row {
  if (columns.length === Object.keys(row).length) return row;
  const out: Row = {};
  for (const name of columns) out[name] = row[name] ?? null;
  return out;
}
