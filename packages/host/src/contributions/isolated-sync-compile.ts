/**
 * Compiled calls for the host's sync hooks in which every tap runs in its own try/catch.
 *
 * Tapable compiles each hook's `call` into straight-line code (`_fn0(a); _fn1(a); …`),
 * which V8 inlines as long as the calls stay small. Wrapping every tap in an isolating
 * function doubles the calls and exhausts V8's inlining budget at around a hundred taps.
 * So for sync hooks the host replaces the hook's `compile` with one that generates the
 * same straight-line code, each call guarded inline: a tap that throws is reported (its
 * plugin then fails) and the next tap runs, at raw tapable speed.
 *
 * Interceptors: `call`, `tap`, `done` and `result` are honoured (what the testing kit's
 * hook spies use); other interceptor members are ignored.
 */

/** The sync hook flavours this compiler knows. */
export type SyncFlavour = 'series' | 'waterfall' | 'bail';

interface CompileOptions {
  taps: { name: string; fn: (...args: unknown[]) => unknown }[];
  interceptors: { call?: unknown; tap?: unknown; done?: unknown; result?: unknown }[];
  args: string[];
  type: 'sync' | 'async' | 'promise';
}

interface CompilableHook {
  compile(options: CompileOptions): (...args: unknown[]) => unknown;
  _x?: unknown[];
  constructor: { name: string };
}

/** The flavour of a tapable sync hook, or undefined for one this compiler does not handle. */
export function syncFlavourOf(hook: unknown): SyncFlavour | undefined {
  switch ((hook as CompilableHook).constructor?.name) {
    case 'SyncHook':
      return 'series';
    case 'SyncWaterfallHook':
      return 'waterfall';
    case 'SyncBailHook':
      return 'bail';
    default:
      return undefined;
  }
}

/**
 * Replaces the hook's `compile` so its `call` isolates each tap; `onError(tapName, error)`
 * hears about a tap that threw. Calls other than `call` (`promise`, `callAsync`) keep
 * tapable's own compilation.
 */
export function isolateSyncHook(
  hook: unknown,
  flavour: SyncFlavour,
  onError: (tapName: string, error: unknown) => void,
): void {
  const target = hook as CompilableHook;
  const original = target.compile;
  target.compile = function compile(this: CompilableHook, options: CompileOptions) {
    if (options.type !== 'sync') return original.call(this, options);
    this._x = options.taps.map((tap) => tap.fn);
    return buildCall(flavour, options, onError);
  };
}

function buildCall(
  flavour: SyncFlavour,
  options: CompileOptions,
  onError: (tapName: string, error: unknown) => void,
) {
  const params = options.args.map((_, i) => `a${i}`);
  const first = params[0] ?? 'undefined';
  const rest = params.slice(1);
  const callArgs = flavour === 'waterfall' ? ['_v', ...rest].join(', ') : params.join(', ');
  const interceptors = options.interceptors;
  const lines: string[] = ['"use strict";', 'var _x = this._x;'];
  if (flavour === 'waterfall') lines.push(`var _v = ${first};`);
  interceptors.forEach((interceptor, j) => {
    if (interceptor.call) lines.push(`_i[${j}].call(${params.join(', ')});`);
  });
  const done = interceptors.flatMap((interceptor, j) => (interceptor.done ? [`_i[${j}].done();`] : []));
  options.taps.forEach((_, i) => {
    interceptors.forEach((interceptor, j) => {
      if (interceptor.tap) lines.push(`_i[${j}].tap(_t[${i}]);`);
    });
    lines.push(`var _fn${i} = _x[${i}];`);
    if (flavour === 'series') {
      lines.push(`try { _fn${i}(${callArgs}); } catch (_e) { _onError(_t[${i}].name, _e); }`);
    } else if (flavour === 'waterfall') {
      lines.push(
        `try { var _r${i} = _fn${i}(${callArgs}); if (_r${i} !== undefined) _v = _r${i}; } catch (_e) { _onError(_t[${i}].name, _e); }`,
      );
    } else {
      const result = interceptors.flatMap((interceptor, j) =>
        interceptor.result ? [`_i[${j}].result(_r${i});`] : [],
      );
      lines.push(
        `try { var _r${i} = _fn${i}(${callArgs}); } catch (_e) { _onError(_t[${i}].name, _e); _r${i} = undefined; }`,
        `if (_r${i} !== undefined) { ${result.join(' ')} return _r${i}; }`,
      );
    }
  });
  lines.push(...done);
  if (flavour === 'waterfall') {
    interceptors.forEach((interceptor, j) => {
      if (interceptor.result) lines.push(`_i[${j}].result(_v);`);
    });
    lines.push('return _v;');
  }
  const factory = new Function(
    '_onError',
    '_t',
    '_i',
    `return function call(${params.join(', ')}) {\n${lines.join('\n')}\n};`,
  );
  return factory(onError, [...options.taps], [...interceptors]) as (...args: unknown[]) => unknown;
}
