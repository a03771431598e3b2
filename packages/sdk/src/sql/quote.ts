import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';

/**
 * Quotes an SQL identifier the ANSI way (`"name"`, inner quotes doubled), as SQLite and
 * PostgreSQL both accept. NUL cannot be part of an identifier in either, so it is refused.
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) {
    throw NocofloError.create(Errors.InvalidQuery, [
      `identifier ${JSON.stringify(name)} contains a NUL character`,
    ]);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** Escapes `*`, `?` and `[` so that SQLite's case-sensitive `GLOB` matches the text literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (ch) => `[${ch}]`);
}
