/**
 * What the text filters (`contains`, `startsWith`, `endsWith`) mean, in JavaScript: for
 * datasources that filter in memory, and for tests that compute the expected rows.
 */

/** The text filter operators. */
export type TextMatchOperator = 'contains' | 'startsWith' | 'endsWith';

/**
 * Lowercases ASCII letters only: the folding every database nocoflo supports agrees on
 * (SQLite's `lower()` leaves other letters as they are).
 */
export function foldAsciiCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/**
 * Whether `value` matches a text filter: literally (no wildcards), ignoring ASCII case unless
 * `caseSensitive` is true.
 *
 * @example
 * ```ts
 * import { matchesText } from '@nocoflo/sdk';
 *
 * matchesText('contains', 'Grace Hopper', 'hop'); // true: ASCII case is ignored by default
 * matchesText('startsWith', '100% cotton', '100%'); // true: % and _ are literal, never wildcards
 * matchesText('endsWith', 'Hopper', 'PER', true); // false: case-sensitive when asked
 * ```
 */
export function matchesText(
  op: TextMatchOperator,
  value: string,
  needle: string,
  caseSensitive = false,
): boolean {
  const haystack = caseSensitive ? value : foldAsciiCase(value);
  const wanted = caseSensitive ? needle : foldAsciiCase(needle);
  if (op === 'contains') return haystack.includes(wanted);
  return op === 'startsWith' ? haystack.startsWith(wanted) : haystack.endsWith(wanted);
}

/** The most words a search text is split into; the rest are ignored. */
export const MAX_SEARCH_WORDS = 16;

/**
 * The words of a quick-search text (see `ReadPageOptions.search`): split on white space,
 * at most {@link MAX_SEARCH_WORDS}. A text of blanks has none (and searches for nothing).
 */
export function searchWords(text: string): string[] {
  return text.split(/\s+/u).filter(Boolean).slice(0, MAX_SEARCH_WORDS);
}

/**
 * Whether a row matches a quick search by substring: every word is found, ignoring ASCII
 * case, in at least one of the columns' text values. What `search` means for a table whose
 * `search.method` is `substring`.
 */
export function matchesSearch(
  row: Readonly<Record<string, unknown>>,
  columns: readonly string[],
  text: string,
): boolean {
  return searchWords(text).every((word) =>
    columns.some((name) => {
      const value = row[name];
      return typeof value === 'string' && matchesText('contains', value, word);
    }),
  );
}
