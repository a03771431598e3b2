/**
 * Export of a table, filtered and sorted as the table view shows it, as a download:
 *
 * | method | path | answer |
 * | --- | --- | --- |
 * | GET | /api/datasources/:ds/tables/:table/export | `?format=csv` (default) or `ndjson`, with the rows API's `sort`, `filter`, `q` and `columns`; CSV: `formulas=escape` (default) or `keep` |
 *
 * The rows come from the datasource's `stream()` and go out as they come: text is built a
 * chunk (about 64 KiB, or the rest of a batch the stream holds) at a time, and the next batch is read only when the client has taken
 * the last (the socket's backpressure reaches the database cursor), so memory stays flat
 * whatever the table's size. A client that goes away stops the stream and releases its
 * cursor. A refused filter or unknown column is answered as an error before any byte of
 * the file is sent. Reading is enough to export (viewers may export what they may read).
 * CSV text that a spreadsheet would run as a formula gets a leading `'` unless
 * `formulas=keep` (see export/encode.ts).
 */
import { Readable } from 'node:stream';
import { Errors, NocofloError, type Row, type StreamOptions, type TableSchema } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { takeBuffered } from '../../data/buffered-rows.js';
import type { DatasourceConnections } from '../connections.js';
import {
  attachmentDisposition,
  CSV_FORMULAS,
  type CsvFormulas,
  csvHeader,
  csvRow,
  csvSafeRow,
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  escapeFormula,
  ndjsonRow,
} from '../export/encode.js';
import { checkSearchSupport, queryChoice, readOptionsFromQuery } from '../read-options.js';

type Query = Record<string, string | string[] | undefined>;

/** Text gathered before it is handed to the socket. */
const CHUNK_CHARS = 64 * 1024;

/** Rows fetched from the database per round trip. */
const BATCH_SIZE = 2_000;

/** The columns exported: those asked for (checked against the table), else every column in table order. */
function exportColumns(table: TableSchema, asked: readonly string[] | undefined): string[] {
  if (!asked?.length) return table.columns.map((c) => c.name);
  const known = new Set(table.columns.map((c) => c.name));
  for (const name of asked) {
    if (!known.has(name)) {
      throw NocofloError.create(Errors.ColumnNotFound, [table.name, name, table.columns.map((c) => c.name)]);
    }
  }
  return [...asked];
}

/**
 * The file's text as a byte stream: the header, then rows, pushed a chunk (about
 * {@link CHUNK_CHARS}) at a time. A plain `Readable` that pulls rows when the socket wants
 * more, not an `async *` generator under `Readable.from`: one `await` per batch the host's
 * stream holds (see buffered-rows.ts) rather than several promises per row. The first row
 * was read before the answer started (so a refused query is an error answer, not a cut file).
 */
class ExportBody extends Readable {
  readonly #encode: (row: Row, columns: readonly string[]) => string;
  #pending: IteratorResult<Row> | undefined;
  #text: string;
  #pumping = false;
  #ended = false;

  constructor(
    format: ExportFormat,
    formulas: CsvFormulas,
    private readonly columns: readonly string[],
    first: IteratorResult<Row>,
    private readonly rows: AsyncIterator<Row>,
  ) {
    super({ highWaterMark: CHUNK_CHARS });
    this.#encode = format === 'ndjson' ? ndjsonRow : formulas === 'keep' ? csvRow : csvSafeRow;
    const names = formulas === 'keep' ? columns : columns.map(escapeFormula);
    this.#text = format === 'csv' ? csvHeader(names) : '';
    this.#pending = first;
  }

  override _read(): void {
    if (!this.#pumping) void this.#pump();
  }

  /** Encodes rows until a chunk is full and the socket has enough, or the rows end. */
  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      for (;;) {
        const next = this.#pending ?? (await this.rows.next());
        this.#pending = undefined;
        if (this.destroyed) return;
        if (next.done) {
          this.#ended = true;
          if (this.#text) this.push(this.#text);
          this.push(null);
          return;
        }
        let text = this.#text + this.#encode(next.value, this.columns);
        for (const row of takeBuffered(this.rows)) text += this.#encode(row, this.columns);
        this.#text = '';
        if (text.length < CHUNK_CHARS) this.#text = text;
        else if (!this.push(text)) return;
      }
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.#pumping = false;
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Ended early (the client went away): the datasource closes its cursor.
    if (this.#ended) {
      callback(error);
      return;
    }
    this.#ended = true;
    Promise.resolve(this.rows.return?.()).then(
      () => callback(error),
      () => callback(error),
    );
  }
}

/** Options of {@link exportRoutes}. */
export interface ExportRoutesOptions {
  /** The datasources exported from. */
  connections: DatasourceConnections;
}

/** The export route, as an encapsulated Fastify plugin. */
export const exportRoutes: FastifyPluginAsync<ExportRoutesOptions> = async (
  app: FastifyInstance,
  { connections }: ExportRoutesOptions,
) => {
  app.get<{ Params: { ds: string; table: string }; Querystring: Query }>(
    '/api/datasources/:ds/tables/:table/export',
    { config: { access: 'read' } },
    async (request, reply) => {
      const format = queryChoice(request.query, 'format', EXPORT_FORMATS, 'csv');
      const formulas = queryChoice(request.query, 'formulas', CSV_FORMULAS, 'escape');
      const read = readOptionsFromQuery(request.query);
      const datasource = await connections.get(request.params.ds);
      const table = await datasource.describeTable(request.params.table);
      const columns = exportColumns(table, read.columns);
      const abort = new AbortController();
      const options: StreamOptions = {
        columns,
        batchSize: BATCH_SIZE,
        signal: abort.signal,
        ...(read.sort ? { sort: read.sort } : {}),
        ...(read.filter ? { filter: read.filter } : {}),
        ...(read.search ? { search: read.search } : {}),
      };
      checkSearchSupport(datasource, options);
      const rows = datasource.stream(table.name, options)[Symbol.asyncIterator]();
      const first = await rows.next();
      const body = new ExportBody(format, formulas, columns, first, rows);
      // A client that goes away mid-file: stop reading the database.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) {
          abort.abort();
          body.destroy();
        }
      });
      return reply
        .header('content-disposition', attachmentDisposition(table.name, format))
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .type(EXPORT_CONTENT_TYPES[format])
        .send(body);
    },
  );
};
