import { describe, expect, it } from 'vitest';
import { toJson } from '../../../src/server/json.js';

describe('toJson', () => {
  it('serialises plain answers exactly as JSON.stringify does', () => {
    const page = {
      rows: [
        { id: 1, name: 'Ünïcode ✓', price: 1.5, at: new Date(0), tags: ['a', null], nested: { ok: true } },
      ],
      nextCursor: 'abc',
      prevCursor: null,
      skipped: undefined,
    };
    expect(toJson(page)).toBe(JSON.stringify(page));
  });

  it('spells bigints as decimal strings and bytes as base64, however deep they sit', () => {
    const big = 2n ** 64n;
    const answer = {
      rows: [{ id: 1, n: big, blob: new Uint8Array([0, 255, 1]) }],
      deep: { a: [{ b: [1n] }] },
    };
    expect(JSON.parse(toJson(answer))).toEqual({
      rows: [{ id: 1, n: '18446744073709551616', blob: { $base64: 'AP8B' } }],
      deep: { a: [{ b: ['1'] }] },
    });
  });

  it('lets a toJSON method decide its form, bigints included', () => {
    const value = { custom: { toJSON: () => ({ count: 3n }) } };
    expect(JSON.parse(toJson(value))).toEqual({ custom: { count: '3' } });
  });

  it('still reports a cycle as JSON.stringify does', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toJson(cyclic)).toThrow(TypeError);
  });
});
