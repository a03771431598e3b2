import type { Row } from '@nocoflo/sdk';

/**
 * Builds row objects from better-sqlite3's raw arrays (`statement.raw(true)`).
 *
 * better-sqlite3 builds each row object in C++, setting one property at a time through V8's
 * API; reading arrays and building the object with one object literal, compiled once per
 * list of column names, takes ~0.8x the time of its own objects (200,000-row streams in
 * packages/host/bench/streams.mjs). The literal keeps the driver's meaning: properties in
 * column order, a repeated name keeps its last value. A column named `__proto__` becomes an
 * own property (a computed key), where the driver's property set would change the prototype.
 */
export type RowMaker = (values: readonly unknown[]) => Row;

const makers = new Map<string, RowMaker>();
/** Distinct column lists kept compiled; past this the cache starts over (plans repeat). */
const MAKER_CACHE_SIZE = 500;

/** The function that turns a raw row of `names` (in select order) into a row object. */
export function rowMaker(names: readonly string[]): RowMaker {
  const key = names.join('\u0000');
  let maker = makers.get(key);
  if (!maker) {
    if (makers.size >= MAKER_CACHE_SIZE) makers.clear();
    maker = compile(names);
    makers.set(key, maker);
  }
  return maker;
}

function compile(names: readonly string[]): RowMaker {
  // JSON.stringify of a string is a valid JavaScript string literal: a column name cannot
  // escape it, whatever it holds.
  const properties = names.map((name, i) => {
    const literal = JSON.stringify(name);
    return `${name === '__proto__' ? `[${literal}]` : literal}: v[${i}]`;
  });
  try {
    return new Function('v', `return { ${properties.join(', ')} };`) as RowMaker;
  } catch {
    // Code generation is switched off (--disallow-code-generation-from-strings).
    return definingRowMaker(names);
  }
}

/**
 * The same rows as {@link rowMaker} without generated code: own data properties defined one
 * by one (slower; used only where code generation from strings is switched off).
 */
export function definingRowMaker(names: readonly string[]): RowMaker {
  return (values) => {
    const row: Row = {};
    for (let i = 0; i < names.length; i++) {
      Object.defineProperty(row, names[i]!, {
        value: values[i],
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return row;
  };
}
