import { describe, expect, it, vi } from 'vitest';
import { type Row, rowVersion, rowVersionsOfJson } from '../../src/index.js';
import { generator, ODD_TEXT, randomRow } from '../fixtures/random-rows.js';

/** JSON.stringify with bigints as numbers' text and bytes as arrays: what a JSON page can hold. */
const toJson = (rows: unknown) =>
  JSON.stringify(rows, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? [...value] : value,
  );

/** What rowVersionsOfJson promises: the versions of the parsed rows. */
const parsedVersions = (text: string) => (JSON.parse(text) as Row[]).map((row) => rowVersion(row));

describe('rowVersionsOfJson', () => {
  it('gives the versions of the parsed rows, for pages of random rows of every kind', () => {
    const random = generator(23);
    for (let page = 0; page < 2_000; page++) {
      const rows = Array.from({ length: Math.floor(random() * 6) }, () => randomRow(random));
      const text = toJson(rows);
      const versions = rowVersionsOfJson(text);
      const expected = parsedVersions(text);
      // expect() only for a page that differs (thousands of calls were most of the time).
      if (versions.join() !== expected.join()) expect(versions, text).toEqual(expected);
    }
  });

  it('reads pages of flat rows in place, one layout or several, with any text in them', () => {
    const random = generator(5);
    const rows: Row[] = [];
    for (let i = 0; i < 200; i++) {
      const odd = ODD_TEXT[i % ODD_TEXT.length] as string;
      rows.push({
        id: i,
        label: `item ${i} ${odd}`,
        price: (random() - 0.5) * 10 ** Math.floor(random() * 30 - 15),
        ok: i % 3 === 0,
        note: null,
      });
    }
    // Other layouts among them: other keys, other order, keys that sort apart from their order.
    rows.splice(50, 0, { b: 1, a: 2 }, { '10': 'x', '2': 'y', Z: 'z', a: true });
    rows.splice(120, 0, { note: 'first', id: -1 }, { é: 1, 日本: 2, '😀': 3, 'a\u2028b': 4 });
    const text = JSON.stringify(rows);
    expect(rowVersionsOfJson(text)).toEqual(rows.map((row) => rowVersion(row)));
  });

  it('parses nothing for a page of the usual rows', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({
      id: i + 1,
      label: i % 7 === 0 ? `say "hi"\tto ${i} 😀 é` : `item ${i}`,
      price: (i % 997) / 10,
      ok: i % 2 === 0,
      created: i % 5 === 0 ? null : `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
    }));
    const text = JSON.stringify(rows);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(rowVersionsOfJson(text)).toEqual(rows.map((row) => rowVersion(row)));
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('gives the same versions where the text leaves the fast path', () => {
    const cases: unknown[] = [
      [],
      [{}],
      [{ id: 1 }, {}],
      [{ id: 1, nested: { b: 1, a: 2 } }],
      [{ id: 1, list: [3, 'x', null] }],
      [{ 'a"b': 1 }],
      [{ 'line\nbreak': 1 }],
      [{ id: 1, text: '\ud800' }],
      [{ id: 1, text: '\udc00x' }],
      [{ id: 1, text: 'x\ud83d' }],
      [{ id: 1, text: '😀😀' }],
      [{ id: 1 }, 2, 'three', null, [4]],
      // A string whose end follows a backslash, or that holds an escaped quote: its end is
      // not the first quote after its start, nor one right after a backslash.
      [{ a: 'x\\', b: 'y' }],
      [{ a: '\\', b: '\\\\' }],
      [{ a: 'say "hi"', b: 'x' }],
      [{ a: '"', b: '\\"' }],
      [{ a: '', b: '"' }],
      [{ id: 1e21, small: 5e-324, neg: -0, big: 2 ** 53 + 2 }],
    ];
    for (const rows of cases) {
      const text = JSON.stringify(rows);
      expect(rowVersionsOfJson(text), text).toEqual(parsedVersions(text));
    }
    // Text as JSON.parse reads it but JSON.stringify would not write it, versioned as parsed.
    for (const text of [
      '[ {"id":1} ]',
      '[{"id": 1}]',
      '[{"id":1,"id":2}]',
      '[{"id":1,"label":"a","id":3}]',
      '[{"__proto__":1,"id":2}]',
      '[{"a":"\\u0041"}]',
      '[{"a":"\\/"}]',
      '[{"a":"\\u0000"}]',
      '[{"a":1.0}]',
      '[{"a":1.50}]',
      '[{"a":1e5}]',
      '[{"a":1E+21}]',
      '[{"a":-0}]',
      '[{"a":-0.0}]',
      '[{"a":0.0000001}]',
      '[{"a":12345678901234567890}]',
    ])
      expect(rowVersionsOfJson(text), text).toEqual(parsedVersions(text));
  });

  it('reads numbers of every kind as String writes them', () => {
    const random = generator(11);
    const numbers: number[] = [
      0,
      -1,
      1e21,
      1e-7,
      1e-6,
      123456789012345,
      1234567890123456,
      2 ** 53,
      0.1 + 0.2,
    ];
    for (let i = 0; i < 3_000; i++) {
      const digits = Math.floor(random() * 18);
      const scale = 10 ** Math.floor(random() * 12 - 6);
      numbers.push(
        Math.round(random() * 10 ** digits) * (random() < 0.5 ? -1 : 1),
        Math.round(random() * 10 ** digits) / 10 ** Math.floor(random() * 8),
        (random() - 0.5) * scale,
        Number(((random() - 0.5) * scale).toPrecision(1 + Math.floor(random() * 17))),
      );
    }
    const rows = numbers.map((n, id) => ({ id, n }));
    const text = JSON.stringify(rows);
    const versions = rowVersionsOfJson(text);
    const expected = rows.map((row) => rowVersion(row));
    for (let i = 0; i < rows.length; i++)
      if (versions[i] !== expected[i]) expect(versions[i], String(rows[i]?.n)).toBe(expected[i]);
  });

  it('reads the array between from and to, and only it', () => {
    const rows = [
      { id: 1, label: 'a' },
      { id: 2, label: 'b' },
    ];
    const versions = rows.map((row) => rowVersion(row));
    const page = JSON.stringify({ rows, nextCursor: 'x]' });
    const from = '{"rows":'.length;
    const to = page.indexOf(',"nextCursor"');
    expect(rowVersionsOfJson(page, from, to)).toEqual(versions);
    // The same through the ordinary way (a nested value).
    const nested = JSON.stringify({ rows: [{ id: 1, tags: ['a'] }], more: 1 });
    expect(rowVersionsOfJson(nested, from, nested.indexOf(',"more"'))).toEqual([
      rowVersion({ id: 1, tags: ['a'] }),
    ]);
    // An array that does not end at `to` is not read past it.
    expect(() => rowVersionsOfJson(page, from, to - 1)).toThrow(SyntaxError);
    expect(() => rowVersionsOfJson(page, from, to + 1)).toThrow(SyntaxError);
    expect(rowVersionsOfJson('[]', 0, 99)).toEqual([]);
  });

  it('throws what JSON.parse throws for text that is not JSON, and a TypeError for JSON that is not an array', () => {
    for (const text of ['', '[', '[{"id":1}', '[{"id":1},]', '[{"id":01}]', '[{"id":"a\u0001"}]', 'nope'])
      expect(() => rowVersionsOfJson(text), JSON.stringify(text)).toThrow(SyntaxError);
    for (const text of ['{"rows":[]}', '1', 'null', '"[]"'])
      expect(() => rowVersionsOfJson(text), text).toThrow(TypeError);
  });
});
