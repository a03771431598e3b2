import type { Row } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatasource } from '../../src/index.js';
import { chinookPostgresSql, hasChinook } from '../fixtures/chinook.js';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

describe.skipIf(!hasChinook)('Chinook in PostgreSQL', () => {
  let server: TestPostgres;
  let ds: PostgresDatasource;

  beforeAll(async () => {
    server = await startTestPostgres();
    await server.admin.query(chinookPostgresSql());
    ds = await openPostgres(server.url);
  });

  afterAll(async () => {
    await ds?.close();
    await server?.stop();
  });

  const value = async (sql: string, params: unknown[] = []) =>
    Object.values((await server.admin.query(sql, params)).rows[0] ?? {})[0] as string;

  it('lists the eleven tables of public, unqualified', async () => {
    const names = (await ds.listTables()).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'album',
        'artist',
        'customer',
        'employee',
        'genre',
        'invoice',
        'invoice_line',
        'media_type',
        'playlist',
        'playlist_track',
        'track',
      ]),
    );
    expect((await ds.describeTable('playlist_track')).primaryKey).toEqual(['playlist_id', 'track_id']);
  });

  it('pages through every track by composer (NULLs first) and back, without gaps or repeats', async () => {
    const sort = [{ column: 'composer', direction: 'asc' as const }];
    const seen: Row[] = [];
    let cursor: string | null = null;
    let pages = 0;
    let lastPrev: string | null = null;
    do {
      const page = await ds.readPage('track', { limit: 250, sort, columns: ['name', 'composer'], cursor });
      seen.push(...page.rows);
      cursor = page.nextCursor;
      lastPrev = page.prevCursor;
      pages++;
    } while (cursor);
    const expected = (
      await server.admin.query<{ track_id: number }>(
        'SELECT track_id FROM track ORDER BY composer ASC NULLS FIRST, track_id',
      )
    ).rows.map((r) => r.track_id);
    expect(seen.map((r) => r.track_id)).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 250));
    const previous = await ds.readPage('track', {
      limit: 250,
      sort,
      columns: ['name', 'composer'],
      cursor: lastPrev,
    });
    expect(previous.rows.map((r) => r.track_id)).toEqual(
      expected.slice((pages - 2) * 250, (pages - 1) * 250),
    );
  });

  it('updates one playlist_track row by its composite key and nothing else', async () => {
    const before = await value('SELECT count(*) FROM playlist_track');
    const trackId = Number(await value('SELECT min(track_id) FROM playlist_track WHERE playlist_id = 1'));
    const free = Number(
      await value(
        'SELECT min(track_id) FROM track WHERE track_id NOT IN (SELECT track_id FROM playlist_track WHERE playlist_id = 1)',
      ),
    );
    const updated = await ds.update(
      'playlist_track',
      { playlist_id: 1, track_id: trackId },
      { track_id: free },
    );
    expect(updated).toEqual({ playlist_id: 1, track_id: free });
    expect(await value('SELECT count(*) FROM playlist_track')).toBe(before);
    expect(
      await value('SELECT count(*) FROM playlist_track WHERE playlist_id = 1 AND track_id = $1', [trackId]),
    ).toBe('0');
    expect(
      await value('SELECT count(*) FROM playlist_track WHERE playlist_id = 1 AND track_id = $1', [free]),
    ).toBe('1');
    const taken = Number(await value('SELECT max(track_id) FROM playlist_track WHERE playlist_id = 1'));
    await expect(
      ds.update('playlist_track', { playlist_id: 1, track_id: free }, { track_id: taken }),
    ).rejects.toMatchObject({
      code: 'NCF_CONSTRAINT_VIOLATION',
    });
  });

  it('aggregates invoice_line in the database with exact sums', async () => {
    const { rows } = await ds.aggregate('invoice_line', {
      groupBy: ['invoice_id'],
      measures: [{ fn: 'count' }, { fn: 'sum', column: 'unit_price' }, { fn: 'max', column: 'quantity' }],
      sort: [{ column: 'sum_unit_price', direction: 'desc' }],
      limit: 5,
    });
    const expected = await server.admin.query(
      'SELECT invoice_id, count(*)::int AS n, sum(unit_price)::text AS s, max(quantity) AS q FROM invoice_line GROUP BY invoice_id ORDER BY sum(unit_price) DESC, invoice_id LIMIT 5',
    );
    expect(rows.map((r) => [r.invoice_id, r.count, r.sum_unit_price, r.max_quantity])).toEqual(
      expected.rows.map((e) => [e.invoice_id, e.n, e.s, e.q]),
    );
    const overall = await ds.aggregate('invoice_line', {
      measures: [{ fn: 'count' }, { fn: 'sum', column: 'unit_price' }],
    });
    expect(overall.rows).toEqual([
      {
        count: Number(await value('SELECT count(*) FROM invoice_line')),
        sum_unit_price: await value('SELECT sum(unit_price)::text FROM invoice_line'),
      },
    ]);
  });
});
