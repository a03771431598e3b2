import {
  AsyncParallelHook,
  AsyncSeriesBailHook,
  AsyncSeriesHook,
  AsyncSeriesWaterfallHook,
  SyncBailHook,
  SyncHook,
  SyncWaterfallHook,
} from 'tapable';
import { describe, expect, it } from 'vitest';
import {
  GUARDED,
  hookShapeOf,
  isolateHook,
  type TapGuard,
} from '../../src/contributions/isolated-compile.js';

/**
 * A plugin tap that answers synchronously, as plugin taps may; tapable's types demand a
 * promise from `tapPromise`, the host's compiled call does not.
 */
const answersAtOnce = <A extends unknown[]>(fn: (...args: A) => void) =>
  fn as unknown as (...args: A) => Promise<void>;

/** Tap options of a plugin tap (what the host's hook registry passes). */
const guarded = (name: string) => ({ name, [GUARDED]: true });

function recordingGuard(extra: Partial<TapGuard> = {}): TapGuard & { errors: string[] } {
  const errors: string[] = [];
  return {
    errors,
    timeoutMs: 50,
    failed: (tap, error) => {
      errors.push(`${tap}: ${(error as Error).message}`);
      return undefined;
    },
    ...extra,
  };
}

describe('isolated compile: shapes', () => {
  it('knows the shape of each tapable class the host uses, and no other', () => {
    expect(hookShapeOf(new SyncHook(['a']))).toEqual({ kind: 'sync', flavour: 'series' });
    expect(hookShapeOf(new SyncWaterfallHook(['a']))).toEqual({ kind: 'sync', flavour: 'waterfall' });
    expect(hookShapeOf(new SyncBailHook(['a']))).toEqual({ kind: 'sync', flavour: 'bail' });
    expect(hookShapeOf(new AsyncSeriesHook(['a']))).toEqual({ kind: 'async', flavour: 'series' });
    expect(hookShapeOf(new AsyncSeriesBailHook(['a']))).toEqual({ kind: 'async', flavour: 'bail' });
    expect(hookShapeOf(new AsyncParallelHook(['a']))).toEqual({ kind: 'async', flavour: 'parallel' });
    expect(hookShapeOf(new AsyncSeriesWaterfallHook(['a']))).toBeUndefined();
    expect(hookShapeOf({})).toBeUndefined();
  });
});

describe('isolated compile: sync hooks', () => {
  it('runs every tap of a series hook, reporting the plugin tap that throws', () => {
    const hook = new SyncHook<[number, number]>(['a', 'b']);
    const guard = recordingGuard();
    isolateHook(hook, { kind: 'sync', flavour: 'series' }, guard);
    const seen: number[] = [];
    hook.tap(guarded('one'), (a, b) => void seen.push(a + b));
    hook.tap(guarded('bad'), () => {
      throw new Error('boom');
    });
    hook.tap(guarded('three'), (a) => void seen.push(a));
    hook.call(1, 2);
    expect(seen).toEqual([3, 1]);
    expect(guard.errors).toEqual(['bad: boom']);
  });

  it('lets the error of a tap made directly on the hook reach the caller, as tapable does', () => {
    const hook = new SyncHook<[number]>(['a']);
    const guard = recordingGuard();
    isolateHook(hook, { kind: 'sync', flavour: 'series' }, guard);
    hook.tap('direct', () => {
      throw new Error('direct failure');
    });
    expect(() => hook.call(1)).toThrow('direct failure');
    expect(guard.errors).toEqual([]);
  });

  it('threads a waterfall past a throwing tap and honours call, tap and result interceptors', () => {
    const hook = new SyncWaterfallHook<[number]>(['value']);
    const log: string[] = [];
    hook.intercept({
      call: (v) => log.push(`call ${v}`),
      tap: (tap) => log.push(`tap ${tap.name}`),
      result: (v) => log.push(`result ${v}`),
    });
    isolateHook(
      hook,
      { kind: 'sync', flavour: 'waterfall' },
      { ...recordingGuard(), failed: (name) => log.push(`error ${name}`) },
    );
    hook.tap(guarded('double'), (v) => v * 2);
    hook.tap(guarded('bad'), () => {
      throw new Error('x');
    });
    // tapable's types demand a value; at run time an undefined result keeps the previous one.
    hook.tap(guarded('noop'), () => undefined as unknown as number);
    hook.tap(guarded('inc'), (v) => v + 1);
    expect(hook.call(5)).toBe(11);
    expect(log).toEqual(['call 5', 'tap double', 'tap bad', 'error bad', 'tap noop', 'tap inc', 'result 11']);
  });

  it('stops a bail hook at the first defined result, skipping a throwing tap', () => {
    const hook = new SyncBailHook<[string], string>(['s']);
    isolateHook(hook, { kind: 'sync', flavour: 'bail' }, recordingGuard());
    hook.tap(guarded('bad'), () => {
      throw new Error('x');
    });
    hook.tap(guarded('answer'), (s) => `got ${s}`);
    hook.tap(guarded('never'), () => 'never');
    expect(hook.call('it')).toBe('got it');
  });

  it('recompiles after taps change', () => {
    const hook = new SyncHook<[number]>(['a']);
    isolateHook(hook, { kind: 'sync', flavour: 'series' }, recordingGuard());
    const seen: number[] = [];
    hook.tap(guarded('a'), (a) => void seen.push(a));
    hook.call(1);
    hook.tap(guarded('b'), (a) => void seen.push(a * 10));
    hook.call(2);
    expect(seen).toEqual([1, 2, 20]);
  });

  it('answers promise() and callAsync() with the same guarded call', async () => {
    const hook = new SyncWaterfallHook<[number]>(['v']);
    const guard = recordingGuard();
    isolateHook(hook, { kind: 'sync', flavour: 'waterfall' }, guard);
    hook.tap(guarded('bad'), () => {
      throw new Error('x');
    });
    hook.tap(guarded('inc'), (v) => v + 1);
    await expect(hook.promise(1)).resolves.toBe(2);
    const viaCallback = await new Promise((resolve, reject) =>
      hook.callAsync(5, (error, result) => (error ? reject(error) : resolve(result))),
    );
    expect(viaCallback).toBe(6);
    expect(guard.errors).toEqual(['bad: x', 'bad: x']);
  });
});

describe('isolated compile: async hooks', () => {
  it('runs taps in order, awaiting only the ones that return a promise', async () => {
    const hook = new AsyncSeriesHook<[string]>(['s']);
    isolateHook(hook, { kind: 'async', flavour: 'series' }, recordingGuard());
    const log: string[] = [];
    hook.tapPromise(
      guarded('sync'),
      answersAtOnce((s: string) => void log.push(`sync ${s}`)),
    );
    hook.tapPromise(guarded('slow'), async (s) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`slow ${s}`);
    });
    hook.tapPromise(
      guarded('last'),
      answersAtOnce((s: string) => void log.push(`last ${s}`)),
    );
    await hook.promise('x');
    expect(log).toEqual(['sync x', 'slow x', 'last x']);
  });

  it('reports a plugin tap that throws, rejects or hangs, and goes on', async () => {
    const hook = new AsyncSeriesHook<[number]>(['n']);
    const guard = recordingGuard();
    isolateHook(hook, { kind: 'async', flavour: 'series' }, guard);
    const seen: number[] = [];
    hook.tapPromise(guarded('throws'), () => {
      throw new Error('sync boom');
    });
    hook.tapPromise(guarded('rejects'), async () => {
      throw new Error('async boom');
    });
    hook.tapPromise(guarded('hangs'), () => new Promise(() => {}));
    hook.tapPromise(guarded('fine'), async (n) => void seen.push(n));
    await hook.promise(7);
    expect(seen).toEqual([7]);
    expect(guard.errors).toEqual([
      'throws: sync boom',
      'rejects: async boom',
      'hangs: timed out after 50 ms',
    ]);
  });

  it('gives each hanging tap its own deadline and ignores an answer that comes after it', async () => {
    const hook = new AsyncSeriesBailHook<[number], unknown>(['n']);
    const guard = recordingGuard();
    isolateHook(hook, { kind: 'async', flavour: 'bail' }, guard);
    let answerLate: (value: unknown) => void = () => {};
    const seen: string[] = [];
    hook.tapPromise(
      guarded('late'),
      () =>
        new Promise((resolve) => {
          answerLate = resolve;
        }),
    );
    hook.tapPromise(guarded('hangs'), () => new Promise(() => {}));
    hook.tapPromise(guarded('fine'), async (n) => void seen.push(`fine ${n}`));
    expect(await hook.promise(3)).toBeUndefined();
    expect(seen).toEqual(['fine 3']);
    expect(guard.errors).toEqual(['late: timed out after 50 ms', 'hangs: timed out after 50 ms']);
    // The late tap answers with a bail value after its deadline: the call is over, and no tap
    // runs again.
    answerLate('too late');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual(['fine 3']);
    expect(guard.errors).toHaveLength(2);
  });

  it('passes on an error the guard rethrows (a deliberate refusal) and tells error interceptors', async () => {
    const hook = new AsyncSeriesHook<[number]>(['n']);
    const intercepted: unknown[] = [];
    hook.intercept({ error: (error) => intercepted.push((error as Error).message) });
    isolateHook(
      hook,
      {
        kind: 'async',
        flavour: 'series',
      },
      {
        timeoutMs: 50,
        failed: (_tap, error) => {
          throw error;
        },
      },
    );
    const after: number[] = [];
    hook.tapPromise(guarded('refuses'), async () => {
      throw new Error('not allowed');
    });
    hook.tapPromise(guarded('after'), async (n) => void after.push(n));
    await expect(hook.promise(1)).rejects.toThrow('not allowed');
    expect(after).toEqual([]);
    expect(intercepted).toEqual(['not allowed']);
  });

  it('bails with the first defined result, as the guard presents it; a failed tap can stand in for one', async () => {
    const hook = new AsyncSeriesBailHook<[string], unknown>(['w']);
    const guard = recordingGuard({
      failed: (tap) => ({ reason: 'crashed', plugin: tap }),
      bailed: (tap, result) => ({ ...(result as object), plugin: tap }),
    });
    isolateHook(hook, { kind: 'async', flavour: 'bail' }, guard);
    hook.tapPromise(guarded('quiet'), async () => undefined);
    hook.tapPromise(guarded('veto'), async (w) => ({ reason: `no ${w}` }));
    hook.tapPromise(guarded('never'), async () => ({ reason: 'never' }));
    await expect(hook.promise('write')).resolves.toEqual({ reason: 'no write', plugin: 'veto' });

    const crashing = new AsyncSeriesBailHook<[string], unknown>(['w']);
    isolateHook(crashing, { kind: 'async', flavour: 'bail' }, guard);
    crashing.tapPromise(guarded('broken'), () => {
      throw new Error('x');
    });
    await expect(crashing.promise('write')).resolves.toEqual({ reason: 'crashed', plugin: 'broken' });
  });

  it('runs parallel taps together and waits for all of them', async () => {
    const hook = new AsyncParallelHook<[number]>(['n']);
    const guard = recordingGuard();
    isolateHook(hook, { kind: 'async', flavour: 'parallel' }, guard);
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    hook.tapPromise(guarded('waits'), async () => {
      await gate;
      log.push('waits');
    });
    hook.tapPromise(
      guarded('releases'),
      answersAtOnce(() => {
        log.push('releases');
        release();
      }),
    );
    hook.tapPromise(guarded('bad'), async () => {
      throw new Error('x');
    });
    await hook.promise(1);
    expect(log).toEqual(['releases', 'waits']);
    expect(guard.errors).toEqual(['bad: x']);
  });

  it("keeps tapable's semantics for taps made directly: promise, callback and sync taps, errors reach the caller", async () => {
    const hook = new AsyncSeriesHook<[number]>(['n']);
    const guard = recordingGuard();
    isolateHook(hook, { kind: 'async', flavour: 'series' }, guard);
    const log: string[] = [];
    hook.tap('sync', (n) => void log.push(`sync ${n}`));
    hook.tapAsync('callback', (n, done) => {
      setTimeout(() => {
        log.push(`callback ${n}`);
        done();
      }, 1);
    });
    hook.tapPromise('promise', async (n) => void log.push(`promise ${n}`));
    await hook.promise(3);
    expect(log).toEqual(['sync 3', 'callback 3', 'promise 3']);

    hook.tapPromise('direct', async () => {
      throw new Error('direct failure');
    });
    await expect(hook.promise(4)).rejects.toThrow('direct failure');
    expect(guard.errors).toEqual([]);
  });

  it('calls interceptors on themselves, also for the taps after one that returned a promise', async () => {
    const hook = new AsyncSeriesHook<[number]>(['n']);
    const interceptor = {
      seen: [] as string[],
      tap(this: { seen: string[] }, tap: { name: string }) {
        this.seen.push(tap.name);
      },
      done(this: { seen: string[] }) {
        this.seen.push('done');
      },
    };
    hook.intercept(interceptor);
    isolateHook(hook, { kind: 'async', flavour: 'series' }, recordingGuard());
    hook.tapPromise(guarded('first'), async () => {});
    hook.tapPromise(guarded('second'), async () => {});
    await hook.promise(1);
    // tapable keeps a shallow copy of each interceptor, which shares `seen`.
    expect(interceptor.seen).toEqual(['first', 'second', 'done']);
  });

  it('answers callAsync() and honours call, tap, result and done interceptors', async () => {
    const hook = new AsyncSeriesBailHook<[number], unknown>(['n']);
    const log: string[] = [];
    hook.intercept({
      call: (n) => log.push(`call ${n}`),
      tap: (tap) => log.push(`tap ${tap.name}`),
      result: (r) => log.push(`result ${String(r)}`),
      done: () => log.push('done'),
    });
    isolateHook(hook, { kind: 'async', flavour: 'bail' }, recordingGuard());
    hook.tapPromise(guarded('maybe'), async (n) => (n > 1 ? 'big' : undefined));
    const result = await new Promise((resolve, reject) =>
      hook.callAsync(2, (error, value) => (error ? reject(error) : resolve(value))),
    );
    expect(result).toBe('big');
    await hook.promise(1);
    expect(log).toEqual(['call 2', 'tap maybe', 'result big', 'call 1', 'tap maybe', 'done']);
  });
});
