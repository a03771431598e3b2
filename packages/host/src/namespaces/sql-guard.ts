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

/** One statement's words (upper-cased keywords and identifiers outside quotes), and where it is. */
interface Statement {
  words: string[];
  /** The statement's source text, from its first word to its `;`. */
  text: string;
  /** 1-based line of its first word. */
  line: number;
  /**
   * Statements inside a body (a SQLite trigger's `BEGIN … END`, a PostgreSQL `BEGIN ATOMIC
   * … END`): each is checked as a statement of its own, so a body can never hide one.
   */
  inner: Statement[];
}

const TRIGGER_BODY_STARTS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'WITH', 'VALUES']);

/**
 * Whether the `BEGIN` word just read opens a body that holds `;`-separated statements up
 * to a matching `END`. Only a real body counts: a table or column that happens to be named
 * `begin` must not make the check treat what follows as the inside of a statement.
 */
function opensBody(
  words: readonly string[],
  next: string | undefined,
  parens: number,
  dialect: MetadataDialect,
): boolean {
  if (parens !== 0 || words[0] !== 'CREATE') return false;
  if (dialect === 'sqlite') {
    // CREATE [TEMP|TEMPORARY] TRIGGER … BEGIN <statement>; … END
    const kind = words[1] === 'TEMP' || words[1] === 'TEMPORARY' ? words[2] : words[1];
    return kind === 'TRIGGER' && next !== undefined && TRIGGER_BODY_STARTS.has(next);
  }
  // CREATE [OR REPLACE] FUNCTION|PROCEDURE … BEGIN ATOMIC <statement>; … END
  const kind = words[1] === 'OR' && words[2] === 'REPLACE' ? words[3] : words[1];
  return (kind === 'FUNCTION' || kind === 'PROCEDURE') && next === 'ATOMIC' && !words.includes('RETURN');
}

/** The next word at or after `from`, skipping blanks and comments (upper-cased), if any. */
function peekWord(sql: string, from: number): string | undefined {
  let i = from;
  while (i < sql.length) {
    if (/\s/.test(sql[i] as string)) i++;
    else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else break;
  }
  const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i, i + 64));
  return match?.[0].toUpperCase();
}

/**
 * Splits SQL into statements of words, skipping strings, quoted identifiers and comments.
 * A trigger or `BEGIN ATOMIC` body stays one statement; the statements inside it are kept
 * in {@link Statement.inner}.
 */
export function splitStatements(sql: string, dialect: MetadataDialect): Statement[] {
  const statements: Statement[] = [];
  const lineAt = (offset: number) => sql.slice(0, offset).split('\n').length;
  const fresh = (): Statement => ({ words: [], text: '', line: 0, inner: [] });
  let current = fresh();
  let start = -1;
  let innerCurrent: Statement | undefined;
  let innerStart = -1;
  let depth = 0;
  let parens = 0;
  let i = 0;
  const n = sql.length;
  const endInner = (at: number) => {
    if (innerCurrent && innerCurrent.words.length > 0) {
      innerCurrent.text = sql.slice(innerStart, at).trim();
      current.inner.push(innerCurrent);
    }
    innerCurrent = undefined;
  };
  const endStatement = (at: number) => {
    endInner(at);
    if (current.words.length > 0) {
      current.text = sql.slice(start, at).trim();
      statements.push(current);
    }
    current = fresh();
    depth = 0;
    parens = 0;
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
    } else if (ch === '(' || ch === ')') {
      parens += ch === '(' ? 1 : -1;
      i++;
    } else if (ch === ';') {
      if (depth === 0) endStatement(i);
      else {
        endInner(i);
        innerCurrent = fresh();
      }
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(sql[j] as string)) j++;
      const word = sql.slice(i, j).toUpperCase();
      if (current.words.length === 0) {
        start = i;
        current.line = lineAt(i);
      }
      if (innerCurrent) {
        if (innerCurrent.words.length === 0) {
          innerStart = i;
          innerCurrent.line = lineAt(i);
        }
        innerCurrent.words.push(word);
      }
      if (word === 'BEGIN' && depth === 0 && opensBody(current.words, peekWord(sql, j), parens, dialect)) {
        depth = 1;
        current.words.push(word);
        i = j;
        innerCurrent = fresh();
        continue;
      }
      // A CASE expression inside a body ends with an END too; it never spans a `;`.
      if (word === 'CASE' && depth > 0) depth++;
      else if (word === 'END' && depth > 0) {
        depth--;
        // The END that closes the body is part of the outer statement, not a statement inside.
        if (depth === 0 && innerCurrent?.words.length === 1) innerCurrent = undefined;
      }
      current.words.push(word);
      i = j;
    } else {
      i++;
    }
  }
  endStatement(n);
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

/** Why a statement (or one inside its body) is refused, or undefined. */
function refusal(statement: Statement, dialect: MetadataDialect): string | undefined {
  const [first, second, third] = statement.words;
  if (first === undefined) return undefined;
  const where = `${JSON.stringify(shorten(statement.text))} (line ${statement.line})`;
  if (TRANSACTION_CONTROL.has(first)) return `transaction control (${first}) is not allowed: ${where}`;
  if (first === 'PREPARE' && second === 'TRANSACTION')
    return `transaction control (PREPARE TRANSACTION) is not allowed: ${where}`;
  if (
    (first === 'SET' || first === 'RESET') &&
    statement.words.some((w) => w === 'ROLE' || w === 'AUTHORIZATION')
  ) {
    return `changing the role (${[first, second, third].filter(Boolean).join(' ')}) is not allowed: ${where}`;
  }
  if (dialect === 'sqlite') {
    const forbidden = statement.words.find((word) => SQLITE_FORBIDDEN_WORDS.has(word));
    if (forbidden)
      return `${forbidden} is not allowed (it could reach files outside the plugin's namespace): ${where}`;
  }
  for (const inner of statement.inner) {
    const reason = refusal(inner, dialect);
    if (reason) return reason;
  }
  return undefined;
}

/** A statement as quoted in a message: one line, at most 80 characters. */
function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

/**
 * Throws `NCF_SQL_REFUSED` when plugin SQL contains a statement a namespace does not allow,
 * naming `where` (the migration file) and the statement with its line.
 *
 * @param where - For the message: `migrations/0002_x.sql`, `ctx.database.query`, ….
 */
export function checkPluginSql(sql: string, dialect: MetadataDialect, plugin: string, where: string): void {
  for (const statement of splitStatements(sql, dialect)) {
    const reason = refusal(statement, dialect);
    if (reason) throw NocofloError.create(Errors.SqlRefused, [plugin, where, reason]);
  }
}
