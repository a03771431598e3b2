import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';

// Builders quote the same few names on every query; remember them (boundedly).
const quotedNames = new Map<string, string>();

/**
 * Quotes an SQL identifier the ANSI way (`"name"`, inner quotes doubled), as SQLite and
 * PostgreSQL both accept. NUL cannot be part of an identifier in either, so it is refused.
 *
 * @example
 * ```ts
 * import { quoteIdentifier } from '@nocoflo/sdk/sql';
 *
 * quoteIdentifier('order'); // "order"
 * quoteIdentifier('say "hi"'); // "say ""hi"""
 * const from = `${quoteIdentifier('public')}.${quoteIdentifier('orders')}`; // "public"."orders"
 * ```
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

/**
 * Escapes `%`, `_` and the escape character itself for a `LIKE … ESCAPE '\'` pattern.
 *
 * @example
 * ```ts
 * import { escapeLike, SqlParams } from '@nocoflo/sdk/sql';
 *
 * const params = new SqlParams('question');
 * // 100% literally: % and _ in the text are not wildcards.
 * const condition = `"note" LIKE ${params.add(`%${escapeLike('100%')}%`)} ESCAPE '\\'`;
 * ```
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * Escapes `*`, `?` and `[` so that SQLite's case-sensitive `GLOB` matches the text literally.
 *
 * @example
 * ```ts
 * import { escapeGlob, SqlParams } from '@nocoflo/sdk/sql';
 *
 * const params = new SqlParams('question');
 * // SQLite: a case-sensitive "starts with" that treats * ? [ in the text literally.
 * const condition = `"name" GLOB ${params.add(`${escapeGlob('a*b')}*`)}`; // 'a[*]b*'
 * ```
 */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, (ch) => `[${ch}]`);
}
