/**
 * Taps on the host's hooks, recorded by plugin so they can be removed again (tapable has
 * no untap). Every tap is wrapped so that a plugin whose tap throws, rejects or hangs
 * fails alone while the hook call goes on without it.
 */
import { HOOK_KINDS, type HookName, isNocofloError, type NocofloHooks, type TapOptions } from '@nocoflo/sdk';
import { TimeoutError } from '../lifecycle/timeout.js';

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
  ) {}

  /** Attaches a tap for `plugin`; returns the record to pass to {@link detach}. */
  attach(plugin: string, hook: HookName, fn: AnyFn, options: TapOptions = {}): TapRecord {
    const target = this.hooks[hook] as unknown as TapableHookInternals;
    const tapOptions = { name: plugin, ...(options.stage === undefined ? {} : { stage: options.stage }) };
    const wrapped =
      HOOK_KINDS[hook] === 'sync' ? this.wrapSync(plugin, hook, fn) : this.wrapAsync(plugin, hook, fn);
    if (HOOK_KINDS[hook] === 'sync') target.tap(tapOptions, wrapped);
    else target.tapPromise(tapOptions, wrapped);
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

  private wrapSync(plugin: string, hook: HookName, fn: AnyFn): AnyFn {
    const onTapError = this.onTapError;
    return function syncTap(this: unknown, ...args: unknown[]) {
      try {
        return fn.apply(this, args);
      } catch (error) {
        onTapError(plugin, hook, error);
        return undefined; // a waterfall keeps the previous value; other sync hooks go on
      }
    };
  }

  private wrapAsync(plugin: string, hook: HookName, fn: AnyFn): AnyFn {
    const onTapError = this.onTapError;
    const tapTimeoutMs = this.tapTimeoutMs;
    const refusal = REFUSAL_HOOKS.has(hook);
    const fail = (error: unknown): unknown => {
      if (refusal && isNocofloError(error)) throw error;
      onTapError(plugin, hook, error);
      // A permission check that crashed must not let the write through: fail closed.
      if (hook === 'beforeWrite') return { reason: `the plugin failed while checking the write`, plugin };
      return undefined;
    };
    const annotate = (result: unknown): unknown =>
      hook === 'beforeWrite' && result && typeof result === 'object' ? { ...result, plugin } : result;
    return function asyncTap(this: unknown, ...args: unknown[]) {
      let result: unknown;
      try {
        result = fn.apply(this, args);
      } catch (error) {
        return new Promise((resolve) => resolve(fail(error)));
      }
      // Only a returned promise needs a timer; most taps answer synchronously.
      if (!result || typeof (result as Promise<unknown>).then !== 'function')
        return Promise.resolve(annotate(result));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(tapTimeoutMs)), tapTimeoutMs);
        timer.unref();
      });
      return Promise.race([result, timeout])
        .then(annotate, fail)
        .finally(() => clearTimeout(timer));
    };
  }
}
