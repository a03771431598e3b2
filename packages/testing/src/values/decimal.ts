/**
 * Exact decimal arithmetic on strings (scaled bigints), so sums of decimals and large
 * integers can be computed without the rounding of binary floats.
 */

/** A decimal as an integer `digits` scaled by 10^-scale. */
interface Scaled {
  digits: bigint;
  scale: number;
}

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-])?\.(\d+)(?:[eE]([+-]?\d+))?$/;

/** Whether `text` is a plain decimal literal (`-12.50`, `3`, `1e3`). */
export function isDecimalText(text: string): boolean {
  return DECIMAL.test(text.trim());
}

function scaled(value: string | number | bigint): Scaled {
  if (typeof value === 'bigint') return { digits: value, scale: 0 };
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new TypeError(`not a decimal: ${JSON.stringify(value)}`);
  const sign = (m[1] ?? m[5]) === '-' ? -1n : 1n;
  const intPart = m[2] ?? '0';
  const frac = m[3] ?? m[6] ?? '';
  const exp = Number(m[4] ?? m[7] ?? 0);
  let digits = BigInt(intPart + frac) * sign;
  let scale = frac.length - exp;
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
  return String(value);
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.digits * 10n ** BigInt(scale - a.scale), b.digits * 10n ** BigInt(scale - b.scale), scale];
}

function text({ digits, scale }: Scaled): string {
  const negative = digits < 0n;
  let s = (negative ? -digits : digits).toString().padStart(scale + 1, '0');
  if (scale > 0) s = `${s.slice(0, -scale)}.${s.slice(-scale)}`.replace(/\.?0+$/, '');
  return s === '0' ? '0' : (negative ? '-' : '') + s;
}

/**
 * The canonical text of a decimal: no exponent, no `+`, no leading zeros, no trailing
 * fractional zeros, `0` for zero. `'012.50'`, `12.5` and `'1.25e1'` all give `'12.5'`.
 *
 * @example
 * ```ts
 * import { addDecimals, compareDecimals, normalizeDecimal } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * // Exact decimal arithmetic on the strings datasources return for decimal columns.
 * expect(normalizeDecimal('012.50')).toBe('12.5');
 * expect(addDecimals(['0.1', '0.2', 3n])).toBe('3.3'); // no binary float rounding
 * expect(compareDecimals('1.50', 1.5)).toBe(0);
 * ```
 */
export function normalizeDecimal(value: string | number | bigint): string {
  // Integers (most keys and counts the suites compare) are written canonically already:
  // no parse into a scaled bigint and back (-0 writes as "0").
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return text(scaled(value));
}

/**
 * Exact sum of decimals.
 *
 * @example
 * ```ts
 * import { addDecimals, compareDecimals, normalizeDecimal } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * // Exact decimal arithmetic on the strings datasources return for decimal columns.
 * expect(normalizeDecimal('012.50')).toBe('12.5');
 * expect(addDecimals(['0.1', '0.2', 3n])).toBe('3.3'); // no binary float rounding
 * expect(compareDecimals('1.50', 1.5)).toBe(0);
 * ```
 */
export function addDecimals(values: readonly (string | number | bigint)[]): string {
  let total: Scaled = { digits: 0n, scale: 0 };
  for (const v of values) {
    const [a, b, scale] = align(total, scaled(v));
    total = { digits: a + b, scale };
  }
  return text(total);
}

/**
 * Compares two decimals exactly: negative, zero or positive like `a - b`.
 *
 * @example
 * ```ts
 * import { addDecimals, compareDecimals, normalizeDecimal } from '@nocoflo/testing';
 * import { expect } from 'vitest';
 *
 * // Exact decimal arithmetic on the strings datasources return for decimal columns.
 * expect(normalizeDecimal('012.50')).toBe('12.5');
 * expect(addDecimals(['0.1', '0.2', 3n])).toBe('3.3'); // no binary float rounding
 * expect(compareDecimals('1.50', 1.5)).toBe(0);
 * ```
 */
export function compareDecimals(a: string | number | bigint, b: string | number | bigint): number {
  const [x, y] = align(scaled(a), scaled(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Significant digits of a decimal (`'0.00120'` has 2). */
export function significantDigits(value: string): number {
  const { digits } = scaled(value);
  const s = (digits < 0n ? -digits : digits).toString().replace(/0+$/, '');
  return s === '' ? 0 : s.length;
}
