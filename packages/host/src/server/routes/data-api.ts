/**
 * The data API the views' browser code calls:
 *
 * | method | path | body | answer |
 * | --- | --- | --- | --- |
 * | GET | /api/datasources | | `{ datasources: [{ id, url }] }` |
 * | GET | /api/datasources/:ds/tables | | `{ tables: TableInfo[] }` |
 * | GET | /api/datasources/:ds/tables/:table | | `{ table: TableSchema, views: [...] }` |
 * | GET | /api/datasources/:ds/tables/:table/rows | | a `Page` (`limit`, `cursor`, `sort`, `filter`, `columns`) and `versions` (one per row) |
 * | POST | /api/datasources/:ds/tables/:table/rows | `{ values }` | 201 `{ row, version }` |
 * | PATCH | /api/datasources/:ds/tables/:table/rows | `{ key, changes, version? }` | `{ row, version }`; stale version: 409 with `details.current` |
 * | DELETE | /api/datasources/:ds/tables/:table/rows | `{ key, version? }` (or `?key=<json>`) | 204; stale version: 409 |
 * | POST | /api/datasources/:ds/tables/:table/aggregate | `AggregateQuery` | `{ rows }` |
 * | GET | /api/datasources/:ds/tables/:table/cell | `?key=<json>&column=<name>` | the value as a download (bytes as they are, anything else as text) |
 *
 * A write may name the version of the row it saw (`version`, or an `If-Match` header); when
 * the row has changed since, it answers 409 `NCF_ROW_CHANGED` with the current row and
 * version, and nothing is written. Every write is recorded in the audit trail.
 *
 * Writes are checked against the table schema first (unknown column, wrong type,
 * incomplete key: nothing is written), then run through the host's datasource, so the
 * data hooks see them and a `beforeWrite` veto comes back as NCF_WRITE_VETOED.
 */
import {
  type AggregateQuery,
  type CellValue,
  type Datasource,
  Errors,
  type Filter,
  NocofloError,
  rowVersion,
} from '@nocoflo/sdk';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pageAnswer } from '../../data/page-json.js';
import { pageVersions } from '../../data/page-versions.js';
import type { PluginHost } from '../../types.js';
import type { DatasourceConnections } from '../connections.js';
import { checkSearchSupport, readOptionsFromQuery } from '../read-options.js';
import type { RowWrites } from '../row-writes.js';
import { convertKey } from '../values.js';

interface TableParams {
  ds: string;
  table: string;
}

type Query = Record<string, string | string[] | undefined>;

function bodyObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw NocofloError.create(Errors.BadRequest, ['the body must be a JSON object']);
  }
  return body as Record<string, unknown>;
}

/** The version the writer saw: `version` in the body, else the `If-Match` header. */
function seenVersion(body: Record<string, unknown>, ifMatch: string | undefined): string | undefined {
  if (body.version !== undefined && body.version !== null) {
    if (typeof body.version !== 'string')
      throw NocofloError.create(Errors.BadRequest, ['"version" must be a string']);
    return body.version;
  }
  return ifMatch === undefined || ifMatch === '*' ? undefined : ifMatch.trim();
}

function keyFromRequest(body: unknown, query: Query): unknown {
  if (body !== undefined && body !== null && body !== '') return bodyObject(body).key;
  const text = query.key;
  if (typeof text !== 'string')
    throw NocofloError.create(Errors.BadRequest, ['send the row key as { "key": {…} }']);
  try {
    return JSON.parse(text);
  } catch {
    throw NocofloError.create(Errors.BadRequest, ['"key" is not valid JSON']);
  }
}

/** Options of {@link dataApiRoutes}. */
export interface DataApiOptions {
  /** The host (views per table). */
  host: PluginHost;
  /** The datasources served. */
  connections: DatasourceConnections;
  /** Row writes; undefined on a read-only server, which has no write route at all. */
  writes: RowWrites | undefined;
}

/**
 * The data API as an encapsulated Fastify plugin: its routes validate with zod schemas
 * through `fastify-type-provider-zod` (the server's validator compiler).
 */
export const dataApiRoutes: FastifyPluginAsync<DataApiOptions> = async (
  app: FastifyInstance,
  { host, connections, writes }: DataApiOptions,
) => {
  dataRoutes(app, host, connections, writes);
};

function dataRoutes(
  app: FastifyInstance,
  host: PluginHost,
  connections: DatasourceConnections,
  writes: RowWrites | undefined,
): void {
  const withTable = <T>(params: TableParams, fn: (datasource: Datasource) => Promise<T>) =>
    connections.use(params.ds, fn);

  const read = { config: { access: 'read' } } as const;

  app.get('/api/datasources', { config: { access: 'signed-in' } }, async () => ({
    datasources: connections.list().map((e) => ({ id: e.id, url: e.displayUrl })),
  }));

  app.get<{ Params: { ds: string } }>('/api/datasources/:ds/tables', read, async (request) => ({
    tables: await connections.use(request.params.ds, (ds) => ds.listTables()),
  }));

  app.get<{ Params: TableParams }>('/api/datasources/:ds/tables/:table', read, async (request) =>
    withTable(request.params, async (ds) => {
      const table = await ds.describeTable(request.params.table);
      const views = host.views
        .forTable(table)
        .map((v) => ({ name: v.name, title: v.title, plugin: v.plugin, score: v.score }));
      return { table, views };
    }),
  );

  app.get<{ Params: TableParams; Querystring: Query }>(
    '/api/datasources/:ds/tables/:table/rows',
    read,
    async (request, reply) => {
      const options = readOptionsFromQuery(request.query);
      const page = await withTable(request.params, (ds) => {
        checkSearchSupport(ds, options);
        return ds.readPage(request.params.table, options);
      });
      // An isolated datasource's page came with this answer's text, versions included, made
      // on its own thread: sent as it came, no row parsed or written here (data/page-json.ts).
      const answer = pageAnswer(page);
      if (answer !== undefined) return reply.type('application/json; charset=utf-8').send(answer);
      // Each row's version, for writes that must not overwrite a change made since (an
      // isolated datasource's page that JSON could not carry brings them beside it).
      const versions = pageVersions(page) ?? page.rows.map((row) => rowVersion(row));
      return { ...page, versions };
    },
  );

  if (writes) registerRowWrites(app, writes);

  // One cell as a file: how a BLOB (shown as ‹N bytes›) or a very long text is downloaded.
  app.get<{ Params: TableParams; Querystring: Query }>(
    '/api/datasources/:ds/tables/:table/cell',
    read,
    async (request, reply) => {
      const keyInput = keyFromRequest(undefined, request.query);
      const columnName = request.query.column;
      if (typeof columnName !== 'string') {
        throw NocofloError.create(Errors.BadRequest, ["name the cell's column with ?column=<name>"]);
      }
      const { value, fileName } = await withTable(request.params, async (ds) => {
        const table = await ds.describeTable(request.params.table);
        const column = table.columns.find((c) => c.name === columnName);
        if (!column) {
          throw NocofloError.create(Errors.ColumnNotFound, [
            table.name,
            columnName,
            table.columns.map((c) => c.name),
          ]);
        }
        const key = convertKey(table, keyInput);
        const filter: Filter[] = Object.entries(key).map(([name, v]) => ({
          column: name,
          op: 'eq',
          value: v as CellValue,
        }));
        const page = await ds.readPage(table.name, { filter, limit: 1 });
        const row = page.rows[0];
        if (!row) throw NocofloError.create(Errors.RowNotFound, [table.name, JSON.stringify(key)]);
        const keyText = Object.values(key).map(String).join('-');
        return { value: row[column.name] ?? null, fileName: `${table.name}-${column.name}-${keyText}` };
      });
      const safeName = fileName.replace(/[^\w.-]+/g, '_');
      if (value instanceof Uint8Array) {
        return reply
          .header('content-disposition', `attachment; filename="${safeName}.bin"`)
          .type('application/octet-stream')
          .send(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
      }
      const text =
        value === null
          ? ''
          : typeof value === 'string'
            ? value
            : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
      return reply
        .header('content-disposition', `attachment; filename="${safeName}.txt"`)
        .type('text/plain; charset=utf-8')
        .send(text);
    },
  );

  app.post<{ Params: TableParams }>('/api/datasources/:ds/tables/:table/aggregate', read, async (request) => {
    const query = bodyObject(request.body) as unknown as AggregateQuery;
    return withTable(request.params, (ds) => ds.aggregate(request.params.table, query));
  });
}

/** Path parameters of the table routes. */
const tableParams = z.object({ ds: z.string().min(1), table: z.string().min(1) });

/** Bodies of the write routes; values themselves are checked against the table schema (`values.ts`). */
const insertBody = z.object({ values: z.record(z.string(), z.unknown()).optional() });
const updateBody = z.object({
  key: z.unknown(),
  changes: z.unknown(),
  version: z.string().min(1).optional(),
});

/**
 * The write routes, with zod schemas (through `fastify-type-provider-zod`) for their
 * parameters and bodies; a read-only server has none (`--read-only`: no write path at all).
 */
function registerRowWrites(app: FastifyInstance, writes: RowWrites): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const write = { access: 'write' } as const;
  const target = (params: TableParams) => ({ datasource: params.ds, table: params.table });

  api.post(
    '/api/datasources/:ds/tables/:table/rows',
    { config: write, schema: { params: tableParams, body: insertBody } },
    async (request, reply) => {
      const { row, version } = await writes.insert(
        request.actor,
        target(request.params),
        request.body.values ?? {},
      );
      return reply.status(201).header('etag', version).send({ row, version });
    },
  );

  api.patch(
    '/api/datasources/:ds/tables/:table/rows',
    { config: write, schema: { params: tableParams, body: updateBody } },
    async (request, reply) => {
      const body = request.body;
      const seen = seenVersion(body, request.headers['if-match']);
      const { row, version } = await writes.update(
        request.actor,
        target(request.params),
        body.key,
        body.changes,
        seen,
      );
      return reply.header('etag', version).send({ row, version });
    },
  );

  // DELETE takes its key from the body or `?key=`, so its body has no schema of its own.
  api.delete(
    '/api/datasources/:ds/tables/:table/rows',
    { config: write, schema: { params: tableParams } },
    async (request, reply) => {
      const keyInput = keyFromRequest(request.body, request.query as Query);
      const body =
        request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : {};
      const seen = seenVersion(body, request.headers['if-match']);
      await writes.delete(request.actor, target(request.params), keyInput, seen);
      return reply.status(204).send();
    },
  );
}
