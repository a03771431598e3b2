/**
 * Quick search on PostgreSQL: a GIN index on a `to_tsvector` expression or on a `tsvector`
 * column is found and used (word prefixes, stemming, indexed columns only); without one, a
 * case-insensitive LIKE over the text columns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatasource } from '../../src/index.js';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

const SCHEMA = `
CREATE TABLE songs (id serial PRIMARY KEY, title varchar(100), composer text, note text, plays int);
INSERT INTO songs (title, composer, note, plays) VALUES
  ('Running Up That Hill', 'Kate Bush', 'indexed note', 1),
  ('Run To The Hills', 'Steve Harris', 'hill', 2),
  ('Hello', 'Adele', 'the word running only in the note', 3),
  ('Rock And Roll', 'Jimmy Page', NULL, 4);
CREATE INDEX songs_search ON songs USING gin (to_tsvector('english', coalesce(title, '') || ' ' || coalesce(composer, '')));
CREATE TABLE docs (id int PRIMARY KEY, body text, body_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED);
CREATE INDEX docs_tsv ON docs USING gin (body_tsv);
INSERT INTO docs (id, body) VALUES (1, 'Cats are running'), (2, 'A dog sleeps'), (3, 'Running dogs');
CREATE TABLE plain (k text PRIMARY KEY, v text, n int);
INSERT INTO plain VALUES ('a', 'Hello World', 1), ('b', 'hello there', 2), ('c', '50% off', 3), ('d', '50 percent', 4);
CREATE TABLE numbers (id int PRIMARY KEY, n int);
`;

describe('quick search on PostgreSQL', () => {
  let server: TestPostgres;
  let ds: PostgresDatasource;

  beforeAll(async () => {
    server = await startTestPostgres();
    await server.admin.query(SCHEMA);
    ds = await openPostgres(server.url);
  });

  afterAll(async () => {
    await ds?.close();
    await server?.stop();
  });

  const titles = async (search: string) =>
    (await ds.readPage('songs', { search })).rows.map((row) => row.title).sort();

  it('reports a to_tsvector index, with the columns it reads', async () => {
    expect((await ds.describeTable('songs')).search).toEqual({
      method: 'fulltext',
      columns: ['title', 'composer'],
      index: 'songs_search',
    });
  });

  it('searches through the index: stemmed words and prefixes, indexed columns only, any case', async () => {
    expect(await titles('HILL')).toEqual(['Run To The Hills', 'Running Up That Hill']);
    // Stemmed: "running" is "run"; not "Hello", whose note (not indexed) says running.
    expect(await titles('running')).toEqual(['Run To The Hills', 'Running Up That Hill']);
    expect(await titles('kat')).toEqual(['Running Up That Hill']);
    expect(await titles('kate hills')).toEqual(['Running Up That Hill']);
    expect(await titles("o'brien")).toEqual([]);
  });

  it('uses an indexed tsvector column', async () => {
    expect((await ds.describeTable('docs')).search).toMatchObject({ method: 'fulltext', index: 'docs_tsv' });
    const ids = (await ds.readPage('docs', { search: 'run dog' })).rows.map((r) => r.id);
    expect(ids).toEqual([3]);
  });

  it('counts the searched rows in aggregates', async () => {
    const result = await ds.aggregate('songs', {
      measures: [{ fn: 'sum', column: 'plays', as: 's' }],
      search: 'hill',
    });
    expect(Number(result.rows[0]?.s)).toBe(3);
  });

  it('falls back to ILIKE-like matching on tables without an index', async () => {
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
