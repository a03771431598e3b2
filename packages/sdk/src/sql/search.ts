/**
 * Quick search (`search` of a read or aggregate) as SQL: the datasource's full-text index
 * when it found one for the table, else a case-insensitive `LIKE` of every word over the
 * table's text columns.
 */

import { searchWords } from '../datasource/text-match.js';
import type { ColumnSchema, TableSchema, TableSearch } from '../datasource/types.js';
import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';
import type { SqlDialect, SqlParams } from './dialect.js';
import { escapeLike, quoteIdentifier } from './quote.js';
import { invalidQuery, requireColumn } from './schema.js';

/**
 * A full-text index a datasource found for a table, as SQL: the datasource builds it when it
 * describes the table (an FTS5 table, a `tsvector` index) and hands it to the builders.
 */
export interface FullTextSearch {
  /**
   * The condition matching rows that hold every word (as a word or a word's prefix), binding
   * the words through `params`. `words` are never empty and each holds a letter or a digit.
   */
  condition(words: readonly string[], params: SqlParams): string;
}

/**
 * The substring search of a table: over its text columns, or none when it has no text
 * column. What a SQL datasource reports as `TableSchema.search` when it finds no
 * full-text index.
 *
 * @example
 * ```ts
 * import type { ColumnSchema } from '@nocoflo/sdk';
 * import { substringSearch } from '@nocoflo/sdk/sql';
 * declare const columns: ColumnSchema[];
 *
 * // { method: 'substring', columns: ['name', 'email'] } for a table with those text columns
 * const search = substringSearch(columns);
 * ```
 */
export function substringSearch(columns: readonly ColumnSchema[]): TableSearch | undefined {
  const text = columns.filter((column) => column.type === 'text').map((column) => column.name);
  return text.length > 0 ? { method: 'substring', columns: text } : undefined;
}

/** Whether a word can be matched by a full-text index (it holds a letter or a digit). */
const WORDLIKE = /[\p{L}\p{N}]/u;

/**
 * Compiles a `search` text into SQL conditions (to be joined with AND): none for an absent
 * or blank text; `NCF_INVALID_QUERY` for a text that is not a string; `NCF_UNSUPPORTED` for
 * a table whose schema reports no `TableSchema.search`.
 *
 * @example
 * ```ts
 * import type { TableSchema } from '@nocoflo/sdk';
 * import { compileSearch, quoteIdentifier, SqlParams, type SqlDialect } from '@nocoflo/sdk/sql';
 * declare const schema: TableSchema;
 * declare const dialect: SqlDialect;
 *
 * const params = new SqlParams('question');
 * // One condition per word: each word must appear in some text column, case-insensitively.
 * const conditions = compileSearch(schema, 'ada london', dialect, params);
 * const where = conditions.length > 0 ? ` WHERE ${conditions.map((c) => `(${c})`).join(' AND ')}` : '';
 * const sql = `SELECT * FROM ${quoteIdentifier(schema.name)}${where}`; // run with params.values
 * ```
 */
export function compileSearch(
  schema: TableSchema,
  search: unknown,
  dialect: SqlDialect,
  params: SqlParams,
  fullText?: FullTextSearch,
): string[] {
  if (search === undefined || search === null) return [];
  if (typeof search !== 'string') invalidQuery('search must be a string');
  const words = searchWords(search);
  if (words.length === 0) return [];
  const how = schema.search;
  if (!how) {
    throw NocofloError.create(Errors.Unsupported, [
      `table ${schema.name}`,
      'search',
      'It has no text column to search; filter on a column instead.',
    ]);
  }
  if (how.method === 'fulltext' && fullText) {
    const indexed = words.filter((word) => WORDLIKE.test(word));
    if (indexed.length === words.length) return [fullText.condition(indexed, params)];
  }
  // Every word in some searched column, each side lowercased by the database itself.
  const columns = how.columns.map((name) => requireColumn(schema, name));
  return words.map((word) => {
    const pattern = `%${escapeLike(word)}%`;
    const alternatives = columns.map((column) => {
      const sql = quoteIdentifier(column.name);
      const operand = dialect.textOperand ? dialect.textOperand(sql, column) : sql;
      return `lower(${operand}) LIKE lower(${params.add(pattern)}) ESCAPE '\\'`;
    });
    return alternatives.length === 1 ? (alternatives[0] as string) : alternatives.join(' OR ');
  });
}
