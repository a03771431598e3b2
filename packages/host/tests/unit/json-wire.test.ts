import { describe, expect, it } from 'vitest';
import { JSON_KEY, packJson, unpackJson } from '../../src/runtime/isolated/json-wire.js';

describe('rows crossing as JSON', () => {
  it('packs a page of plain rows into one string and gets the same page back', () => {
    const page = {
      rows: [
        { id: 1, label: 'one', price: 1.5, ok: true, note: null, tags: ['a', 'b'], meta: { x: 1 } },
        { id: 2, label: 'two', price: -3, ok: false, note: 'n', tags: [], meta: {} },
      ],
      nextCursor: 'abc',
      prevCursor: null,
    };
    const packed = packJson(page) as Record<string, unknown>;
    expect(Object.keys(packed)).toEqual([JSON_KEY]);
    expect(typeof packed[JSON_KEY]).toBe('string');
    expect(unpackJson(packed)).toEqual(page);
  });

  it.each([
    ['a bigint', 2n ** 60n],
    ['bytes', new Uint8Array([1, 2, 3])],
    ['a date object', new Date(0)],
    ['undefined', undefined],
    ['negative zero', -0],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
    ['a map', new Map([[1, 2]])],
  ])('leaves a page holding %s to the structured clone, untouched', (_what, value) => {
    const page = { rows: [{ id: 1, value }], nextCursor: null };
    expect(packJson(page)).toBe(page);
  });

  it('leaves values too deeply nested to check, and non-objects, as they are', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = { deep };
    const page = { rows: [{ deep }] };
    expect(packJson(page)).toBe(page);
    expect(packJson('text')).toBe('text');
    expect(packJson(null)).toBe(null);
    expect(unpackJson(undefined)).toBe(undefined);
    expect(unpackJson({ rows: [] })).toEqual({ rows: [] });
  });
});
