/**
 * The datasource conformance suite, against the test API serving the fixture: read-only,
 * no aggregates, the filters the API declares (not `notIn` or `endsWith`: those checks
 * verify the refusal), in a page-numbered and in a cursor-linked API.
 */
import { randomUUID } from 'node:crypto';
import type { ColumnType, FilterOperator } from '@nocoflo/sdk';
import { type ConformanceFixture, describeDatasourceConformance } from '@nocoflo/testing';
import { afterAll, beforeAll } from 'vitest';
import { openRest, type RestSpecInput } from '../../src/index.js';
import { type ApiServer, type ApiTable, startApiServer } from '../fixtures/api-server.js';

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer();
});
afterAll(async () => {
  await server?.close();
});

const FILTERS: readonly FilterOperator[] = [
  'eq',
  'neq',
  'lt',
  'lte',
  'gt',
  'gte',
  'in',
  'contains',
  'startsWith',
  'isNull',
  'isNotNull',
];

function specOf(fixture: ConformanceFixture, style: 'page' | 'cursor'): RestSpecInput {
  const tables: RestSpecInput['tables'] = {};
  for (const table of fixture.tables) {
    tables[table.name] = {
      path: `/${style}/${encodeURIComponent(table.name)}`,
      rows: style === 'page' ? '/data' : '/data',
      key: [...table.primaryKey],
      pagination:
        style === 'page'
          ? { style: 'page', maxPageSize: 10_000 }
          : { style: 'cursor', next: '/links/next', sizeParam: 'limit', maxPageSize: 10_000 },
      total: style === 'page' ? '/meta/total' : undefined,
      columns: Object.fromEntries(table.columns.map((c) => [c.name, { type: c.type, nullable: c.nullable }])),
      filters: Object.fromEntries(
        table.columns.map((c) => [
          c.name,
          {
            eq: c.name,
            neq: `${c.name}__ne`,
            lt: `${c.name}__lt`,
            lte: `${c.name}__lte`,
            gt: `${c.name}__gt`,
            gte: `${c.name}__gte`,
            in: { param: `${c.name}__in`, list: 'repeat' as const },
            contains: `${c.name}__contains`,
            startsWith: `${c.name}__startswith`,
            isNull: { param: `${c.name}__isnull`, value: 'true' },
            isNotNull: { param: `${c.name}__isnull`, value: 'false' },
          },
        ]),
      ),
      sort: { param: 'sort', format: 'prefix' as const, columns: '*' as const },
      foreignKeys: table.foreignKeys.map((fk) => ({
        ...fk,
        columns: [...fk.columns],
        referencedColumns: [...fk.referencedColumns],
      })),
    };
  }
  return { tables };
}

for (const style of ['page', 'cursor'] as const) {
  describeDatasourceConformance(`rest (${style} pagination)`, {
    capabilities: {
      readOnly: true,
      stream: true,
      aggregate: false,
      sort: true,
      filters: FILTERS,
      caseInsensitiveText: false,
    },
    async create(fixture) {
      const dataset = `c${randomUUID().replaceAll('-', '')}`;
      const tables: Record<string, ApiTable> = {};
      for (const table of fixture.tables) {
        tables[table.name] = {
          types: Object.fromEntries(table.columns.map((c) => [c.name, c.type])) as Record<string, ColumnType>,
          key: table.primaryKey,
          rows: table.rows,
        };
      }
      server.setDataset(dataset, tables);
      const base = `${server.url}/${dataset}`;
      return {
        datasource: await openRest(base, { apis: { [base]: specOf(fixture, style) } }),
        cleanup: () => server.deleteDataset(dataset),
      };
    },
  });
}
