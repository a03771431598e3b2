/**
 * Hook spies: record every call of every nocoflo hook with its arguments, and every tap
 * that ran, without changing what the hooks do. They use tapable interceptors, so they see
 * calls whether or not any plugin tapped the hook.
 */
import { HOOK_NAMES, type HookArgs, type HookName, type NocofloHooks } from '@nocoflo/sdk';

/** One recorded hook call. */
export interface HookCall<K extends HookName = HookName> {
  /** Which hook. */
  readonly hook: K;
  /** The arguments it was called with. */
  readonly args: HookArgs<K>;
  /** Position among all recorded calls and tap runs (0-based), for ordering assertions. */
  readonly sequence: number;
}

/** One recorded run of a plugin's tap. */
export interface TapRun {
  /** Which hook. */
  readonly hook: HookName;
  /** The tap's name: the plugin that tapped (the host names taps after plugins). */
  readonly plugin: string;
  /** Position among all recorded calls and tap runs. */
  readonly sequence: number;
}

/** What {@link spyOnHooks} returns. */
export interface HookSpies {
  /** Every hook call, in order. */
  readonly calls: readonly HookCall[];
  /** Every tap run, in order. */
  readonly tapRuns: readonly TapRun[];
  /** The argument lists of every call of one hook. */
  callsOf<K extends HookName>(hook: K): HookArgs<K>[];
  /** Plugins whose taps ran for one hook, in order (one entry per run). */
  tapsRunOn(hook: HookName): string[];
  /** Forgets everything recorded so far. */
  clear(): void;
  /** Removes the interceptors; recording stops. Idempotent. */
  restore(): void;
}

interface Interceptor {
  call?: (...args: unknown[]) => void;
  tap?: (tap: { name: string }) => void;
}

interface InterceptableHook {
  intercept(interceptor: Interceptor): void;
  interceptors: Interceptor[];
  _resetCompilation?: () => void;
}

/**
 * Starts recording every call of every hook in `hooks` (e.g. `host.hooks`).
 *
 * @example
 * ```ts
 * import { createHooks } from '@nocoflo/sdk';
 * import { spyOnHooks } from '@nocoflo/testing';
 * import { expect, it } from 'vitest';
 *
 * it('records hook calls', async () => {
 *   const hooks = createHooks(); // in a test host: host.hooks (or just use host.spies)
 *   const spies = spyOnHooks(hooks);
 *   await hooks.beforeWrite.promise({ datasource: 'memory:', table: 'orders', operation: 'insert' });
 *   expect(spies.callsOf('beforeWrite')[0]?.[0]).toMatchObject({ table: 'orders', operation: 'insert' });
 *   spies.restore();
 * });
 * ```
 */
export function spyOnHooks(hooks: NocofloHooks): HookSpies {
  const calls: HookCall[] = [];
  const tapRuns: TapRun[] = [];
  let sequence = 0;
  const installed: [InterceptableHook, Interceptor][] = [];
  for (const name of HOOK_NAMES) {
    const hook = hooks[name] as unknown as InterceptableHook;
    const interceptor: Interceptor = {
      call: (...args) => {
        calls.push({ hook: name, args: args as HookArgs<typeof name>, sequence: sequence++ });
      },
      tap: (tap) => {
        tapRuns.push({ hook: name, plugin: tap.name, sequence: sequence++ });
      },
    };
    hook.intercept(interceptor);
    installed.push([hook, interceptor]);
  }
  let restored = false;
  return {
    calls,
    tapRuns,
    callsOf: <K extends HookName>(hook: K) =>
      calls.filter((c) => c.hook === hook).map((c) => c.args as HookArgs<K>),
    tapsRunOn: (hook) => tapRuns.filter((t) => t.hook === hook).map((t) => t.plugin),
    clear() {
      calls.length = 0;
      tapRuns.length = 0;
    },
    restore() {
      if (restored) return;
      restored = true;
      for (const [hook, interceptor] of installed) {
        // tapable stores a copy of each interceptor, so find ours by its functions.
        const index = hook.interceptors.findIndex(
          (i) => i.call === interceptor.call && i.tap === interceptor.tap,
        );
        if (index >= 0) hook.interceptors.splice(index, 1);
        // tapable compiles interceptors into the call function; recompile without ours.
        hook._resetCompilation?.();
      }
    },
  };
}
