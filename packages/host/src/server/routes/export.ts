/**
 * Export of a table, filtered and sorted as the table view shows it, as a download:
 *
 * | method | path | answer |
 * | --- | --- | --- |
 * | GET | /api/datasources/:ds/tables/:table/export | `?format=csv` (default) or `ndjson`, with the rows API's `sort`, `filter` and `columns` |
 *
 * The rows come from the datasource's `stream()` and go out as they come: text is built a
 * batch (about 64 KiB) at a time, and the next batch is read only when the client has taken
 * the last (the socket's backpressure reaches the database cursor), so memory stays flat
 * whatever the table's size. A client that goes away stops the stream and releases its
 * cursor. A refused filter or unknown column is answered as an error before any byte of
 * the file is sent. Reading is enough to export (viewers may export what they may read).
 */
import { Readable } from 'node:stream';
import { Errors, NocofloError, type Row, type StreamOptions, type TableSchema } from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { DatasourceConnections } from '../connections.js';
import {
  attachmentDisposition,
  csvHeader,
  csvRow,
  EXPORT_CONTENT_TYPES,
  EXPORT_FORMATS,
  type ExportFormat,
  ndjsonRow,
} from '../export/encode.js';
import { checkSearchSupport, readOptionsFromQuery } from '../read-options.js';

type Query = Record<string, string | string[] | undefined>;

/** Text gathered before it is handed to the socket. */
const CHUNK_CHARS = 64 * 1024;

/** Rows fetched from the database per round trip. */
const BATCH_SIZE = 2_000;

function formatOf(query: Query): ExportFormat {
  const raw = query.format;
  const value = (Array.isArray(raw) ? raw[raw.length - 1] : raw) ?? 'csv';
  if (!EXPORT_FORMATS.includes(value as ExportFormat)) {
    throw NocofloError.create(Errors.BadRequest, [`"format" must be one of ${EXPORT_FORMATS.join(', ')}`]);
  }
  return value as ExportFormat;
}

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
 * The file's text, a chunk at a time: the header, then rows. The first row was read before
 * the answer started (so a refused query is an error answer, not a cut file).
 */
async function* chunks(
  format: ExportFormat,
  columns: readonly string[],
  first: IteratorResult<Row>,
  rows: AsyncIterator<Row>,
): AsyncGenerator<string> {
  const encode = format === 'csv' ? csvRow : ndjsonRow;
  let text = format === 'csv' ? csvHeader(columns) : '';
  let next = first;
  try {
    while (!next.done) {
      text += encode(next.value, columns);
      if (text.length >= CHUNK_CHARS) {
        yield text;
        text = '';
      }
      next = await rows.next();
    }
    if (text) yield text;
  } finally {
    // Ended early (the client went away): the datasource closes its cursor.
    if (!next.done) await rows.return?.();
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
      const format = formatOf(request.query);
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
      const body = Readable.from(chunks(format, columns, first, rows), {
        objectMode: false,
        highWaterMark: CHUNK_CHARS,
      });
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
