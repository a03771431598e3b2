/**
 * Quick search on SQLite: an FTS5 table whose external content is the table (as
 * `sqlite-utils enable-fts` and Datasette set up: `CREATE VIRTUAL TABLE t_fts USING
 * fts5(name, content='t', content_rowid='id')`) is used when there is one; otherwise a
 * case-insensitive `LIKE` over the text columns.
 */
import type { ColumnSchema, TableSearch } from '@nocoflo/sdk';
import { type FullTextSearch, quoteIdentifier, substringSearch } from '@nocoflo/sdk/sql';
import type Database from 'better-sqlite3';

/** An FTS5 index of a table: its name, its columns, and the table column its rowid is. */
interface Fts5Index {
  name: string;
  columns: string[];
  rowid: string;
}

/** Splits an argument list at top-level commas, keeping quoted parts whole. */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      quote = ch;
      current += ch;
    } else if (ch === '[') {
      quote = ']';
      current += ch;
    } else if (ch === ',') {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** An identifier or string as written in SQL, without its quotes. */
function unquote(text: string): string {
  const t = text.trim();
  const first = t[0];
  const last = t[t.length - 1];
  if ((first === "'" || first === '"' || first === '`') && last === first)
    return t.slice(1, -1).replaceAll(`${first}${first}`, first);
  if (first === '[' && last === ']') return t.slice(1, -1);
  return t;
}

/** The FTS5 tables whose external content is `table`. */
function fts5IndexesOf(db: Database.Database, table: string): Fts5Index[] {
  const rows = db
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%' AND sql LIKE '%fts5%'",
    )
    .all() as { name: string; sql: string }[];
  const out: Fts5Index[] = [];
  for (const row of rows) {
    const match = /\busing\s+fts5\s*\(([\s\S]*)\)\s*;?\s*$/i.exec(row.sql);
    if (!match) continue;
    const options = new Map<string, string>();
    const columns: string[] = [];
    for (const part of splitArguments(match[1] as string)) {
      const option = /^([A-Za-z_]+)\s*=\s*([\s\S]+)$/.exec(part);
      if (option) options.set((option[1] as string).toLowerCase(), unquote(option[2] as string));
      else columns.push(unquote(part.replace(/\s+UNINDEXED\s*$/i, '')));
    }
    const content = options.get('content');
    if (content === undefined || content.toLowerCase() !== table.toLowerCase()) continue;
    out.push({ name: row.name, columns, rowid: options.get('content_rowid') ?? 'rowid' });
  }
  return out;
}

/** An FTS5 query matching every word, or a word's prefix, as a phrase (quotes doubled). */
function fts5Query(words: readonly string[]): string {
  return words.map((word) => `"${word.replaceAll('"', '""')}"*`).join(' ');
}

/**
 * How a table is searched: the first FTS5 index over it whose rowid is the table's rowid or
 * one of its columns, else a substring search over its text columns (none without any).
 */
export function sqliteSearch(
  db: Database.Database,
  table: string,
  kind: 'table' | 'view',
  columns: readonly ColumnSchema[],
): { search?: TableSearch; fullText?: FullTextSearch } {
  const names = new Set(columns.map((column) => column.name));
  if (kind === 'table') {
    for (const index of fts5IndexesOf(db, table)) {
      const searched = index.columns.filter((name) => names.has(name));
      const rowidOk =
        names.has(index.rowid) || ['rowid', '_rowid_', 'oid'].includes(index.rowid.toLowerCase());
      if (searched.length === 0 || !rowidOk) continue;
      const fts = quoteIdentifier(index.name);
      const key = names.has(index.rowid) ? quoteIdentifier(index.rowid) : 'rowid';
      return {
        search: { method: 'fulltext', columns: searched, index: index.name },
        fullText: {
          condition: (words, params) =>
            `${key} IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${params.add(fts5Query(words))})`,
        },
      };
    }
  }
  const search = substringSearch(columns);
  return search ? { search } : {};
}
