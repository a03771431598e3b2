/**
 * Quick search on SQLite: an FTS5 table over a table's content (as sqlite-utils and
 * Datasette set it up) is found and used; without one, a case-insensitive LIKE over the
 * text columns.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDatasource } from '../../src/index.js';
import { type TempFolder, tempFolder } from '../fixtures/temp-db.js';

describe('quick search on SQLite', () => {
  let temp: TempFolder;
  let ds: SqliteDatasource;

  beforeAll(async () => {
    temp = tempFolder();
    const db = new Database(temp.path('search.db'));
    db.exec(`
      CREATE TABLE songs (id INTEGER PRIMARY KEY, title TEXT, composer TEXT, note TEXT, plays INTEGER);
      INSERT INTO songs (title, composer, note, plays) VALUES
        ('Running Up That Hill', 'Kate Bush', 'indexed note', 1),
        ('Run To The Hills', 'Steve Harris', 'hill', 2),
        ('Hello', 'Adele', 'the word running only in the note', 3),
        ('Rock And Roll', 'Jimmy Page', NULL, 4);
      CREATE VIRTUAL TABLE [songs_fts] USING fts5 (title, [composer], content=[songs], content_rowid='id');
      INSERT INTO songs_fts (songs_fts) VALUES ('rebuild');
      CREATE TABLE plain (k TEXT PRIMARY KEY, v TEXT, n INTEGER);
      INSERT INTO plain VALUES ('a', 'Hello World', 1), ('b', 'hello there', 2), ('c', '50% off', 3), ('d', '50 percent', 4);
      CREATE TABLE numbers (id INTEGER PRIMARY KEY, n INTEGER);
    `);
    db.close();
    ds = await openSqlite('sqlite:./search.db', { cwd: temp.dir });
  });

  afterAll(async () => {
    await ds?.close();
    temp?.cleanup();
  });

  const titles = async (search: string) =>
    (await ds.readPage('songs', { search })).rows.map((row) => row.title).sort();

  it('reports the FTS5 table of a table, with the columns it indexes', async () => {
    expect((await ds.describeTable('songs')).search).toEqual({
      method: 'fulltext',
      columns: ['title', 'composer'],
      index: 'songs_fts',
    });
  });

  it('searches through the FTS5 index: words and word prefixes, in indexed columns only, any case', async () => {
    expect(await titles('HILL')).toEqual(['Run To The Hills', 'Running Up That Hill']);
    expect(await titles('runn')).toEqual(['Running Up That Hill']); // not "Hello" (its note is not indexed)
    expect(await titles('kate hill')).toEqual(['Running Up That Hill']);
    expect(await titles('ill')).toEqual([]); // a word's prefix, never its middle
  });

  it('counts and groups the searched rows in aggregates', async () => {
    const result = await ds.aggregate('songs', {
      measures: [{ fn: 'sum', column: 'plays', as: 's' }],
      search: 'hill',
    });
    expect(Number(result.rows[0]?.s)).toBe(3);
  });

  it('falls back to LIKE for words an index cannot match, and on tables without an index', async () => {
    expect(await titles('"')).toEqual([]);
    expect((await ds.describeTable('plain')).search).toEqual({ method: 'substring', columns: ['k', 'v'] });
    const keys = async (search: string) => (await ds.readPage('plain', { search })).rows.map((r) => r.k);
    expect(await keys('HELLO')).toEqual(['a', 'b']);
    expect(await keys('ello wor')).toEqual(['a']);
    expect(await keys('50%')).toEqual(['c']);
  });

  it('refuses a search on a table without text columns with NCF_UNSUPPORTED', async () => {
    expect((await ds.describeTable('numbers')).search).toBeUndefined();
    await expect(ds.readPage('numbers', { search: 'x' })).rejects.toMatchObject({ code: 'NCF_UNSUPPORTED' });
  });
});
