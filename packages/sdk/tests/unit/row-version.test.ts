import { describe, expect, it } from 'vitest';
import { base36, numberText } from '../../src/datasource/row-version.js';
import { type Row, rowVersion } from '../../src/index.js';
import { generator, randomRow } from '../fixtures/random-rows.js';

// The first implementation of rowVersion, kept verbatim as the reference: versions are put
// in pages and sent back with edits, possibly computed by another copy of the SDK (a view's,
// a plugin's), so a faster implementation must give exactly the same text for every row.
function referenceCanonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `"${value}"`;
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (value instanceof Date) return `d${value.toISOString()}`;
  if (value instanceof Uint8Array)
    return `b${Array.from(value, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${referenceCanonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(String(value));
}

function referenceHash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

function referenceRowVersion(row: Row): string {
  const text = referenceCanonical(row);
  return `"${referenceHash53(text, 1).toString(36)}${referenceHash53(text, 2).toString(36)}"`;
}

describe('rowVersion', () => {
  it('gives exactly the versions of the first implementation (so every SDK copy agrees)', () => {
    const random = generator(19);
    // Compared directly, and through expect() (with the row named) only when they differ:
    // 20,000 expect() calls and messages were most of this file's CPU time.
    for (let i = 0; i < 20_000; i++) {
      const row = randomRow(random);
      const version = rowVersion(row);
      const reference = referenceRowVersion(row);
      if (version !== reference)
        expect(
          version,
          JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)),
        ).toBe(reference);
    }
  });

  it('gives the same versions for rows of one layout, of a new layout and nested in each other', () => {
    const random = generator(7);
    const rows: Row[] = [];
    for (let i = 0; i < 300; i++)
      rows.push({ id: i, label: `item ${i}`, price: random() * 100, created: null });
    rows.push({ created: 'x', id: 1, label: 'a', price: 1 }, { id: 2, nested: { id: 3, label: 'b' } } as Row);
    rows.push({ id: 4, label: 'c', price: 2, created: { id: 5, label: 'd', price: 3, created: 'e' } } as Row);
    for (const row of rows) expect(rowVersion(row)).toBe(referenceRowVersion(row));
  });

  it('gives the reference versions for flat rows and for each kind of value that leaves the flat path', () => {
    // Rows of any shape: a datasource's rows are not type-checked where they are versioned.
    const base = { id: 7, label: 'item 7', price: 1.5, ok: true, note: null, gone: undefined };
    const rows: unknown[] = [
      base,
      { ...base, id: -0 },
      { ...base, price: 1e21 },
      { ...base, price: 5e-324 },
      { ...base, label: '' },
      { ...base, label: 'é ü 日本' },
      // Each of these leaves the flat path at its last column, after the others were hashed.
      { ...base, z: 'a"b' },
      { ...base, z: 'back\\slash' },
      { ...base, z: 'line\nbreak' },
      { ...base, z: '\u0000' },
      { ...base, z: '😀' },
      { ...base, z: '\ud800' },
      { ...base, z: Number.NaN },
      { ...base, z: Number.NEGATIVE_INFINITY },
      { ...base, z: 12n },
      { ...base, z: new Date(0) },
      { ...base, z: new Uint8Array([1, 255]) },
      { ...base, z: [1, 'a'] },
      { ...base, z: { b: 1, a: 2 } },
      { '10': 1, '2': 2, b: 3, a: 4 },
      [1, 2],
      new Date(0),
    ];
    for (const row of rows) expect(rowVersion(row as Row)).toBe(referenceRowVersion(row as Row));
  });

  it('does not depend on column order and changes with any value', () => {
    expect(rowVersion({ id: 1, qty: 10 })).toBe(rowVersion({ qty: 10, id: 1 }));
    expect(rowVersion({ id: 1, qty: 10 })).not.toBe(rowVersion({ id: 1, qty: 11 }));
    expect(rowVersion({ id: 1, qty: '10' })).not.toBe(rowVersion({ id: 1, qty: 10 }));
    expect(rowVersion({})).toBe(referenceRowVersion({}));
    expect(rowVersion({ id: 1 })).toMatch(/^"[0-9a-z]+"$/);
  });
});

describe('base36 of a 53-bit hash', () => {
  it('writes what toString(36) writes, at the edges of its two parts too', () => {
    const P = 36 ** 5;
    const values = [0, 1, 35, 36, P - 1, P, P + 1, 2 * P - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];
    for (let k = 1; k < 200; k++)
      values.push(k * P - 1, k * P, k * P * 36 ** 3 + 17, 2 ** 53 - k * 1_000_003);
    // Where the number goes from 9 to 10 digits and from 10 to 11 (a high part of 4, 5, 6 digits).
    for (const edge of [36 ** 9, 36 ** 10])
      for (let k = -40; k <= 40; k++) values.push(edge + k, edge + k * P, edge + k * 36 ** 8);
    const random = generator(36);
    for (let i = 0; i < 20_000; i++)
      values.push(Math.floor(random() * 2 ** 21) * 2 ** 32 + Math.floor(random() * 2 ** 32));
    // As above: expect() only for a value that differs (about 21,000 values).
    for (const n of values) {
      const hi = Math.floor(n / 2 ** 32);
      const written = base36(hi, n - hi * 2 ** 32);
      if (written !== n.toString(36)) expect(written, String(n)).toBe(n.toString(36));
    }
  });
});

describe('numberText', () => {
  it('writes what String writes, for decimals of every number of places and numbers of every kind', () => {
    const values: number[] = [0, -0, 1, -1, 0.5, -0.5, 1e-6, 1e-7, 5e-7, 1e9, 1e9 - 1e-6, 999_999_999.999999];
    values.push(0.1 + 0.2, 1 / 3, 2 / 3, Math.PI, Math.E, 2 ** -20, 2 ** 53, 1e21, 123_456.789, 0.000123);
    values.push(Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON, 1e9 + 0.5, 4_294_967_295.5);
    // Every decimal of up to 7 places over a spread of magnitudes, both signs.
    for (let places = 0; places <= 7; places++)
      for (let i = 0; i < 3_000; i++) {
        const whole = [0, 1, 7, 42, 999, 123_456, 99_999_999, 999_999_998][i % 8] as number;
        const value = whole + (i * 7919) / 10 ** places / 10_000;
        values.push(value, -value, Number(value.toFixed(places)), (i % 997) / 10 ** places);
      }
    // Doubles of any bits: most have 16 or 17 digits and are left to String.
    const random = generator(1_000_003);
    for (let i = 0; i < 20_000; i++) {
      const exponent = Math.floor(random() * 40) - 20;
      values.push((random() - 0.5) * 10 ** exponent, Math.round(random() * 1e8) / 10 ** (i % 9));
    }
    // expect() only for a value that differs (about 150,000 values).
    for (const value of values) {
      const written = numberText(value);
      if (written !== String(value)) expect(written, `${value}`).toBe(String(value));
    }
  });
});
