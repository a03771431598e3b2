import type { Row } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { JSON_KEY } from '../../src/runtime/isolated/json-wire.js';
import { COLUMNS_KEY, packRows as packRowsOf, unpackRows } from '../../src/runtime/isolated/row-wire.js';

// Rows here are deliberately of any shape (plugins are not type-checked by the host).
const packRows = (rows: readonly unknown[]) => packRowsOf(rows as Row[]);

const keysOf = (packed: unknown) => Object.keys(packed as object);

describe('a batch of rows crossing', () => {
  it('goes as names once and values in one string when every row has the same names', () => {
    const rows = [
      { id: 1, label: 'one', price: 1.5, ok: true, note: null, tags: ['a'], meta: { x: 1 } },
      { id: 2, label: 'two', price: -3, ok: false, note: 'n', tags: [], meta: {} },
      { id: 3, label: 'three', price: 0, ok: true, note: null, tags: [], meta: { y: [null] } },
    ];
    const packed = packRows(rows);
    expect(keysOf(packed)).toEqual([COLUMNS_KEY]);
    const json = (packed as Record<string, string>)[COLUMNS_KEY]!;
    expect(json.match(/"label"/g)).toHaveLength(1);
    const back = unpackRows(packed);
    expect(back).toEqual(rows);
    expect(back.map((row) => Object.keys(row))).toEqual(rows.map((row) => Object.keys(row)));
  });

  it('keeps a __proto__ column an own property and the prototype plain', () => {
    const rows = [JSON.parse('{"__proto__": 1, "id": 1}'), JSON.parse('{"__proto__": null, "id": 2}')];
    const back = unpackRows(packRows(rows));
    expect(back.map((row) => Object.getPrototypeOf(row))).toEqual([Object.prototype, Object.prototype]);
    expect(back.map((row) => Object.getOwnPropertyDescriptor(row, '__proto__')?.value)).toEqual([1, null]);
  });

  it.each([
    [
      'names in another order',
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
    ],
    ['a name missing', [{ a: 1, b: 2 }, { a: 1 }]],
    ['a name more', [{ a: 1 }, { a: 1, b: 2 }]],
    ['rows without columns', [{}, {}]],
  ])('goes as whole JSON with %s, and arrives the same', (_what, rows) => {
    const packed = packRows(rows);
    expect(keysOf(packed)).toEqual([JSON_KEY]);
    expect(unpackRows(packed)).toEqual(rows);
  });

  it.each([
    ['a bigint', 2n ** 60n],
    ['bytes', new Uint8Array([1, 2, 3])],
    ['undefined', undefined],
    ['negative zero', -0],
    ['NaN', Number.NaN],
    ['a nested date', { at: new Date(0) }],
  ])('leaves rows holding %s to the structured clone, untouched', (_what, value) => {
    const rows = [
      { id: 1, value: 1 },
      { id: 2, value },
    ];
    expect(packRows(rows)).toBe(rows);
    expect(unpackRows(rows)).toBe(rows);
  });

  it('leaves a batch holding a class instance row to the structured clone', () => {
    const rows = [
      { a: 1 },
      new (class Point {
        a = 1;
      })(),
    ];
    expect(packRows(rows)).toBe(rows);
  });

  it.each([
    ['no names', '[[], [1, 2]]'],
    ['names that are not a list', '["id", [1, 2]]'],
    ['values that are not a list', '[["id"], 1]'],
    ['values that do not fill whole rows', '[["id", "label"], [1, "one", 2]]'],
  ])('refuses a batch with %s as NCF_DATASOURCE_ERROR, building no row', (_what, json) => {
    expect(() => unpackRows({ [COLUMNS_KEY]: json } as never)).toThrow(
      expect.objectContaining({
        code: 'NCF_DATASOURCE_ERROR',
        message: expect.stringContaining('malformed'),
      }),
    );
  });
});
