/**
 * Chinook through the REST datasource, from the test API in each pagination style: every
 * track read once in order, paging forward and back, filters and sorts pushed down, the
 * rest refused, columns inferred from a sample.
 */
import type { Row } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRest, type RestDatasource, type RestSpecInput } from '../../src/index.js';
import { type ApiServer, startApiServer } from '../fixtures/api-server.js';
import { chinookTables, hasChinook } from '../fixtures/chinook.js';

const STYLES = {
  page: { style: 'page' },
  offset: { style: 'offset' },
  cursor: { style: 'cursor', next: '/links/next', sizeParam: 'limit' },
  link: { style: 'link', sizeParam: 'per_page' },
  none: { style: 'none' },
} as const;

describe.skipIf(!hasChinook)('Chinook from a REST API', () => {
  let server: ApiServer;
  let tracks: readonly Row[];
  const open: Record<string, RestDatasource> = {};

  beforeAll(async () => {
    server = await startApiServer();
    const tables = chinookTables(['Track', 'Genre', 'Invoice']);
    tracks = tables.Track?.rows ?? [];
    server.setDataset('chinook', tables);
    for (const [name, pagination] of Object.entries(STYLES)) {
      const spec: RestSpecInput = {
        tables: {
          tracks: {
            path: `/${name}/Track`,
            rows: name === 'link' ? '' : '/data',
            key: 'TrackId',
            pagination,
            ...(name === 'page' || name === 'offset' ? { total: '/meta/total' } : {}),
            columns: {
              TrackId: 'integer',
              Name: { type: 'text', nullable: false },
              AlbumId: 'integer',
              MediaTypeId: 'integer',
              GenreId: 'integer',
              Composer: 'text',
              Milliseconds: 'integer',
              Bytes: 'integer',
              UnitPrice: 'decimal',
            },
            filters: {
              Composer: { isNull: { param: 'Composer__isnull' }, contains: 'Composer__contains' },
              GenreId: { eq: 'GenreId' },
              Milliseconds: { gte: 'Milliseconds__gte' },
            },
            sort: { param: 'sort', columns: ['Milliseconds', 'Name', 'TrackId'] },
            foreignKeys: [
              { columns: ['GenreId'], referencedTable: 'genres', referencedColumns: ['GenreId'] },
            ],
          },
          // Columns inferred from the first page.
          genres: {
            path: `/${name}/Genre`,
            rows: name === 'link' ? '' : '/data',
            key: 'GenreId',
            pagination,
          },
        },
      };
      const base = `${server.url}/chinook`;
      open[name] = await openRest(base, { apis: { [base]: spec } });
    }
  });

  afterAll(async () => {
    for (const ds of Object.values(open)) await ds.close();
    await server?.close();
  });

  for (const style of Object.keys(STYLES)) {
    it(`${style}: pages through every track once, in order, and back`, async () => {
      const ds = open[style]!;
      const seen: Row[] = [];
      const pages: { rows: Row[]; prevCursor: string | null }[] = [];
      let cursor: string | null = null;
      do {
        const page = await ds.readPage('tracks', { limit: 250, cursor });
        seen.push(...page.rows);
        pages.push(page);
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen.map((r) => r.TrackId)).toEqual(tracks.map((r) => r.TrackId));
      expect(seen[0]).toEqual({ ...tracks[0], UnitPrice: '0.99' });
      // Back from the last page, each page is the one before it.
      let back = pages[pages.length - 1]!;
      for (let i = pages.length - 2; i >= 0; i--) {
        back = await ds.readPage('tracks', { limit: 250, cursor: back.prevCursor });
        expect(back.rows.map((r) => r.TrackId)).toEqual(pages[i]!.rows.map((r) => r.TrackId));
      }
      expect(back.prevCursor).toBeNull();
    });

    it(`${style}: streams every track, with filters and a sort pushed down to the API`, async () => {
      const ds = open[style]!;
      let n = 0;
      for await (const _row of ds.stream('tracks', { batchSize: 300 })) n++;
      expect(n).toBe(tracks.length);
      const filter = [
        { column: 'GenreId', op: 'eq' as const, value: 1 },
        { column: 'Milliseconds', op: 'gte' as const, value: 300_000 },
      ];
      const sort = [{ column: 'Milliseconds', direction: 'desc' as const }];
      const streamed: Row[] = [];
      for await (const row of ds.stream('tracks', {
        filter,
        sort,
        columns: ['Name', 'Milliseconds'],
        batchSize: 40,
      }))
        streamed.push(row);
      const expected = tracks
        .filter((t) => t.GenreId === 1 && Number(t.Milliseconds) >= 300_000)
        .sort(
          (a, b) => Number(b.Milliseconds) - Number(a.Milliseconds) || Number(a.TrackId) - Number(b.TrackId),
        );
      expect(streamed.map((r) => r.TrackId)).toEqual(expected.map((t) => t.TrackId));
      expect(Object.keys(streamed[0] ?? {}).sort()).toEqual(['Milliseconds', 'Name', 'TrackId']);
    });
  }

  it('pushes isNull and contains down, and refuses what the API does not do', async () => {
    const ds = open.page!;
    const nulls = await ds.readPage('tracks', {
      filter: [{ column: 'Composer', op: 'isNull' }],
      limit: 10_000,
    });
    expect(nulls.rows.length).toBe(tracks.filter((t) => t.Composer === null).length);
    expect(nulls.estimatedTotal).toBe(nulls.rows.length);
    const ac = await ds.readPage('tracks', {
      filter: [{ column: 'Composer', op: 'contains', value: 'AC/DC' }],
    });
    expect(ac.rows.length).toBeGreaterThan(0);
    expect(ac.rows.every((r) => String(r.Composer).includes('AC/DC'))).toBe(true);
    await expect(
      ds.readPage('tracks', { filter: [{ column: 'Name', op: 'eq', value: 'x' }] }),
    ).rejects.toMatchObject({
      code: 'NCF_UNSUPPORTED',
      hint: expect.stringContaining('Composer: isNull, contains'),
    });
    await expect(
      ds.readPage('tracks', { sort: [{ column: 'Composer', direction: 'asc' }] }),
    ).rejects.toMatchObject({
      code: 'NCF_UNSUPPORTED',
    });
    await expect(ds.aggregate('tracks', { measures: [{ fn: 'count' }] })).rejects.toMatchObject({
      code: 'NCF_UNSUPPORTED',
    });
    await expect(ds.insert('tracks', { Name: 'x' })).rejects.toMatchObject({ code: 'NCF_READ_ONLY' });
  });

  it('infers columns from a sample when the spec declares none', async () => {
    const schema = await open.cursor!.describeTable('genres');
    expect(schema.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['GenreId', 'integer', false],
      ['Name', 'text', true],
    ]);
    expect((await open.cursor!.describeTable('tracks')).foreignKeys).toEqual([
      { columns: ['GenreId'], referencedTable: 'genres', referencedColumns: ['GenreId'] },
    ]);
  });
});
