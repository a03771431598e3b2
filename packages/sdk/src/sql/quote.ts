import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';

// Builders quote the same few names on every query; remember them (boundedly).
const quotedNames = new Map<string, string>();

/**
 * Quotes an SQL identifier the ANSI way (`"name"`, inner quotes doubled), as SQLite and
 * PostgreSQL both accept. NUL cannot be part of an identifier in either, so it is refused.
 */
export function quoteIdentifier(name: string): string {
  let quoted = quotedNames.get(name);
  if (quoted === undefined) {
    if (name.includes('\0')) {
      throw NocofloError.create(Errors.InvalidQuery, [
        `identifier ${JSON.stringify(name)} contains a NUL character`,
      ]);
    }
    quoted = `"${name.replaceAll('"', '""')}"`;
    if (quotedNames.size >= 10_000) quotedNames.clear();
    quotedNames.set(name, quoted);
  }
  return quoted;
}

/** Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** Escapes `*`, `?` and `[` so that SQLite's case-sensitive `GLOB` matches the text literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (ch) => `[${ch}]`);
}
