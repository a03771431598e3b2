/**
 * Compiled calls for the host's hooks in which every plugin tap is guarded inline: a tap
 * that throws, rejects or hangs is reported (its plugin then fails) and the call goes on
 * without it, at the speed of raw tapable.
 *
 * Why compile instead of wrapping each tap: tapable compiles a hook's call into
 * straight-line code (`_fn0(a); _fn1(a); …`) which V8 inlines while the calls stay small.
 * A wrapper per tap doubles the calls and exhausts V8's inlining budget at around a
 * hundred taps, and an async wrapper adds a promise per tap. So the host replaces each
 * hook's `compile` with one that emits the same straight-line code, each guarded tap in its
 * own try/catch; async hooks become one async function that awaits only the taps that
 * returned a promise (each raced against the tap timeout), so taps that answer
 * synchronously cost no promise at all.
 *
 * Only taps marked with {@link GUARDED} (the host's plugin taps) are guarded. Anything
 * tapped on `host.hooks` directly keeps tapable's semantics: its error reaches the caller.
 *
 * Interceptors: `call`, `tap`, `error`, `result` and `done` are honoured (the testing kit's
 * hook spies use `call` and `tap`); `register` is applied by tapable when tapping.
 */
import { TimeoutError, withTimeout } from '../lifecycle/timeout.js';
import { type DeadlineEntry, DeadlineQueue } from './deadlines.js';

/**
 * Marks a tap (in tapable's tap options) as a plugin tap the compiled call guards. A string
 * key: tapable copies extra string-keyed options onto the tap, but drops symbol keys.
 */
export const GUARDED = 'nocofloGuarded';

/** The hook shapes this compiler knows, by tapable class. */
export type HookShape =
  | { kind: 'sync'; flavour: 'series' | 'waterfall' | 'bail' }
  | { kind: 'async'; flavour: 'series' | 'bail' | 'parallel' };

/** What the compiled call does with a guarded tap that failed or bailed. */
export interface TapGuard {
  /**
   * A guarded tap threw, rejected or timed out. Reports it; for async hooks the return
   * value stands in for the tap's result. Throwing fails the whole call (a deliberate
   * refusal passed on to the caller).
   */
  failed(tap: string, error: unknown): unknown;
  /** Bail hooks: the result the caller sees when a tap bailed with `result`. */
  bailed?(tap: string, result: unknown): unknown;
  /** How long an async tap's promise may take. */
  timeoutMs: number;
}

interface Tap {
  name: string;
  type: 'sync' | 'async' | 'promise';
  fn: (...args: unknown[]) => unknown;
  [GUARDED]?: boolean;
}

interface Interceptor {
  call?: unknown;
  tap?: unknown;
  error?: unknown;
  result?: unknown;
  done?: unknown;
}

interface CompileOptions {
  taps: Tap[];
  interceptors: Interceptor[];
  args: string[];
  type: 'sync' | 'async' | 'promise';
}

interface CompilableHook {
  compile(options: CompileOptions): (...args: unknown[]) => unknown;
  _x?: unknown[];
  constructor: { name: string };
}

type AnyFn = (...args: unknown[]) => unknown;

const SHAPES: Record<string, HookShape> = {
  SyncHook: { kind: 'sync', flavour: 'series' },
  SyncWaterfallHook: { kind: 'sync', flavour: 'waterfall' },
  SyncBailHook: { kind: 'sync', flavour: 'bail' },
  AsyncSeriesHook: { kind: 'async', flavour: 'series' },
  AsyncSeriesBailHook: { kind: 'async', flavour: 'bail' },
  AsyncParallelHook: { kind: 'async', flavour: 'parallel' },
};

/** The shape of a tapable hook, or undefined for a class this compiler does not handle. */
export function hookShapeOf(hook: unknown): HookShape | undefined {
  return SHAPES[(hook as CompilableHook).constructor?.name];
}

/** Replaces the hook's `compile` so that its `call`, `promise` and `callAsync` guard plugin taps. */
export function isolateHook(hook: unknown, shape: HookShape, guard: TapGuard): void {
  const target = hook as CompilableHook;
  target.compile = function compile(this: CompilableHook, options: CompileOptions) {
    this._x = options.taps.map((tap) => tap.fn);
    const build = shape.kind === 'sync' ? buildSync : buildAsync;
    const primary = build(shape.flavour as never, options, guard);
    const primaryType = shape.kind === 'sync' ? 'sync' : 'promise';
    return options.type === primaryType ? primary : adapt(primary, primaryType, options.type);
  };
}

/** The other call styles of a hook, derived from its primary compiled call. */
function adapt(primary: AnyFn, from: 'sync' | 'promise', to: CompileOptions['type']): AnyFn {
  const asPromise =
    from === 'promise'
      ? primary
      : function (this: unknown, ...args: unknown[]) {
          try {
            return Promise.resolve(primary.apply(this, args));
          } catch (error) {
            return Promise.reject(error);
          }
        };
  if (to === 'promise') return asPromise;
  if (to === 'async') {
    return function (this: unknown, ...args: unknown[]) {
      const callback = args.pop() as (error: unknown, result?: unknown) => void;
      (asPromise.apply(this, args) as Promise<unknown>).then(
        (result) => callback(null, result),
        (error) => callback(error),
      );
    };
  }
  // tapable removes `call` from async hooks, so a sync call of one is never compiled.
  throw new Error('nocoflo: an async hook cannot be called synchronously');
}

function interceptorLines(interceptors: Interceptor[], member: keyof Interceptor, args: string): string[] {
  return interceptors.flatMap((interceptor, j) =>
    interceptor[member] ? [`_i[${j}].${member}(${args});`] : [],
  );
}

/** Tells every interceptor that has `member`. */
function intercept(interceptors: Interceptor[], member: keyof Interceptor, ...args: unknown[]): void {
  for (const interceptor of interceptors) {
    const fn = interceptor[member] as AnyFn | undefined;
    if (fn) fn.apply(interceptor, args); // as tapable calls it: on the interceptor
  }
}

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  value != null && typeof (value as PromiseLike<unknown>).then === 'function';

function buildSync(
  flavour: 'series' | 'waterfall' | 'bail',
  options: CompileOptions,
  guard: TapGuard,
): AnyFn {
  const params = options.args.map((_, i) => `a${i}`);
  const callArgs = (flavour === 'waterfall' ? ['_v', ...params.slice(1)] : params).join(', ');
  const { interceptors } = options;
  const lines: string[] = [];
  if (flavour === 'waterfall') lines.push(`var _v = ${params[0] ?? 'undefined'};`);
  lines.push(...interceptorLines(interceptors, 'call', params.join(', ')));
  options.taps.forEach((tap, i) => {
    lines.push(...interceptorLines(interceptors, 'tap', `_t[${i}]`));
    const call = `_x[${i}](${callArgs})`;
    const assign = flavour === 'series' ? `${call};` : `var _r${i} = ${call};`;
    if (tap[GUARDED]) {
      const reset = flavour === 'series' ? '' : ` _r${i} = undefined;`;
      lines.push(`try { ${assign} } catch (_e) { _g.failed(_t[${i}].name, _e);${reset} }`);
    } else {
      lines.push(assign);
    }
    if (flavour === 'waterfall') lines.push(`if (_r${i} !== undefined) _v = _r${i};`);
    if (flavour === 'bail') {
      const bailed = guard.bailed ? `_r${i} = _g.bailed(_t[${i}].name, _r${i}); ` : '';
      const result = interceptorLines(interceptors, 'result', `_r${i}`).join(' ');
      lines.push(`if (_r${i} !== undefined) { ${bailed}${result} return _r${i}; }`);
    }
  });
  lines.push(...interceptorLines(interceptors, 'done', ''));
  if (flavour === 'waterfall') {
    lines.push(...interceptorLines(interceptors, 'result', '_v'), 'return _v;');
  }
  const onError = interceptorLines(interceptors, 'error', '_err');
  const body =
    onError.length > 0 ? ['try {', ...lines, `} catch (_err) { ${onError.join(' ')} throw _err; }`] : lines;
  return compileFunction('call', params, body, { _g: guard, _t: [...options.taps], _i: [...interceptors] });
}

/**
 * Async series and bail hooks: a plain function that runs the taps in straight-line code
 * while they answer synchronously and returns a settled promise, so a call whose taps all
 * answer at once costs one promise. The first tap that returns a promise hands the rest of
 * the call to {@link resumeSeries}.
 */
function buildAsyncSeries(flavour: 'series' | 'bail', options: CompileOptions, guard: TapGuard): AnyFn {
  const params = options.args.map((_, i) => `a${i}`);
  const args = params.join(', ');
  const { interceptors } = options;
  const taps = [...options.taps];
  const lines: string[] = [...interceptorLines(interceptors, 'call', args)];
  taps.forEach((tap, i) => {
    lines.push(...interceptorLines(interceptors, 'tap', `_t[${i}]`));
    const r = `_r${i}`;
    const resume = (pending: string, guarded: boolean) =>
      `return _resume(${i}, [${args}], ${pending}, ${guarded});`;
    if (tap.type === 'async') {
      // A callback-style tap (only ever tapped directly): tapable's semantics, no guard.
      lines.push(resume(`_callback(_x[${i}], [${args}])`, false));
      return;
    }
    if (tap[GUARDED]) {
      lines.push(
        `var ${r};`,
        `try { ${r} = _x[${i}](${args}); } catch (_e) { ${r} = _g.failed(_t[${i}].name, _e); }`,
      );
      lines.push(`if (${r} != null && typeof ${r}.then === 'function') ${resume(r, true)}`);
    } else {
      // Tapped directly: a 'promise' tap's promise is awaited, a 'sync' tap's value taken as is.
      lines.push(`var ${r} = _x[${i}](${args});`);
      if (tap.type === 'promise')
        lines.push(`if (${r} != null && typeof ${r}.then === 'function') ${resume(r, false)}`);
    }
    if (flavour === 'bail') {
      const bailed = guard.bailed ? `${r} = _g.bailed(_t[${i}].name, ${r}); ` : '';
      const result = interceptorLines(interceptors, 'result', r).join(' ');
      lines.push(`if (${r} !== undefined) { ${bailed}${result} return Promise.resolve(${r}); }`);
    }
  });
  lines.push(...interceptorLines(interceptors, 'done', ''), 'return _done;');
  const onError = interceptorLines(interceptors, 'error', '_err');
  const body = ['try {', ...lines, `} catch (_err) { ${onError.join(' ')} return Promise.reject(_err); }`];
  const context: SeriesContext = {
    flavour,
    taps,
    interceptors: [...interceptors],
    guard,
    deadlines: deadlinesOf(guard),
  };
  return compileFunction('promise', params, body, {
    _g: guard,
    _t: taps,
    _i: context.interceptors,
    _done: Promise.resolve(undefined),
    _callback: callbackTap,
    _resume: (index: number, args: unknown[], pending: PromiseLike<unknown>, guarded: boolean) =>
      resumeSeries(context, index, args, pending, guarded),
  });
}

interface SeriesContext {
  flavour: 'series' | 'bail';
  taps: Tap[];
  interceptors: Interceptor[];
  guard: TapGuard;
  deadlines: DeadlineQueue;
}

const queues = new WeakMap<TapGuard, DeadlineQueue>();

/** The deadlines of every call of the hooks `guard` guards (one timer for all of them). */
function deadlinesOf(guard: TapGuard): DeadlineQueue {
  let queue = queues.get(guard);
  if (!queue || queue.ms !== guard.timeoutMs) {
    queue = new DeadlineQueue(guard.timeoutMs);
    queues.set(guard, queue);
  }
  return queue;
}

/** Runs one tap the generic way: guarded, awaited when it answers with a promise. */
async function runTap(guard: TapGuard, tap: Tap, args: unknown[]): Promise<unknown> {
  if (tap.type === 'async') return callbackTap(tap.fn, args);
  if (!tap[GUARDED]) {
    const result = tap.fn(...args);
    return tap.type === 'promise' ? await result : result;
  }
  let result: unknown;
  try {
    result = tap.fn(...args);
  } catch (error) {
    return guard.failed(tap.name, error);
  }
  return isThenable(result) ? settleTap(guard, tap.name, result) : result;
}

/**
 * The rest of an async series or bail call, once tap `index` answered with a promise.
 *
 * One deadline for the call, not one per tap (and one timer for the deadlines of all calls,
 * {@link DeadlineQueue}); each awaited tap's own promise is followed directly (no race, no
 * wrapper promise). It starts at the first plugin tap that answers with a promise. When it passes,
 * the plugin tap being waited on fails with a {@link TimeoutError}, the call goes on with the
 * next tap, and the next plugin tap that answers with a promise starts a fresh deadline, so
 * one hanging tap never starves the taps after it. A tap made directly on the hook is waited
 * for as tapable would, without a limit.
 */
function resumeSeries(
  context: SeriesContext,
  index: number,
  args: unknown[],
  pending: PromiseLike<unknown>,
  guarded: boolean,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    new SeriesCall(context, args, resolve, reject).wait(index, pending, guarded);
  });
}

/** The state of one async series or bail call that waits on a tap (see {@link resumeSeries}). */
class SeriesCall {
  /** The deadline of the plugin tap waited on, if any. */
  deadline: DeadlineEntry | undefined = undefined;
  /** The tap waited on, and whether it is a plugin tap. */
  waitingOn = 0;
  waitingGuarded = false;
  /** Tells the answer of the tap waited on from a late one of a tap the deadline gave up on. */
  attempt = 0;

  constructor(
    readonly context: SeriesContext,
    readonly args: unknown[],
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}

  wait(i: number, promise: PromiseLike<unknown>, guarded: boolean): void {
    this.waitingOn = i;
    this.waitingGuarded = guarded;
    if (guarded && this.deadline === undefined) this.deadline = this.context.deadlines.add(this);
    const mine = ++this.attempt;
    promise.then(
      (value) => {
        if (mine === this.attempt) this.next(i, value);
      },
      (error: unknown) => {
        if (mine === this.attempt) this.rejected(i, guarded, error);
      },
    );
  }

  /** The deadline passed: the plugin tap waited on fails, and the call goes on without it. */
  onDeadline(): void {
    this.deadline = undefined;
    if (!this.waitingGuarded) return; // a direct tap: tapable's semantics, no limit
    this.attempt += 1;
    const { guard, taps } = this.context;
    let result: unknown;
    try {
      result = guard.failed(taps[this.waitingOn]!.name, new TimeoutError(guard.timeoutMs));
    } catch (error) {
      this.fail(error);
      return;
    }
    this.next(this.waitingOn, result);
  }

  rejected(i: number, guarded: boolean, error: unknown): void {
    if (!guarded) {
      this.fail(error);
      return;
    }
    let result: unknown;
    try {
      result = this.context.guard.failed(this.context.taps[i]!.name, error);
    } catch (refusal) {
      this.fail(refusal);
      return;
    }
    this.next(i, result);
  }

  /** Runs the taps after `i` (whose answer is `result`) while they answer synchronously. */
  next(i: number, result: unknown): void {
    const { flavour, taps, interceptors, guard } = this.context;
    const { args } = this;
    try {
      for (;;) {
        if (flavour === 'bail' && result !== undefined) {
          const bailed = guard.bailed ? guard.bailed(taps[i]!.name, result) : result;
          intercept(interceptors, 'result', bailed);
          this.stop();
          this.resolve(bailed);
          return;
        }
        i += 1;
        if (i >= taps.length) break;
        const tap = taps[i]!;
        intercept(interceptors, 'tap', tap);
        if (tap.type === 'async') {
          this.wait(i, callbackTap(tap.fn, args), false);
          return;
        }
        if (!tap[GUARDED]) {
          result = tap.fn(...args);
          if (tap.type === 'promise' && isThenable(result)) {
            this.wait(i, result, false);
            return;
          }
          continue;
        }
        try {
          result = tap.fn(...args);
        } catch (error) {
          result = guard.failed(tap.name, error);
        }
        if (isThenable(result)) {
          this.wait(i, result, true);
          return;
        }
      }
      intercept(interceptors, 'done');
    } catch (error) {
      this.fail(error);
      return;
    }
    this.stop();
    this.resolve(undefined);
  }

  stop(): void {
    if (this.deadline !== undefined) this.context.deadlines.done(this.deadline);
    this.deadline = undefined;
  }

  fail(error: unknown): void {
    this.stop();
    intercept(this.context.interceptors, 'error', error);
    this.reject(error);
  }
}

/** Async parallel hooks (startup events, not a hot path): every tap at once, then wait for all. */
function buildAsyncParallel(options: CompileOptions, guard: TapGuard): AnyFn {
  const taps = [...options.taps];
  const interceptors = [...options.interceptors];
  return async (...args: unknown[]) => {
    intercept(interceptors, 'call', ...args);
    try {
      await Promise.all(
        taps.map((tap) => {
          intercept(interceptors, 'tap', tap);
          return runTap(guard, tap, args);
        }),
      );
    } catch (error) {
      intercept(interceptors, 'error', error);
      throw error;
    }
    intercept(interceptors, 'done');
  };
}

function buildAsync(
  flavour: 'series' | 'bail' | 'parallel',
  options: CompileOptions,
  guard: TapGuard,
): AnyFn {
  return flavour === 'parallel'
    ? buildAsyncParallel(options, guard)
    : buildAsyncSeries(flavour, options, guard);
}

/** Calls a callback-style tap as tapable does, as a promise. */
function callbackTap(fn: AnyFn, args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) =>
    fn(...args, (error: unknown, value?: unknown) => (error ? reject(error) : resolve(value))),
  );
}

/** Builds a function from generated body lines; `scope` names what the body may use. */
function compileFunction(
  name: string,
  params: string[],
  body: string[],
  scope: Record<string, unknown>,
): AnyFn {
  const names = Object.keys(scope);
  const source = `return function ${name}(${params.join(', ')}) {\n"use strict";\nvar _x = this._x;\n${body.join('\n')}\n};`;
  return new Function(...names, source)(...names.map((key) => scope[key])) as AnyFn;
}

/** Waits for a guarded tap's promise, at most the tap timeout; a failure goes to the guard. */
function settleTap(guard: TapGuard, tap: string, promise: PromiseLike<unknown>): Promise<unknown> {
  return withTimeout(() => promise, guard.timeoutMs).then(undefined, (error) => guard.failed(tap, error));
}
