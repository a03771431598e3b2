import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { definingRowMaker, rowMaker } from '../../src/row-maker.js';

const makers = { compiled: rowMaker, defining: definingRowMaker };

describe.each(Object.entries(makers))('rows built from raw arrays (%s)', (_kind, make) => {
  it('match the driver’s own row objects: names, order, values', () => {
    const db = new Database(':memory:');
    const sql = `SELECT 1 AS id, 'a' AS label, NULL AS "note", 2.5 AS "price ""net""", x'00ff' AS bytes`;
    const own = db.prepare(sql).get();
    const statement = db.prepare(sql).raw(true);
    const row = make(statement.columns().map((c) => c.name))(statement.get() as unknown[]);
    expect(row).toEqual(own);
    expect(Object.keys(row)).toEqual(Object.keys(own as object));
    db.close();
  });

  it('keep the last value of a repeated name, at its first place', () => {
    const row = make(['a', 'b', 'a'])([1, 2, 3]);
    expect(row).toEqual({ a: 3, b: 2 });
    expect(Object.keys(row)).toEqual(['a', 'b']);
  });

  it('hold any column name as an own property, __proto__ and code-like names included', () => {
    const names = ['__proto__', '}; throw 1; ({', "it's", 'line\nbreak', '\u2028', 'constructor', ''];
    const values = [null, 1, 2, 3, 4, 5, 6];
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
