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
