import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../src/index.js';
import { decoderFor, inferType, mergeTypes, queryText } from '../../src/values.js';

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(
      5000,
    );
    expect(retryAfterMs('soon')).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});

describe('values', () => {
  const column = (type: string) =>
    ({ name: 'c', type, nativeType: type, nullable: true, hasDefault: false }) as never;
  it('decodes exact integers, decimals and bytes from JSON', () => {
    expect(decoderFor(column('integer'))('9007199254740993')).toBe(9007199254740993n);
    expect(decoderFor(column('integer'))(42)).toBe(42);
    expect(decoderFor(column('decimal'))(12.5)).toBe('12.5');
    expect(decoderFor(column('binary'))('AAEC')).toEqual(new Uint8Array([0, 1, 2]));
    expect(decoderFor(column('binary'), 'hex')('ff00')).toEqual(new Uint8Array([255, 0]));
  });
  it('infers types from sample values', () => {
    expect(inferType(1)).toBe('integer');
    expect(inferType(1.5)).toBe('float');
    expect(inferType('2024-01-02')).toBe('date');
    expect(inferType('2024-01-02T03:04:05Z')).toBe('timestamptz');
    expect(inferType('2024-01-02T03:04:05')).toBe('timestamp');
    expect(inferType({ a: 1 })).toBe('json');
    expect(mergeTypes('integer', 'float')).toBe('float');
    expect(mergeTypes('integer', 'text')).toBe('text');
    expect(mergeTypes(null, 'date')).toBe('date');
  });
  it('writes filter values as query text', () => {
    expect(queryText(2n ** 64n)).toBe('18446744073709551616');
    expect(queryText(false)).toBe('false');
    expect(queryText(new Uint8Array([255]))).toBe('/w==');
  });
});
