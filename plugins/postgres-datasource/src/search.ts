/**
 * Quick search on PostgreSQL: a GIN or GiST index on a `to_tsvector(…)` expression, or on a
 * `tsvector` column, is used when the table has one (matching word prefixes through
 * `to_tsquery`, so the index serves the query); otherwise a case-insensitive `LIKE` over the
 * text columns.
 */
import type { ColumnSchema, TableSearch } from '@nocoflo/sdk';
import { type FullTextSearch, quoteIdentifier, substringSearch } from '@nocoflo/sdk/sql';
import type pg from 'pg';

const INDEXES_SQL = `
SELECT i.relname AS name, pg_catalog.pg_get_indexdef(x.indexrelid, 1, true) AS expr
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  JOIN pg_catalog.pg_am am ON am.oid = i.relam
 WHERE x.indrelid = $1 AND am.amname IN ('gin', 'gist') AND x.indnatts = 1 AND x.indpred IS NULL
 ORDER BY i.relname`;

/** A `to_tsquery` text matching every word's prefix: `'word':* & 'other':*`. */
function tsQuery(words: readonly string[]): string {
  return words.map((word) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}':*`).join(' & ');
}

/** An SQL string literal. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** An identifier as `pg_get_indexdef` prints it, without its quotes. */
function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text;
}

/**
 * How a relation is searched: its first full-text index (an indexed `to_tsvector`
 * expression or `tsvector` column), else a substring search over its text columns.
 */
export async function postgresSearch(
  pool: pg.Pool,
  oid: number,
  columns: readonly ColumnSchema[],
): Promise<{ search?: TableSearch; fullText?: FullTextSearch }> {
  const text = columns.filter((column) => column.type === 'text');
  const indexes = await pool.query<{ name: string; expr: string }>(INDEXES_SQL, [oid]);
  for (const { name, expr } of indexes.rows) {
    const vectorColumn = columns.find(
      (column) => column.name === unquote(expr.trim()) && column.nativeType === 'tsvector',
    );
    if (vectorColumn) {
      const sql = quoteIdentifier(vectorColumn.name);
      return {
        search: { method: 'fulltext', columns: text.map((c) => c.name), index: name },
        fullText: { condition: (words, params) => `${sql} @@ to_tsquery(${params.add(tsQuery(words))})` },
      };
    }
    const config = /^to_tsvector\('((?:[^']|'')+)'::regconfig\s*,/.exec(expr.trim());
    if (!config) continue;
    const regconfig = `${literal((config[1] as string).replaceAll("''", "'"))}::regconfig`;
    // The columns the expression reads (bare or quoted), for the page to name.
    const searched = text
      .filter((column) => {
        const bare = new RegExp(`(^|[^\\w"])${column.name.replace(/[^\w]/g, '\\$&')}([^\\w"]|$)`);
        return expr.includes(quoteIdentifier(column.name)) || bare.test(expr);
      })
      .map((column) => column.name);
    return {
      search: {
        method: 'fulltext',
        columns: searched.length ? searched : text.map((c) => c.name),
        index: name,
      },
      fullText: {
        condition: (words, params) => `(${expr}) @@ to_tsquery(${regconfig}, ${params.add(tsQuery(words))})`,
      },
    };
  }
  const search = substringSearch(columns);
  return search ? { search } : {};
}
