/**
 * The data API the views' browser code calls:
 *
 * | method | path | body | answer |
 * | --- | --- | --- | --- |
 * | GET | /api/datasources | | `{ datasources: [{ id, url }] }` |
 * | GET | /api/datasources/:ds/tables | | `{ tables: TableInfo[] }` |
 * | GET | /api/datasources/:ds/tables/:table | | `{ table: TableSchema, views: [...] }` |
 * | GET | /api/datasources/:ds/tables/:table/rows | | a `Page` (`limit`, `cursor`, `sort`, `filter`, `columns`) |
 * | POST | /api/datasources/:ds/tables/:table/rows | `{ values }` | 201 `{ row }` |
 * | PATCH | /api/datasources/:ds/tables/:table/rows | `{ key, changes }` | `{ row }` |
 * | DELETE | /api/datasources/:ds/tables/:table/rows | `{ key }` (or `?key=<json>`) | 204 |
 * | POST | /api/datasources/:ds/tables/:table/aggregate | `AggregateQuery` | `{ rows }` |
 *
 * Writes are checked against the table schema first (unknown column, wrong type,
 * incomplete key: nothing is written), then run through the host's datasource, so the
 * data hooks see them and a `beforeWrite` veto comes back as NCF_WRITE_VETOED.
 */
import { type AggregateQuery, type Datasource, Errors, NocofloError } from '@nocoflo/sdk';
import type { FastifyInstance } from 'fastify';
import type { PluginHost } from '../../types.js';
import type { DatasourceConnections } from '../connections.js';
import { readOptionsFromQuery } from '../read-options.js';
import { assertWritable, convertKey, convertRow } from '../values.js';

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

/** Registers the data API routes. */
export function registerDataApi(
  app: FastifyInstance,
  host: PluginHost,
  connections: DatasourceConnections,
): void {
  const withTable = <T>(params: TableParams, fn: (datasource: Datasource) => Promise<T>) =>
    connections.use(params.ds, fn);

  const read = { config: { access: 'read' } } as const;
  const write = { config: { access: 'write' } } as const;

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
    async (request) => {
      const options = readOptionsFromQuery(request.query);
      return withTable(request.params, (ds) => ds.readPage(request.params.table, options));
    },
  );

  app.post<{ Params: TableParams }>(
    '/api/datasources/:ds/tables/:table/rows',
    write,
    async (request, reply) => {
      const body = bodyObject(request.body);
      const row = await withTable(request.params, async (ds) => {
        const table = await ds.describeTable(request.params.table);
        assertWritable(table, false);
        return ds.insert(table.name, convertRow(table, body.values ?? {}, 'values'));
      });
      return reply.status(201).send({ row });
    },
  );

  app.patch<{ Params: TableParams }>('/api/datasources/:ds/tables/:table/rows', write, async (request) => {
    const body = bodyObject(request.body);
    const row = await withTable(request.params, async (ds) => {
      const table = await ds.describeTable(request.params.table);
      assertWritable(table, true);
      const key = convertKey(table, body.key);
      return ds.update(table.name, key, convertRow(table, body.changes, 'changes'));
    });
    return { row };
  });

  app.delete<{ Params: TableParams; Querystring: Query }>(
    '/api/datasources/:ds/tables/:table/rows',
    write,
    async (request, reply) => {
      const keyInput = keyFromRequest(request.body, request.query);
      await withTable(request.params, async (ds) => {
        const table = await ds.describeTable(request.params.table);
        assertWritable(table, true);
        await ds.delete(table.name, convertKey(table, keyInput));
      });
      return reply.status(204).send();
    },
  );

  app.post<{ Params: TableParams }>('/api/datasources/:ds/tables/:table/aggregate', read, async (request) => {
    const query = bodyObject(request.body) as unknown as AggregateQuery;
    return withTable(request.params, (ds) => ds.aggregate(request.params.table, query));
  });
}
