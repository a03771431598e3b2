import { readFileSync } from 'node:fs';
import type { Row } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatasource } from '../../src/index.js';
import { CHINOOK_SQLITE_SQL, hasChinook } from '../fixtures/chinook.js';
import { type TempFolder, tempFolder } from '../fixtures/temp-db.js';

describe.skipIf(!hasChinook)('Chinook in SQLite', () => {
  let temp: TempFolder;
  let raw: Database.Database;
  let ds: SqliteDatasource;

  beforeAll(async () => {
    temp = tempFolder();
    // Loaded the way a user would: the dataset's SQL script run by SQLite.
    const file = temp.path('chinook.db');
    const loader = new Database(file);
    loader.exec(readFileSync(CHINOOK_SQLITE_SQL, 'utf8'));
    loader.close();
    ds = await openSqlite('sqlite:./chinook.db', { cwd: temp.dir });
    raw = new Database(file, { readonly: true });
  });

  afterAll(async () => {
    raw?.close();
    await ds?.close();
    temp?.cleanup();
  });

  const count = (sql: string, ...params: unknown[]) =>
    (raw
      .prepare(sql)
      .pluck()
      .get(...params) as number) ?? 0;

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
    let last: { prevCursor: string | null } | null = null;
    do {
      const page = await ds.readPage('Track', { limit: 250, sort, columns: ['Name', 'Composer'], cursor });
      seen.push(...page.rows);
      cursor = page.nextCursor;
      last = page;
      pages++;
    } while (cursor);
    const total = count('SELECT count(*) FROM Track');
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((r) => r.TrackId)).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 250));
    const nulls = count('SELECT count(*) FROM Track WHERE Composer IS NULL');
    expect(seen.slice(0, nulls).every((r) => r.Composer === null)).toBe(true);
    const expected = raw
      .prepare('SELECT TrackId FROM Track ORDER BY Composer ASC, TrackId ASC')
      .pluck()
      .all() as number[];
    expect(seen.map((r) => r.TrackId)).toEqual(expected);
    const previous = await ds.readPage('Track', {
      limit: 250,
      sort,
      columns: ['Name', 'Composer'],
      cursor: last!.prevCursor,
    });
    expect(previous.rows.map((r) => r.TrackId)).toEqual(expected.slice((pages - 2) * 250, (pages - 1) * 250));
  });

  it('updates one PlaylistTrack row by its composite key and nothing else', async () => {
    const before = count('SELECT count(*) FROM PlaylistTrack');
    const [playlistId, trackId] = [1, count('SELECT min(TrackId) FROM PlaylistTrack WHERE PlaylistId = 1')];
    const free = count(
      'SELECT min(TrackId) FROM Track WHERE TrackId NOT IN (SELECT TrackId FROM PlaylistTrack WHERE PlaylistId = 1)',
    );
    const updated = await ds.update(
      'PlaylistTrack',
      { PlaylistId: playlistId, TrackId: trackId },
      { TrackId: free },
    );
    expect(updated).toEqual({ PlaylistId: 1, TrackId: free });
    expect(count('SELECT count(*) FROM PlaylistTrack')).toBe(before);
    expect(count('SELECT count(*) FROM PlaylistTrack WHERE PlaylistId = 1 AND TrackId = ?', trackId)).toBe(0);
    expect(count('SELECT count(*) FROM PlaylistTrack WHERE PlaylistId = 1 AND TrackId = ?', free)).toBe(1);
    // Moving it onto a pair that exists already is a constraint violation, and changes nothing.
    const taken = count('SELECT max(TrackId) FROM PlaylistTrack WHERE PlaylistId = 1');
    await expect(
      ds.update('PlaylistTrack', { PlaylistId: 1, TrackId: free }, { TrackId: taken }),
    ).rejects.toMatchObject({
      code: 'NCF_CONSTRAINT_VIOLATION',
    });
    expect(count('SELECT count(*) FROM PlaylistTrack WHERE PlaylistId = 1 AND TrackId = ?', free)).toBe(1);
  });

  it('aggregates InvoiceLine in the database, matching SQLite’s own GROUP BY', async () => {
    const { rows } = await ds.aggregate('InvoiceLine', {
      groupBy: ['InvoiceId'],
      measures: [{ fn: 'count' }, { fn: 'sum', column: 'UnitPrice' }, { fn: 'max', column: 'Quantity' }],
      sort: [{ column: 'sum_UnitPrice', direction: 'desc' }],
      limit: 5,
    });
    const expected = raw
      .prepare(
        'SELECT InvoiceId, count(*) AS n, round(sum(UnitPrice), 2) AS s, max(Quantity) AS q FROM InvoiceLine GROUP BY InvoiceId ORDER BY s DESC, InvoiceId LIMIT 5',
      )
      .all() as { InvoiceId: number; n: number; s: number; q: number }[];
    expect(rows.map((r) => [r.InvoiceId, r.count, Number(r.sum_UnitPrice), r.max_Quantity])).toEqual(
      expected.map((e) => [e.InvoiceId, e.n, e.s, e.q]),
    );
    const overall = await ds.aggregate('InvoiceLine', {
      measures: [{ fn: 'count' }, { fn: 'sum', column: 'UnitPrice' }],
    });
    expect(overall.rows).toEqual([
      {
        count: count('SELECT count(*) FROM InvoiceLine'),
        sum_UnitPrice: String(count('SELECT round(sum(UnitPrice), 2) FROM InvoiceLine')),
      },
    ]);
  });
});
