// Pages and aggregates run as named prepared statements (statement-names.ts): parsed and
// planned once per connection. Each case uses a pool of one connection, so what the
// session holds (pg_prepared_statements) is what the datasource's reads left there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatasource } from '../../src/index.js';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

let server: TestPostgres;
let table = 0;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const withQuery = (url: string, query: string) => `${url}${url.includes('?') ? '&' : '?'}${query}`;

/** A table of its own for one case: `id`, `label` (text), `qty`. */
async function freshTable(): Promise<string> {
  const name = `prepared_rows_${++table}`;
  await server.admin.query(`CREATE TABLE ${name} (id integer PRIMARY KEY, label text NOT NULL, qty integer)`);
  await server.admin.query(`INSERT INTO ${name} SELECT g, 'row ' || g, g % 3 FROM generate_series(1, 12) g`);
  return name;
}

/**
 * The named statements on the datasource's (one) connection that read `table` (the embedded
 * server shares one session between connections, so other cases' statements are there too).
 */
async function named(ds: PostgresDatasource, table: string): Promise<string[]> {
  const result = await ds.pool.query<{ statement: string }>(
    `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'ncf\\_%' ORDER BY prepare_time`,
  );
  const reads = new RegExp(`\\b${table}\\b`);
  return result.rows.map((r) => r.statement).filter((statement) => reads.test(statement));
}

/**
 * Runs `check` with a table of its own and a datasource of one connection on it (`query`:
 * more URL options), closing the datasource afterwards.
 */
async function withOneConnection(
  query: string,
  check: (ds: PostgresDatasource, name: string) => Promise<void>,
): Promise<void> {
  const name = await freshTable();
  const ds = await openPostgres(withQuery(server.url, `pool_max=1${query}`));
  try {
    await check(ds, name);
  } finally {
    await ds.close();
  }
}

describe('PostgreSQL named prepared statements', () => {
  it('prepares a page once and runs it again by name, with other values', () =>
    withOneConnection('', async (ds, name) => {
      const first = await ds.readPage(name, { limit: 5 });
      const next = await ds.readPage(name, { limit: 5, cursor: first.nextCursor as string });
      expect(next.rows.map((r) => r.id)).toEqual([6, 7, 8, 9, 10]);
      const again = await ds.readPage(name, { limit: 5, cursor: next.nextCursor as string });
      expect(again.rows.map((r) => r.id)).toEqual([11, 12]);
      const totals = await ds.aggregate(name, {
        groupBy: ['qty'],
        measures: [{ fn: 'count' }],
        sort: [{ column: 'qty', direction: 'asc' }],
      });
      expect(totals.rows.map((r) => Object.values(r))).toEqual([
        [0, 4],
        [1, 4],
        [2, 4],
      ]);
      const statements = await named(ds, name);
      // The first page, the keyset page (the same text for both cursors) and the aggregate.
      expect(statements).toHaveLength(3);
    }));

  it('names nothing with prepare=false', () =>
    withOneConnection('&prepare=false', async (ds, name) => {
      expect((await ds.readPage(name, { limit: 3 })).rows).toHaveLength(3);
      expect(await named(ds, name)).toEqual([]);
    }));

  it('reads on, unnamed, when the server no longer has its statements (as behind a pooler)', () =>
    withOneConnection('', async (ds, name) => {
      await ds.readPage(name, { limit: 3 });
      expect(await named(ds, name)).toHaveLength(1);
      // What a pooler in transaction mode does to a client's statements: gone on the server.
      await ds.pool.query('DEALLOCATE ALL');
      const page = await ds.readPage(name, { limit: 3 });
      expect(page.rows.map((r) => r.id)).toEqual([1, 2, 3]);
      await ds.readPage(name, { limit: 4 });
      // Naming stopped: nothing was prepared again.
      expect(await named(ds, name)).toEqual([]);
    }));

  it('reads on when a column’s type changed under a prepared page', () =>
    withOneConnection('', async (ds, name) => {
      await ds.readPage(name, { limit: 3 });
      await server.admin.query(`ALTER TABLE ${name} ALTER COLUMN label TYPE varchar(40)`);
      const page = await ds.readPage(name, { limit: 3 });
      expect(page.rows.map((r) => r.label)).toEqual(['row 1', 'row 2', 'row 3']);
      // Other statements are still named.
      await ds.readPage(name, { limit: 3, sort: [{ column: 'qty', direction: 'desc' }] });
      expect((await named(ds, name)).some((s) => s.includes('DESC'))).toBe(true);
    }));
});
