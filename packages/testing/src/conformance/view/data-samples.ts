/**
 * Tables of the view suite's data checks: rows a reader can pick out of the HTML by a
 * unique marker, key columns full of hostile values, and NULL next to an empty string.
 */
import type { MemoryTableInit } from '../../mocks/memory-datasource/table.js';
import { XSS_PAYLOADS, XSS_TOKEN } from './samples.js';

/** The marker of row `i` of {@link markedTable}: unique text no other row's marker contains. */
export const rowMarker = (i: number): string => `ncfrow${String(i).padStart(4, '0')}x`;

/** Finds every row marker in a text, in order of appearance. */
export function markersIn(text: string): string[] {
  return [...text.matchAll(/ncfrow\d{4}x/g)].map((m) => m[0]);
}

/** A table of `count` rows, each with its marker as the label, keyed by id; more rows than a page. */
export function markedTable(count = 260): MemoryTableInit {
  return {
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'label', type: 'text', nullable: false },
      { name: 'score', type: 'integer' },
      { name: 'note', type: 'text' },
    ],
    primaryKey: ['id'],
    rows: Array.from({ length: count }, (_, i) => ({
      id: i + 1,
      label: rowMarker(i + 1),
      // Not the key order, so sorting by score changes which rows come first.
      score: (i * 37) % count,
      note: i % 5 === 0 ? null : `note ${i + 1}`,
    })),
  };
}

/** Key values that break out of an attribute of either quote, or of a script string. */
export const HOSTILE_KEYS: readonly string[] = [
  `O'Reilly ${XSS_TOKEN}`,
  `"quoted" ${XSS_TOKEN}`,
  `back\\slash' ${XSS_TOKEN}`,
  `line\nbreak ${XSS_TOKEN}`,
  ...XSS_PAYLOADS,
];

/** A table whose text primary key holds {@link HOSTILE_KEYS}. */
export function hostileKeyTable(): MemoryTableInit {
  return {
    columns: [
      { name: 'code', type: 'text', nullable: false },
      { name: 'label', type: 'text' },
      { name: 'qty', type: 'integer' },
    ],
    primaryKey: ['code'],
    rows: HOSTILE_KEYS.map((code, i) => ({ code, label: `row ${i}`, qty: i })),
  };
}

/** One row whose text column `note` holds `value` (NULL or an empty string). */
export function oneNoteTable(value: null | ''): MemoryTableInit {
  return {
    columns: [
      { name: 'id', type: 'integer' },
      { name: 'note', type: 'text' },
    ],
    primaryKey: ['id'],
    rows: [{ id: 1, note: value }],
  };
}
