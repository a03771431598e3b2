import { serialize } from 'node:v8';
import type { Row } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { JSON_KEY } from '../../src/runtime/isolated/json-wire.js';
import { COLUMNS_KEY, packRows as packRowsOf, unpackRows } from '../../src/runtime/isolated/row-wire.js';

// Rows here are deliberately of any shape (plugins are not type-checked by the host).
const packRows = (rows: readonly unknown[], text?: boolean) => packRowsOf(rows as Row[], text);
// What the host's thread receives: the message is structured-cloned on the way.
const across = (rows: readonly unknown[], text?: boolean) =>
  unpackRows(structuredClone(packRows(rows, text)));

const keysOf = (packed: unknown) => Object.keys(packed as object);
const columnsOf = (packed: unknown) => (packed as Record<string, unknown>)[COLUMNS_KEY];

const PLAIN = [
  { id: 1, label: 'one', price: 1.5, ok: true, note: null, tags: ['a'], meta: { x: 1 } },
  { id: 2, label: 'two', price: -3, ok: false, note: 'n', tags: [], meta: {} },
  { id: 3, label: 'three', price: 0, ok: true, note: null, tags: [], meta: { y: [null] } },
];

describe('a batch of rows crossing', () => {
  it('goes as names once and the values in one flat array when every row has the same names', () => {
    const packed = packRows(PLAIN);
    expect(keysOf(packed)).toEqual([COLUMNS_KEY]);
    const [names, values] = columnsOf(packed) as [string[], unknown[]];
    expect(names).toEqual(Object.keys(PLAIN[0]!));
    expect(values).toEqual(PLAIN.flatMap((row) => Object.values(row)));
    const back = across(PLAIN);
    expect(back).toEqual(PLAIN);
    expect(back.map((row) => Object.keys(row))).toEqual(PLAIN.map((row) => Object.keys(row)));
  });

  it('hands the values over as a packed array, which the structured clone writes densely', () => {
    const [, values] = columnsOf(packRows(PLAIN)) as [string[], unknown[]];
    // V8's serialisation: 0xFF, the format version, then the value's tag: 'A' begins a dense
    // array, 'a' a sparse one (what an array made by `new Array(n)` is written as, slot by slot).
    const bytes = serialize(values);
    expect(String.fromCharCode(bytes[2]!)).toBe('A');
    expect(values).toHaveLength(PLAIN.length * Object.keys(PLAIN[0]!).length);
  });

  it('goes as names once and the values in one JSON string from a child process (text)', () => {
    const packed = packRows(PLAIN, true);
    expect(keysOf(packed)).toEqual([COLUMNS_KEY]);
    const json = columnsOf(packed) as string;
    expect(json.match(/"label"/g)).toHaveLength(1);
    const back = across(PLAIN, true);
    expect(back).toEqual(PLAIN);
    expect(back.map((row) => Object.keys(row))).toEqual(PLAIN.map((row) => Object.keys(row)));
  });

  it.each([false, true])(
    'keeps a __proto__ column an own property and the prototype plain (text: %s)',
    (text) => {
      const rows = [JSON.parse('{"__proto__": 1, "id": 1}'), JSON.parse('{"__proto__": null, "id": 2}')];
      const back = across(rows, text);
      expect(back.map((row) => Object.getPrototypeOf(row))).toEqual([Object.prototype, Object.prototype]);
      expect(back.map((row) => Object.getOwnPropertyDescriptor(row, '__proto__')?.value)).toEqual([1, null]);
    },
  );

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
    for (const text of [false, true]) {
      const packed = packRows(rows, text);
      expect(keysOf(packed)).toEqual([JSON_KEY]);
      expect(across(rows, text)).toEqual(rows);
    }
  });

  it.each([
    ['a bigint', 2n ** 60n],
    ['bytes', new Uint8Array([1, 2, 3])],
    ['undefined', undefined],
    ['negative zero', -0],
    ['NaN', Number.NaN],
    ['a nested date', { at: new Date(0) }],
  ])(
    'carries rows holding %s exactly, as columns (text: to the structured clone, untouched)',
    (_what, value) => {
      const rows = [
        { id: 1, value: 1 },
        { id: 2, value },
      ];
      expect(keysOf(packRows(rows))).toEqual([COLUMNS_KEY]);
      const back = across(rows);
      expect(back).toEqual(rows);
      expect(Object.is(back[1]!.value, value) || typeof value === 'object').toBe(true);
      expect(Object.keys(back[1]!)).toEqual(['id', 'value']);
      // JSON would change the value: from a child process the rows go as they are.
      expect(packRows(rows, true)).toBe(rows);
      expect(unpackRows(rows)).toBe(rows);
    },
  );

  it('leaves a batch holding a class instance row to the structured clone', () => {
    const rows = [
      { a: 1 },
      new (class Point {
        a = 1;
      })(),
    ];
    expect(packRows(rows)).toBe(rows);
    expect(packRows(rows, true)).toBe(rows);
  });

  it.each([
    ['no names', [[], [1, 2]]],
    ['names that are not a list', ['id', [1, 2]]],
    ['values that are not a list', [['id'], 1]],
    [
      'values that do not fill whole rows',
      [
        ['id', 'label'],
        [1, 'one', 2],
      ],
    ],
    ['columns that are not a pair', 7],
  ])('refuses a batch with %s as NCF_DATASOURCE_ERROR, building no row', (_what, columns) => {
    for (const packed of [columns, JSON.stringify(columns)]) {
      expect(() => unpackRows({ [COLUMNS_KEY]: packed } as never)).toThrow(
        expect.objectContaining({
          code: 'NCF_DATASOURCE_ERROR',
          message: expect.stringContaining('malformed'),
        }),
      );
    }
  });
});
