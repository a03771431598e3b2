import type { Row, TableSchema } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { defaultsFromStatistics } from '../../src/defaults.js';
import { chartView } from '../../src/index.js';
import { fakeData, urls } from '../fixtures/fake-data.js';

const column = (name: string, type: 'integer' | 'text' | 'decimal', nullable = true) => ({
  name,
  type,
  nativeType: type.toUpperCase(),
  nullable,
  hasDefault: false,
});

/** Like Chinook's Artist: a key and a unique name. */
const artists: TableSchema = {
  name: 'artists',
  kind: 'table',
  columns: [column('id', 'integer', false), column('name', 'text')],
  primaryKey: ['id'],
  foreignKeys: [],
  writable: true,
};
const artistRows: Row[] = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `Artist ${i}` }));

/** Like Chinook's Track: composers mostly NULL and many, a genre reference with few values. */
const tracks: TableSchema = {
  name: 'tracks',
  kind: 'table',
  columns: [
    column('id', 'integer', false),
    column('album_id', 'integer'),
    column('genre_id', 'integer'),
    column('composer', 'text'),
    column('milliseconds', 'integer', false),
  ],
  primaryKey: ['id'],
  foreignKeys: [
    { columns: ['album_id'], referencedTable: 'albums', referencedColumns: ['id'] },
    { columns: ['genre_id'], referencedTable: 'genres', referencedColumns: ['id'] },
  ],
  writable: true,
};
const trackRows: Row[] = Array.from({ length: 300 }, (_, i) => ({
  id: i + 1,
  album_id: Math.floor(i / 3),
  genre_id: (i % 4) + 1,
  composer: i % 3 === 0 ? null : `Composer ${i}`,
  milliseconds: 200_000 + i,
}));

describe('chart defaults from column statistics', () => {
  it('skip keys and unique columns, and say so when nothing is left', async () => {
    const result = await defaultsFromStatistics(fakeData(artistRows), artists);
    expect(result.settings).toBeUndefined();
    expect(result.reason).toMatch(/No column of artists groups its rows/);
    const { html } = await chartView.render({ table: artists, data: fakeData(artistRows), params: {}, urls });
    expect(html).toContain('No column of artists groups its rows');
    expect(html).not.toContain('<svg');
    // Nor a caption claiming a chart ("number of rows by name") that is not there.
    expect(html).not.toContain('<figcaption');
  });

  it('prefer a low-cardinality category over a text column with many values or a busy reference', async () => {
    const result = await defaultsFromStatistics(fakeData(trackRows), tracks);
    expect(result.settings).toEqual({ x: 'genre_id', y: 'milliseconds', agg: 'sum', type: 'bar' });
  });

  it('are not computed when the page names the x column', async () => {
    const data = fakeData(trackRows);
    await chartView.render({ table: tracks, data, params: { x: 'composer' }, urls });
    expect(data.queries).toHaveLength(1);
  });
});
