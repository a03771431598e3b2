/**
 * Taps on the host's hooks, recorded by plugin so they can be removed again (tapable has
 * no untap). A plugin whose tap throws, rejects or hangs fails alone while the hook call
 * goes on without it: every hook's compiled call guards each plugin tap inline
 * (isolated-compile.ts), so a tap costs what it costs in raw tapable.
 */
import { HOOK_NAMES, type HookName, isNocofloError, type NocofloHooks, type TapOptions } from '@nocoflo/sdk';
import { GUARDED, hookShapeOf, isolateHook, type TapGuard } from './isolated-compile.js';

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
  readonly fn: AnyFn;
}

/** Adds and removes plugin taps on one set of hooks. */
export class HookRegistry {
  constructor(
    private readonly hooks: NocofloHooks,
    private readonly onTapError: TapErrorHandler,
    private readonly tapTimeoutMs: number,
  ) {
    for (const name of HOOK_NAMES) {
      const shape = hookShapeOf(hooks[name]);
      if (!shape)
        throw new Error(`nocoflo: the hook "${name}" is of a tapable class the host cannot isolate`);
      isolateHook(hooks[name], shape, this.guardFor(name));
    }
  }

  /** Attaches a tap for `plugin`; returns the record to pass to {@link detach}. */
  attach(plugin: string, hook: HookName, fn: AnyFn, options: TapOptions = {}): TapRecord {
    const target = this.hooks[hook] as unknown as TapableHookInternals;
    const tapOptions = {
      name: plugin,
      [GUARDED]: true,
      ...(options.stage === undefined ? {} : { stage: options.stage }),
    };
    if (hookShapeOf(target)?.kind === 'sync') target.tap(tapOptions, fn);
    else target.tapPromise(tapOptions, fn);
    return { plugin, hook, fn };
  }

  /** Removes a tap. Tapable recompiles the hook lazily at its next call, so removing many taps costs one compile. */
  detach(record: TapRecord): void {
    const target = this.hooks[record.hook] as unknown as TapableHookInternals;
    const index = target.taps.findIndex((tap) => tap.fn === record.fn && tap.name === record.plugin);
    if (index === -1) return;
    target.taps.splice(index, 1);
    // tapable has no untap; resetting the compiled call makes the next call see the new taps.
    target._resetCompilation();
  }

  /** Number of taps on a hook (for diagnostics and tests). */
  count(hook: HookName): number {
    return (this.hooks[hook] as unknown as TapableHookInternals).taps.length;
  }

  /** What a hook's compiled call does when one of its plugin taps fails or bails. */
  private guardFor(hook: HookName): TapGuard {
    const onTapError = this.onTapError;
    const refusal = REFUSAL_HOOKS.has(hook);
    const vetoes = hook === 'beforeWrite';
    return {
      timeoutMs: this.tapTimeoutMs,
      failed(plugin, error) {
        if (refusal && isNocofloError(error)) throw error;
        onTapError(plugin, hook, error);
        // A permission check that crashed must not let the write through: fail closed.
        return vetoes ? { reason: 'the plugin failed while checking the write', plugin } : undefined;
      },
      // A veto names the plugin that made it.
      ...(vetoes
        ? {
            bailed: (plugin: string, result: unknown) =>
              result && typeof result === 'object' ? { ...result, plugin } : result,
          }
        : {}),
    };
  }
}
