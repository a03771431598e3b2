/**
 * Taps on the host's hooks, recorded by plugin so they can be removed again (tapable has
 * no untap). A plugin whose tap throws, rejects or hangs fails alone while the hook call
 * goes on without it: sync hooks isolate each tap in their compiled call
 * (isolated-sync-compile.ts); async taps are wrapped.
 */
import {
  HOOK_KINDS,
  HOOK_NAMES,
  type HookName,
  isNocofloError,
  type NocofloHooks,
  type TapOptions,
} from '@nocoflo/sdk';
import { TimeoutError } from '../lifecycle/timeout.js';
import { isolateSyncHook, syncFlavourOf } from './isolated-sync-compile.js';

type AnyFn = (...args: unknown[]) => unknown;

interface TapableTap {
  name: string;
  fn: AnyFn;
}

interface TapableHookInternals {
  taps: TapableTap[];
  tap(options: { name: string; stage?: number }, fn: AnyFn): void;
  tapPromise(options: { name: string; stage?: number }, fn: AnyFn): void;
  _resetCompilation(): void;
}

/** How many arguments a hook passes (tapable keeps the argument names it was created with). */
function arityOf(hook: unknown): number {
  return ((hook as { _args?: unknown[] })._args ?? []).length;
}

let wrapperSerial = 0;

/**
 * Builds a tap wrapper with its own compiled code. Closures made at one site share V8's
 * type feedback, so a shared wrapper would make its inner `fn(...)` call megamorphic once
 * many plugins tap a hook, and dispatch would fall well behind raw tapable, whose
 * generated code calls each tap from a call site of its own. A unique source per wrapper
 * (the serial comment defeats the compilation cache) gives each tap its own monomorphic
 * call site, which V8 inlines. Arguments are named per arity: no rest parameters.
 */
function compileWrapper(
  arity: number,
  fn: AnyFn,
  onError: (error: unknown) => unknown,
  settle: ((result: unknown) => unknown) | undefined,
): AnyFn {
  wrapperSerial += 1;
  const params = Array.from({ length: arity }, (_, i) => `a${i}`).join(', ');
  const call = settle ? `settle(fn(${params}))` : `fn(${params})`;
  const source = `/* nocoflo tap ${wrapperSerial} */ return function tap(${params}) { try { return ${call}; } catch (error) { return onError(error); } };`;
  return new Function('fn', 'onError', 'settle', source)(fn, onError, settle) as AnyFn;
}

/** Hooks where a thrown NocofloError is a deliberate refusal, passed to the caller, not a plugin failure. */
const REFUSAL_HOOKS = new Set<HookName>(['beforeQuery', 'beforeWrite']);

/** Called when a plugin's tap fails; the host then fails that plugin. */
export type TapErrorHandler = (plugin: string, hook: HookName, error: unknown) => void;

/** A recorded tap. */
export interface TapRecord {
  readonly plugin: string;
  readonly hook: HookName;
  readonly wrapped: AnyFn;
}

/** Adds and removes plugin taps on one set of hooks. */
export class HookRegistry {
  constructor(
    private readonly hooks: NocofloHooks,
    private readonly onTapError: TapErrorHandler,
    private readonly tapTimeoutMs: number,
  ) {
    // Every sync hook isolates its taps in its compiled call, so sync taps need no wrapper.
    for (const name of HOOK_NAMES) {
      if (HOOK_KINDS[name] !== 'sync') continue;
      const flavour = syncFlavourOf(hooks[name]);
      if (!flavour)
        throw new Error(`nocoflo: the sync hook "${name}" is of a tapable class the host cannot isolate`);
      isolateSyncHook(hooks[name], flavour, (plugin, error) => onTapError(plugin, name, error));
    }
  }

  /** Attaches a tap for `plugin`; returns the record to pass to {@link detach}. */
  attach(plugin: string, hook: HookName, fn: AnyFn, options: TapOptions = {}): TapRecord {
    const target = this.hooks[hook] as unknown as TapableHookInternals;
    const tapOptions = { name: plugin, ...(options.stage === undefined ? {} : { stage: options.stage }) };
    if (HOOK_KINDS[hook] === 'sync') {
      target.tap(tapOptions, fn);
      return { plugin, hook, wrapped: fn };
    }
    const wrapped = this.wrapAsync(plugin, hook, fn);
    target.tapPromise(tapOptions, wrapped);
    return { plugin, hook, wrapped };
  }

  /** Removes a tap. Tapable recompiles the hook lazily at its next call, so removing many taps costs one compile. */
  detach(record: TapRecord): void {
    const target = this.hooks[record.hook] as unknown as TapableHookInternals;
    const index = target.taps.findIndex((tap) => tap.fn === record.wrapped);
    if (index === -1) return;
    target.taps.splice(index, 1);
    // tapable has no untap; resetting the compiled call makes the next call see the new taps.
    target._resetCompilation();
  }

  /** Number of taps on a hook (for diagnostics and tests). */
  count(hook: HookName): number {
    return (this.hooks[hook] as unknown as TapableHookInternals).taps.length;
  }

  private wrapAsync(plugin: string, hook: HookName, fn: AnyFn): AnyFn {
    const onTapError = this.onTapError;
    const tapTimeoutMs = this.tapTimeoutMs;
    const refusal = REFUSAL_HOOKS.has(hook);
    const vetoes = hook === 'beforeWrite';
    const fail = (error: unknown): unknown => {
      if (refusal && isNocofloError(error)) throw error;
      onTapError(plugin, hook, error);
      // A permission check that crashed must not let the write through: fail closed.
      return vetoes ? { reason: 'the plugin failed while checking the write', plugin } : undefined;
    };
    const annotate = vetoes
      ? (result: unknown): unknown => (result && typeof result === 'object' ? { ...result, plugin } : result)
      : undefined;
    const settle = (result: unknown): Promise<unknown> => {
      // Only a returned promise needs a timer; most taps answer synchronously.
      if (!result || typeof (result as Promise<unknown>).then !== 'function') {
        return Promise.resolve(annotate ? annotate(result) : result);
      }
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(tapTimeoutMs)), tapTimeoutMs);
        timer.unref();
      });
      return Promise.race([result, timeout])
        .then(annotate, fail)
        .finally(() => clearTimeout(timer));
    };
    const failAsync = (error: unknown) => new Promise((resolve) => resolve(fail(error)));
    return compileWrapper(arityOf(this.hooks[hook]), fn, failAsync, settle);
  }
}
