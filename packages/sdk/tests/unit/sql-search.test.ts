import type { ColumnSchema, TableSchema } from '@nocoflo/sdk';
import { isNocofloError, MAX_FILTER_DEPTH, matchesSearch, searchWords } from '@nocoflo/sdk';
import {
  compileFilters,
  compileSearch,
  planAggregate,
  planPage,
  type SqlDialect,
  SqlParams,
  substringSearch,
} from '@nocoflo/sdk/sql';
import { describe, expect, it } from 'vitest';

const column = (name: string, type: ColumnSchema['type']): ColumnSchema => ({
  name,
  type,
  nativeType: type,
  nullable: true,
  hasDefault: false,
});

const columns = [
  column('id', 'integer'),
  column('title', 'text'),
  column('note', 'text'),
  column('n', 'integer'),
];
const songs: TableSchema = {
  name: 'songs',
  kind: 'table',
  columns,
  primaryKey: ['id'],
  foreignKeys: [],
  writable: true,
  search: substringSearch(columns),
};

const dialect: SqlDialect = {
  name: 'dollar',
  placeholder: 'dollar',
  nullsSortAs: 'largest',
  textMatch: 'like',
  toParam: (value) => value,
  bucket: (sql) => sql,
};

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isNocofloError(error) ? error.code : String(error);
  }
  return undefined;
};

describe('filter groups', () => {
  it('compile to parenthesised OR / AND conditions, nested, binding in text order', () => {
    const params = new SqlParams('dollar');
    const sql = compileFilters(
      songs,
      [
        { column: 'n', op: 'gte', value: 5 },
        {
          or: [
            { column: 'title', op: 'eq', value: 'a' },
            {
              and: [
                { column: 'n', op: 'lt', value: 2 },
                { column: 'note', op: 'isNull' },
              ],
            },
          ],
        },
      ],
      dialect,
      params,
    );
    expect(sql).toEqual(['"n" >= $1', '("title" = $2) OR (("n" < $3) AND ("note" IS NULL))']);
    expect(params.values).toEqual([5, 'a', 2]);
  });

  it('match nothing when an OR is empty and everything when an AND is', () => {
    expect(compileFilters(songs, [{ or: [] }, { and: [] }], dialect, new SqlParams('dollar'))).toEqual([
      '1 = 0',
      '1 = 1',
    ]);
  });

  it('refuse a member that is not an array, and nesting deeper than MAX_FILTER_DEPTH', () => {
    const compile = (filter: unknown) => () =>
      compileFilters(songs, [filter as never], dialect, new SqlParams('dollar'));
    expect(codeOf(compile({ or: 'x' }))).toBe('NCF_INVALID_QUERY');
    let deep: unknown = { column: 'n', op: 'eq', value: 1 };
    for (let i = 0; i < MAX_FILTER_DEPTH; i++) deep = { or: [deep] };
    expect(codeOf(compile(deep))).toBe('NCF_INVALID_QUERY');
    expect(codeOf(compile({ or: [{ column: 'nope', op: 'eq', value: 1 }] }))).toBe('NCF_COLUMN_NOT_FOUND');
  });
});

describe('search', () => {
  it('splits words on white space; matches every word in some column, ignoring case', () => {
    expect(searchWords('  Red \t apple ')).toEqual(['Red', 'apple']);
    expect(matchesSearch({ a: 'Red', b: 'green APPLE' }, ['a', 'b'], 'red apple')).toBe(true);
    expect(matchesSearch({ a: 'Red', b: 'green' }, ['a', 'b'], 'red apple')).toBe(false);
  });

  it('is a LIKE per word over the text columns, literally, both sides lowercased', () => {
    const params = new SqlParams('dollar');
    expect(compileSearch(songs, 'a% b', dialect, params)).toEqual([
      `lower("title") LIKE lower($1) ESCAPE '\\' OR lower("note") LIKE lower($2) ESCAPE '\\'`,
      `lower("title") LIKE lower($3) ESCAPE '\\' OR lower("note") LIKE lower($4) ESCAPE '\\'`,
    ]);
    expect(params.values).toEqual(['%a\\%%', '%a\\%%', '%b%', '%b%']);
    expect(compileSearch(songs, '   ', dialect, new SqlParams('dollar'))).toEqual([]);
  });

  it('uses the full-text index the datasource hands over, for words it can match', () => {
    const fulltext = { ...songs, search: { method: 'fulltext' as const, columns: ['title'], index: 'fts' } };
    const fullText = {
      condition: (words: readonly string[], p: SqlParams) => `fts(${p.add(words.join('|'))})`,
    };
    const params = new SqlParams('dollar');
    expect(compileSearch(fulltext, 'red  apple', dialect, params, fullText)).toEqual(['fts($1)']);
    expect(params.values).toEqual(['red|apple']);
    // A word of punctuation only is matched with LIKE over the indexed columns.
    expect(compileSearch(fulltext, 'red %', dialect, new SqlParams('dollar'), fullText)).toHaveLength(2);
  });

  it('applies to pages and aggregates, after the filters', () => {
    const page = planPage(
      songs,
      { search: 'x', filter: [{ column: 'n', op: 'eq', value: 1 }] },
      { from: '"songs"', dialect },
    );
    expect(page.sql).toContain('WHERE ("n" = $1) AND (lower("title") LIKE lower($2)');
    const aggregate = planAggregate(
      songs,
      { measures: [{ fn: 'count' }], search: 'x' },
      { from: '"songs"', dialect },
    );
    expect(aggregate.sql).toContain('WHERE (lower("title") LIKE');
  });

  it('refuses a non-string search, and any search of a table that reports none', () => {
    expect(codeOf(() => compileSearch(songs, 3, dialect, new SqlParams('dollar')))).toBe('NCF_INVALID_QUERY');
    const { search: _none, ...unsearchable } = songs;
    expect(codeOf(() => compileSearch(unsearchable, 'x', dialect, new SqlParams('dollar')))).toBe(
      'NCF_UNSUPPORTED',
    );
  });
});
