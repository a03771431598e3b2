import { describe, expect, it } from 'vitest';
import { definingRowMaker, rowMaker } from '../../src/datasource/row-maker.js';
import { rowMaker as exported } from '../../src/index.js';

const makers = { compiled: rowMaker, defining: definingRowMaker };

describe.each(Object.entries(makers))('rows built from arrays of values (%s)', (_kind, make) => {
  it('have the names in order and the values in place', () => {
    const row = make(['id', 'label', 'note', 'price'])([1, 'a', null, 2.5]);
    expect(row).toEqual({ id: 1, label: 'a', note: null, price: 2.5 });
    expect(Object.keys(row)).toEqual(['id', 'label', 'note', 'price']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('read a row at an offset of a flat array, from 0 when none is given', () => {
    const flat = [1, 'a', 2, 'b', 3, 'c'];
    const pair = make(['id', 'label']);
    expect([0, 2, 4].map((at) => pair(flat, at))).toEqual([
      { id: 1, label: 'a' },
      { id: 2, label: 'b' },
      { id: 3, label: 'c' },
    ]);
    expect(pair(flat)).toEqual({ id: 1, label: 'a' });
  });

  it('keep values as they are: bigint, bytes, undefined, objects', () => {
    const bytes = new Uint8Array([1]);
    const nested = { a: [1] };
    const row = make(['big', 'bytes', 'missing', 'nested'])([2n ** 70n, bytes, undefined, nested]);
    expect(row.big).toBe(2n ** 70n);
    expect(row.bytes).toBe(bytes);
    expect(row.nested).toBe(nested);
    expect(Object.keys(row)).toContain('missing');
  });

  it('keep the last value of a repeated name, at its first place', () => {
    const row = make(['a', 'b', 'a'])([1, 2, 3]);
    expect(row).toEqual({ a: 3, b: 2 });
    expect(Object.keys(row)).toEqual(['a', 'b']);
  });

  it('hold any column name as an own property, __proto__ and code-like names included', () => {
    const names = [
      '__proto__',
      'a"];process.exit()//',
      "a'];process.exit()//",
      '}; throw 1; ({',
      '`$' + '{process.exit()}`',
      'back\\slash',
      "it's",
      'line\nbreak',
      '\u2028',
      '\ud800',
      'constructor',
      '',
    ];
    const values = names.map((_, i) => i);
    const row = make(names)(values);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row)).toEqual(names);
    names.forEach((name, i) => {
      expect(Object.getOwnPropertyDescriptor(row, name)).toEqual({
        value: values[i],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    });
  });
});

describe('rowMaker', () => {
  it('is exported from the package', () => {
    expect(exported).toBe(rowMaker);
  });

  it('compiles once per list of names', () => {
    expect(rowMaker(['x', 'y'])).toBe(rowMaker(['x', 'y']));
    expect(rowMaker(['x', 'y'])).not.toBe(rowMaker(['y', 'x']));
  });

  it('never takes one list of names for another, whatever characters the names hold', () => {
    const joined = rowMaker(['a\u0000b'])([1, 2]);
    const apart = rowMaker(['a', 'b'])([1, 2]);
    expect(joined).toEqual({ 'a\u0000b': 1 });
    expect(apart).toEqual({ a: 1, b: 2 });
  });

  it('writes a name into the code only as a string literal (names that are not strings become strings)', () => {
    // A caller fed by untyped data (JSON from elsewhere) may pass anything: an array or an
    // object must not turn into a computed key or code.
    const names = [['a'], { toJSON: 'x' }, 1, null] as unknown as string[];
    const row = rowMaker(names)(['w', 'x', 'y', 'z']);
    expect(row).toEqual({ a: 'w', '[object Object]': 'x', '1': 'y', null: 'z' });
  });
});
