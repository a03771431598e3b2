import {
  addDecimals,
  canonicalText,
  compareDecimals,
  compareValues,
  normalizeDecimal,
  normalizeTemporal,
  valuesEqual,
} from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';

describe('decimal helpers', () => {
  it('normalises decimal text', () => {
    expect(normalizeDecimal('012.50')).toBe('12.5');
    expect(normalizeDecimal('-0.000')).toBe('0');
    expect(normalizeDecimal('1.25e1')).toBe('12.5');
    expect(normalizeDecimal('+.5')).toBe('0.5');
    expect(normalizeDecimal(1e-7)).toBe('0.0000001');
    expect(normalizeDecimal(12345678901234567890n)).toBe('12345678901234567890');
    expect(() => normalizeDecimal('12a')).toThrow(/not a decimal/);
  });

  it('adds exactly where floats would round', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(addDecimals(['0.1', '0.2'])).toBe('0.3');
    expect(addDecimals(['12345678901234567890.1', '0.9', 1n])).toBe('12345678901234567892');
    expect(addDecimals([])).toBe('0');
  });

  it('compares numerically, not as text', () => {
    expect(compareDecimals('100.00', '12.25')).toBeGreaterThan(0);
    expect(compareDecimals('-3', '2')).toBeLessThan(0);
    expect(compareDecimals('1.50', '1.5')).toBe(0);
  });
});

describe('value comparison', () => {
  it('orders NULL first and compares by column type', () => {
    expect(compareValues('integer', null, -5)).toBeLessThan(0);
    expect(compareValues('integer', 2n ** 60n, 5)).toBeGreaterThan(0);
    expect(compareValues('decimal', '9.5', '10')).toBeLessThan(0);
    expect(compareValues('text', '9.5', '10')).toBeGreaterThan(0);
    expect(compareValues('timestamp', '2024-01-01 10:00:00', '2024-01-01T09:59:59.999')).toBeGreaterThan(0);
  });

  it('treats different JS spellings of one value as equal', () => {
    expect(valuesEqual('decimal', '3.50', 3.5)).toBe(true);
    expect(valuesEqual('integer', 42, 42n)).toBe(true);
    expect(valuesEqual('timestamp', '2024-02-29 13:45:30.250', '2024-02-29T13:45:30.25')).toBe(true);
    expect(valuesEqual('json', { b: 1, a: [1] }, { a: [1], b: 1 })).toBe(true);
    expect(valuesEqual('binary', new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(valuesEqual('text', 'a', 'A')).toBe(false);
  });

  it('gives canonical text for comparisons of rows', () => {
    expect(canonicalText('integer', 9007199254740993n)).toBe('num:9007199254740993');
    expect(canonicalText('float', -0)).toBe('num:0');
    expect(canonicalText('text', null)).toBe('null');
    expect(normalizeTemporal('2024-02-29T13:45:30.000')).toBe('2024-02-29 13:45:30');
    expect(normalizeTemporal('2024-02-29T13:45:30Z')).toBe('2024-02-29 13:45:30+00:00');
    expect(normalizeTemporal('2024-02-29T13:45:30Z', 'timestamp')).toBe('2024-02-29 13:45:30');
  });
});
