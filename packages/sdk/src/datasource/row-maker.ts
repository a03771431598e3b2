import type { Row } from './types.js';

/**
 * Builds one row object from an array of values: the value for the `i`th column is
 * `values[offset + i]` (`offset` defaults to 0). See {@link rowMaker}.
 */
export type RowMaker = (values: readonly unknown[], offset?: number) => Row;

const makers = new Map<string, RowMaker>();
/** Distinct column lists kept compiled; past this the cache starts over (lists repeat). */
const MAKER_CACHE_SIZE = 500;

/**
 * The function that turns arrays of values into {@link Row} objects with the given column
 * names, for drivers that hand out rows as arrays (better-sqlite3's `raw(true)`, pg's
 * `rowMode: 'array'`, mysql2's `rowsAsArray`) or values sent as one flat array.
 *
 * The row is built by one object literal compiled once per list of names (and kept in a
 * cache), which is faster than setting properties one by one, or than most drivers' own row
 * objects. It means what an object literal means: own properties in column order, a repeated
 * name keeps its last value at its first place, and a column named `__proto__` is an own
 * property (the prototype stays `Object.prototype`). A name reaches the compiled code only
 * as a JSON string literal, so no column name, however written, can change what the code
 * does. Where code generation from strings is switched off
 * (`--disallow-code-generation-from-strings`) the same rows are built without it, more slowly.
 *
 * @param columns - The column names, in the order of the values.
 * @returns The row builder for that list of names (the same function for the same list).
 *
 * @example
 * ```ts
 * import { rowMaker } from '@nocoflo/sdk';
 *
 * const make = rowMaker(['id', 'name']);
 * make([1, 'Ada']); // { id: 1, name: 'Ada' }
 *
 * // Values of several rows in one flat array: start each row at its offset.
 * const flat = [1, 'Ada', 2, 'Grace'];
 * const rows = [make(flat, 0), make(flat, 2)]; // [{ id: 1, name: 'Ada' }, { id: 2, name: 'Grace' }]
 * ```
 */
export function rowMaker(columns: readonly string[]): RowMaker {
  const names = columns.map(String);
  // JSON of the list, not the names joined: ['a\u0000b'] and ['a', 'b'] must not share a maker.
  const key = JSON.stringify(names);
  let maker = makers.get(key);
  if (!maker) {
    if (makers.size >= MAKER_CACHE_SIZE) makers.clear();
    maker = compileRowMaker(names);
    makers.set(key, maker);
  }
  return maker;
}

function compileRowMaker(names: readonly string[]): RowMaker {
  // JSON.stringify of a string is a valid JavaScript string literal, whatever the string
  // holds (quotes, backslashes, line breaks, U+2028, lone surrogates): a name cannot leave it.
  const properties = names.map((name, i) => {
    const literal = JSON.stringify(name);
    // As a plain key, `"__proto__":` would set the prototype; a computed key defines a property.
    return `${name === '__proto__' ? `[${literal}]` : literal}: v[at + ${i}]`;
  });
  try {
    return new Function('v', 'at = 0', `return { ${properties.join(', ')} };`) as RowMaker;
  } catch {
    // Code generation from strings is switched off.
    return definingRowMaker(names);
  }
}

/**
 * The rows of {@link rowMaker} without generated code: own data properties defined one by one
 * (slower; used where code generation from strings is switched off). Not exported from the
 * package; tests use it to hold both ways to the same rows.
 */
export function definingRowMaker(names: readonly string[]): RowMaker {
  return (values, offset = 0) => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) {
      Object.defineProperty(row, names[i]!, {
        value: values[offset + i],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return row;
  };
}
