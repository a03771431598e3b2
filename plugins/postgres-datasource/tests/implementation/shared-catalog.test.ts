// The first requests for a table not yet described (a page opened by many people at once, a
// view's reads at a host's start) share one listing and one description: each would
// otherwise run the catalog queries on a pooled connection of its own, and a small pool
// could then refuse pages that only waited for a description.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatasource } from '../../src/index.js';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
  await server.admin.query('CREATE TABLE shared_rows (id integer PRIMARY KEY, label text NOT NULL)');
  await server.admin.query(`INSERT INTO shared_rows SELECT g, 'row ' || g FROM generate_series(1, 20) g`);
});
afterAll(async () => {
  await server?.stop();
});

/**
 * Counts the catalog reads a datasource sends through its pool: every statement but the
 * pages of `shared_rows` (which a server sharing one session between connections, as the
 * embedded one, may have the datasource run twice: see statement-names.ts).
 */
function countCatalogReads(ds: PostgresDatasource): { readonly count: number } {
  const counter = { count: 0 };
  const query = ds.pool.query.bind(ds.pool) as (...args: unknown[]) => unknown;
  (ds.pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
    if (!text?.includes('"shared_rows"')) counter.count++;
    return query(...args);
  };
  return counter;
}

describe('PostgreSQL catalog reads shared by concurrent requests', () => {
  it('describes a table once for ten pages asked at once', async () => {
    const one = await openPostgres(server.url);
    const ten = await openPostgres(server.url);
    try {
      const single = countCatalogReads(one);
      const page = await one.readPage('shared_rows', { limit: 5 });
      expect(page.rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
      // Listing, description and search detection.
      expect(single.count).toBeGreaterThan(1);

      const concurrent = countCatalogReads(ten);
      const pages = await Promise.all(
        Array.from({ length: 10 }, () => ten.readPage('shared_rows', { limit: 5 })),
      );
      for (const p of pages) expect(p.rows).toEqual(page.rows);
      // The same catalog reads as for one page.
      expect(concurrent.count).toBe(single.count);
    } finally {
      await Promise.all([one.close(), ten.close()]);
    }
  });

  it('shares the listing of concurrent listTables calls, and lists again afterwards', async () => {
    const ds = await openPostgres(server.url);
    try {
      const counter = countCatalogReads(ds);
      const listings = await Promise.all(Array.from({ length: 5 }, () => ds.listTables()));
      for (const tables of listings) expect(tables.map((t) => t.name)).toContain('shared_rows');
      const once = counter.count;
      expect(once).toBeGreaterThan(0);
      // A listing that ended is not kept in flight: the next call reads the catalog again.
      await ds.listTables();
      expect(counter.count).toBe(2 * once);
    } finally {
      await ds.close();
    }
  });

  it('lets the next request describe again after a description failed', async () => {
    const ds = await openPostgres(server.url);
    try {
      await ds.listTables();
      const query = ds.pool.query.bind(ds.pool) as (...args: unknown[]) => Promise<unknown>;
      let failNext = true;
      (ds.pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
        }
        return query(...args);
      };
      const first = await Promise.allSettled([
        ds.readPage('shared_rows', { limit: 1 }),
        ds.readPage('shared_rows', { limit: 1 }),
      ]);
      // Both waited for the one description, and both were told it failed.
      expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      const page = await ds.readPage('shared_rows', { limit: 1 });
      expect(page.rows.map((r) => r.id)).toEqual([1]);
    } finally {
      await ds.close();
    }
  });
});
