import { SyncBailHook, SyncHook, SyncWaterfallHook } from 'tapable';
import { describe, expect, it } from 'vitest';
import { isolateSyncHook, syncFlavourOf } from '../../src/contributions/isolated-sync-compile.js';

describe('isolated sync compile', () => {
  it('knows the flavour of each sync hook class', () => {
    expect(syncFlavourOf(new SyncHook(['a']))).toBe('series');
    expect(syncFlavourOf(new SyncWaterfallHook(['a']))).toBe('waterfall');
    expect(syncFlavourOf(new SyncBailHook(['a']))).toBe('bail');
    expect(syncFlavourOf({})).toBeUndefined();
  });

  it('runs every tap of a series hook, reporting the one that throws', () => {
    const hook = new SyncHook<[number, number]>(['a', 'b']);
    const errors: string[] = [];
    isolateSyncHook(hook, 'series', (name, error) => errors.push(`${name}: ${(error as Error).message}`));
    const seen: number[] = [];
    hook.tap('one', (a, b) => void seen.push(a + b));
    hook.tap('bad', () => {
      throw new Error('boom');
    });
    hook.tap('three', (a) => void seen.push(a));
    hook.call(1, 2);
    expect(seen).toEqual([3, 1]);
    expect(errors).toEqual(['bad: boom']);
  });

  it('threads a waterfall past a throwing tap and honours call, tap and result interceptors', () => {
    const hook = new SyncWaterfallHook<[number]>(['value']);
    const log: string[] = [];
    hook.intercept({
      call: (v) => log.push(`call ${v}`),
      tap: (tap) => log.push(`tap ${tap.name}`),
      result: (v) => log.push(`result ${v}`),
    });
    isolateSyncHook(hook, 'waterfall', (name) => log.push(`error ${name}`));
    hook.tap('double', (v) => v * 2);
    hook.tap('bad', () => {
      throw new Error('x');
    });
    // tapable's types demand a value; at run time an undefined result keeps the previous one.
    hook.tap('noop', () => undefined as unknown as number);
    hook.tap('inc', (v) => v + 1);
    expect(hook.call(5)).toBe(11);
    expect(log).toEqual(['call 5', 'tap double', 'tap bad', 'error bad', 'tap noop', 'tap inc', 'result 11']);
  });

  it('stops a bail hook at the first defined result, skipping a throwing tap', () => {
    const hook = new SyncBailHook<[string], string>(['s']);
    isolateSyncHook(hook, 'bail', () => {});
    hook.tap('bad', () => {
      throw new Error('x');
    });
    hook.tap('answer', (s) => `got ${s}`);
    hook.tap('never', () => 'never');
    expect(hook.call('it')).toBe('got it');
  });

  it('recompiles after taps change', () => {
    const hook = new SyncHook<[number]>(['a']);
    isolateSyncHook(hook, 'series', () => {});
    const seen: number[] = [];
    hook.tap('a', (a) => void seen.push(a));
    hook.call(1);
    hook.tap('b', (a) => void seen.push(a * 10));
    hook.call(2);
    expect(seen).toEqual([1, 2, 20]);
  });
});
