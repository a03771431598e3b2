/**
 * The host's check of plugin SQL before it runs in a namespace. Most confinement comes from
 * the database itself (a file of the plugin's own; a PostgreSQL role with no privilege
 * outside its schema); this refuses what those cannot stop:
 *
 * - SQLite: `ATTACH` / `DETACH` (would open any file, the host's store included), `VACUUM`
 *   (`VACUUM INTO` writes a file anywhere) and `load_extension`;
 * - both: transaction control (`BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`, …), which would
 *   end the transaction the host runs a migration or a batch in, and changes of role or
 *   session authorization.
 *
 * It tokenizes the SQL as the database would (quotes, comments, PostgreSQL dollar quotes,
 * trigger bodies), so a keyword inside a string, an identifier or a comment is not taken
 * for a statement.
 */
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { MetadataDialect } from '../store/metadata.js';

/** One statement's words (upper-cased keywords and identifiers outside quotes). */
interface Statement {
  words: string[];
}

const TRANSACTION_CONTROL = new Set([
  'BEGIN',
  'COMMIT',
  'END',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'START',
  'ABORT',
]);
const SQLITE_FORBIDDEN_WORDS = new Set(['ATTACH', 'DETACH', 'VACUUM', 'LOAD_EXTENSION']);

/** Splits SQL into statements of words, skipping strings, quoted identifiers and comments. */
export function splitStatements(sql: string, dialect: MetadataDialect): Statement[] {
  const statements: Statement[] = [];
  let words: string[] = [];
  let depth = 0;
  let i = 0;
  const n = sql.length;
  const endStatement = () => {
    if (words.length > 0) statements.push({ words });
    words = [];
    depth = 0;
  };
  while (i < n) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (ch === '/' && next === '*') {
      // PostgreSQL nests block comments; SQLite ends at the first */.
      let level = 1;
      i += 2;
      while (i < n && level > 0) {
        if (sql[i] === '*' && sql[i + 1] === '/') {
          level--;
          i += 2;
        } else if (dialect === 'postgres' && sql[i] === '/' && sql[i + 1] === '*') {
          level++;
          i += 2;
        } else i++;
      }
    } else if (ch === "'") {
      const escapes =
        dialect === 'postgres' &&
        /[eE]$/.test(sql.slice(Math.max(0, i - 1), i)) &&
        !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      i = skipQuoted(sql, i, "'", escapes);
    } else if (ch === '"' || (dialect === 'sqlite' && ch === '`')) {
      i = skipQuoted(sql, i, ch, false);
    } else if (dialect === 'sqlite' && ch === '[') {
      const end = sql.indexOf(']', i + 1);
      i = end === -1 ? n : end + 1;
    } else if (dialect === 'postgres' && ch === '$' && /[A-Za-z_$]/.test(next ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end === -1 ? n : end + tag[0].length;
      } else i++;
    } else if (ch === ';') {
      if (depth === 0) endStatement();
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j] as string)) j++;
      const word = sql.slice(i, j).toUpperCase();
      // Bodies of triggers (SQLite) and BEGIN ATOMIC functions (PostgreSQL) hold `;` and END.
      if (word === 'CASE' || (word === 'BEGIN' && words[0] === 'CREATE')) depth++;
      else if (word === 'END' && depth > 0) depth--;
      words.push(word);
      i = j;
    } else {
      i++;
    }
  }
  endStatement();
  return statements;
}

function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') i += 2;
    else if (ch === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

/** Why a statement is refused, or undefined. */
function refusal(statement: Statement, dialect: MetadataDialect): string | undefined {
  const [first, second, third] = statement.words;
  if (first === undefined) return undefined;
  if (TRANSACTION_CONTROL.has(first)) return `transaction control (${first}) is not allowed`;
  if (first === 'PREPARE' && second === 'TRANSACTION')
    return 'transaction control (PREPARE TRANSACTION) is not allowed';
  if (
    (first === 'SET' || first === 'RESET') &&
    statement.words.some((w) => w === 'ROLE' || w === 'AUTHORIZATION')
  ) {
    return `changing the role (${[first, second, third].filter(Boolean).join(' ')}) is not allowed`;
  }
  if (dialect === 'sqlite') {
    const forbidden = statement.words.find((word) => SQLITE_FORBIDDEN_WORDS.has(word));
    if (forbidden) return `${forbidden} is not allowed (it could reach files outside the plugin's namespace)`;
  }
  return undefined;
}

/**
 * Throws `NCF_SQL_REFUSED` when plugin SQL contains a statement a namespace does not allow.
 *
 * @param where - For the message: `migrations/0002_x.sql`, `ctx.database.query`, ….
 */
export function checkPluginSql(sql: string, dialect: MetadataDialect, plugin: string, where: string): void {
  for (const statement of splitStatements(sql, dialect)) {
    const reason = refusal(statement, dialect);
    if (reason) throw NocofloError.create(Errors.SqlRefused, [plugin, where, reason]);
  }
}
