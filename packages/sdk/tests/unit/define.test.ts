import {
  createHooks,
  definePlugin,
  escapeHtml,
  HOOK_KINDS,
  HOOK_NAMES,
  isHookName,
  isPlugin,
} from '@nocoflo/sdk';
import { decodeCursor, encodeCursor, escapeLike, quoteIdentifier } from '@nocoflo/sdk/sql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

describe('definePlugin', () => {
  it('brands the definition so the host can recognise it across SDK copies', () => {
    const plugin = definePlugin({ config: z.object({ a: z.number() }), setup() {} });
    expect(isPlugin(plugin)).toBe(true);
    expect(isPlugin({ setup() {} })).toBe(false);
    expect(isPlugin(null)).toBe(false);
    expect(Object.isFrozen(plugin)).toBe(true);
  });
});

describe('hooks', () => {
  it('creates one instance per hook, sync or async as HOOK_KINDS says', () => {
    const hooks = createHooks();
    expect(Object.keys(hooks).sort()).toEqual([...HOOK_NAMES].sort());
    for (const name of HOOK_NAMES) {
      const hook = hooks[name] as unknown as { call?: unknown };
      expect(typeof hook.call === 'function', name).toBe(HOOK_KINDS[name] === 'sync');
    }
    expect(isHookName('beforeWrite')).toBe(true);
    expect(isHookName('toString')).toBe(false);
  });
});

describe('escapeHtml', () => {
  it('makes markup inert and control characters harmless', () => {
    expect(escapeHtml('<script>alert("x")</script>&\'')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;',
    );
    expect(escapeHtml('a\u0000b')).toBe('a\uFFFDb');
    expect(escapeHtml(null)).toBe('null');
  });
});

describe('sql helpers', () => {
  it('quotes identifiers and refuses NUL', () => {
    expect(quoteIdentifier('we"ird; --')).toBe('"we""ird; --"');
    expect(() => quoteIdentifier('a\0b')).toThrow(/NUL/);
  });
  it('escapes LIKE wildcards', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
  it('round-trips cursors exactly, bigints and bytes included, and refuses foreign ones', () => {
    const payload = {
      direction: 'after' as const,
      values: [9007199254740993n, 'x', null, new Uint8Array([1, 2])],
      sort: 'id:asc',
    };
    const decoded = decodeCursor(encodeCursor(payload), 'id:asc');
    expect(decoded).toEqual(payload);
    expect(() => decodeCursor('garbage', 'id:asc')).toThrow(/cursor/);
    expect(() => decodeCursor(encodeCursor(payload), 'name:asc')).toThrow(/another sort/);
  });
});
