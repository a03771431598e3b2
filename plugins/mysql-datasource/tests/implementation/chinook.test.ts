import type { Row } from '@nocoflo/sdk';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MysqlDatasource, openMysql } from '../../src/index.js';
import { hasChinook, loadChinook } from '../fixtures/chinook.js';
import { createTestDatabase, mysqlAvailability, type TestDatabase } from '../fixtures/mysql-server.js';

const server = await mysqlAvailability();

// The Chinook test the SQLite and PostgreSQL datasources pass, on MySQL/MariaDB: Chinook is
// copied from the SQLite file into a database of its own.
describe.skipIf(!hasChinook || !server.url)('Chinook in MySQL', () => {
  let db: TestDatabase;
  let ds: MysqlDatasource;

  beforeAll(async () => {
    db = await createTestDatabase(server.url ?? '', 'ncf_chinook');
    await loadChinook(db.admin);
    ds = await openMysql(db.url);
  });

  afterAll(async () => {
    await ds?.close();
    await db?.drop();
  });

  const query = async (sql: string, params: unknown[] = []) =>
    (await db.admin.execute<RowDataPacket[]>(sql, params as never[]))[0];
  const value = async (sql: string, params: unknown[] = []) =>
    Object.values((await query(sql, params))[0] ?? {})[0] as string | number;

  it('lists the eleven tables', async () => {
    expect((await ds.listTables()).map((t) => t.name)).toEqual([
      'Album',
      'Artist',
      'Customer',
      'Employee',
      'Genre',
      'Invoice',
      'InvoiceLine',
      'MediaType',
      'Playlist',
      'PlaylistTrack',
      'Track',
    ]);
    expect((await ds.describeTable('PlaylistTrack')).primaryKey).toEqual(['PlaylistId', 'TrackId']);
  });

  it('pages through every track by composer (NULLs first) and back, without gaps or repeats', async () => {
    const sort = [{ column: 'Composer', direction: 'asc' as const }];
    const seen: Row[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let lastPrev: string | null = null;
    do {
      const page = await ds.readPage('Track', { limit: 250, sort, columns: ['Name', 'Composer'], cursor });
      seen.push(...page.rows);
      cursor = page.nextCursor;
      lastPrev = page.prevCursor;
      pages++;
    } while (cursor);
    // MySQL sorts NULLs first ascending, and by the column's collation: the same order.
    const expected = (await query('SELECT "TrackId" FROM "Track" ORDER BY "Composer" ASC, "TrackId"')).map(
      (r) => r.TrackId as number,
    );
    expect(seen.map((r) => r.TrackId)).toEqual(expected);
    const nulls = Number(await value('SELECT count(*) FROM "Track" WHERE "Composer" IS NULL'));
    expect(nulls).toBeGreaterThan(0);
    expect(seen.slice(0, nulls).every((r) => r.Composer === null)).toBe(true);
    expect(pages).toBe(Math.ceil(expected.length / 250));
    const previous = await ds.readPage('Track', {
      limit: 250,
      sort,
      columns: ['Name', 'Composer'],
      cursor: lastPrev,
    });
    expect(previous.rows.map((r) => r.TrackId)).toEqual(expected.slice((pages - 2) * 250, (pages - 1) * 250));
  });

  it('updates one PlaylistTrack row by its composite key and nothing else', async () => {
    const count = async (sql: string, params: unknown[] = []) => Number(await value(sql, params));
    const before = await count('SELECT count(*) FROM "PlaylistTrack"');
    const trackId = await count('SELECT min("TrackId") FROM "PlaylistTrack" WHERE "PlaylistId" = 1');
    const free = await count(
      'SELECT min("TrackId") FROM "Track" WHERE "TrackId" NOT IN (SELECT "TrackId" FROM "PlaylistTrack" WHERE "PlaylistId" = 1)',
    );
    const updated = await ds.update('PlaylistTrack', { PlaylistId: 1, TrackId: trackId }, { TrackId: free });
    expect(updated).toEqual({ PlaylistId: 1, TrackId: free });
    expect(await count('SELECT count(*) FROM "PlaylistTrack"')).toBe(before);
    expect(
      await count('SELECT count(*) FROM "PlaylistTrack" WHERE "PlaylistId" = 1 AND "TrackId" = ?', [trackId]),
    ).toBe(0);
    expect(
      await count('SELECT count(*) FROM "PlaylistTrack" WHERE "PlaylistId" = 1 AND "TrackId" = ?', [free]),
    ).toBe(1);
    const taken = await count('SELECT max("TrackId") FROM "PlaylistTrack" WHERE "PlaylistId" = 1');
    await expect(
      ds.update('PlaylistTrack', { PlaylistId: 1, TrackId: free }, { TrackId: taken }),
    ).rejects.toMatchObject({ code: 'NCF_CONSTRAINT_VIOLATION' });
    expect(
      await count('SELECT count(*) FROM "PlaylistTrack" WHERE "PlaylistId" = 1 AND "TrackId" = ?', [free]),
    ).toBe(1);
  });

  it('aggregates InvoiceLine in the database with exact sums', async () => {
    const { rows } = await ds.aggregate('InvoiceLine', {
      groupBy: ['InvoiceId'],
      measures: [{ fn: 'count' }, { fn: 'sum', column: 'UnitPrice' }, { fn: 'max', column: 'Quantity' }],
      sort: [{ column: 'sum_UnitPrice', direction: 'desc' }],
      limit: 5,
    });
    const expected = await query(
      'SELECT "InvoiceId", count(*) AS n, CAST(sum("UnitPrice") AS CHAR) AS s, max("Quantity") AS q FROM "InvoiceLine" GROUP BY "InvoiceId" ORDER BY sum("UnitPrice") DESC, "InvoiceId" LIMIT 5',
    );
    expect(rows.map((r) => [r.InvoiceId, r.count, r.sum_UnitPrice, r.max_Quantity])).toEqual(
      expected.map((e) => [e.InvoiceId, Number(e.n), e.s, e.q]),
    );
    const overall = await ds.aggregate('InvoiceLine', {
      measures: [{ fn: 'count' }, { fn: 'sum', column: 'UnitPrice' }],
    });
    expect(overall.rows).toEqual([
      {
        count: Number(await value('SELECT count(*) FROM "InvoiceLine"')),
        sum_UnitPrice: String(await value('SELECT CAST(sum("UnitPrice") AS CHAR) FROM "InvoiceLine"')),
      },
    ]);
    expect(overall.rows[0]?.sum_UnitPrice).toBe('2328.60');
  });
});
