/** Matchers on recorded hook calls (a test host's `spies`, or any HookSpies). */
import type { HookName } from '@nocoflo/sdk';
import type { MatcherResult as ExpectationResult, MatcherState } from 'vitest';
import { spiesOf } from './received.js';

function noSpies(name: string): ExpectationResult {
  return {
    pass: false,
    message: () => `${name}: expected a test host or hook spies (spyOnHooks(host.hooks))`,
  };
}

/** `expect(host).toHaveCalledHook(hook, times?)`: the hook was called (exactly `times` times, if given). */
export function toHaveCalledHook(
  this: MatcherState,
  received: unknown,
  hook: HookName,
  times?: number,
): ExpectationResult {
  const spies = spiesOf(received);
  if (!spies) return noSpies('toHaveCalledHook');
  const count = spies.callsOf(hook).length;
  const pass = times === undefined ? count > 0 : count === times;
  const wanted = times === undefined ? 'at least once' : `${times} time(s)`;
  return {
    pass,
    message: () =>
      `expected hook ${hook}${pass ? ' not' : ''} to be called ${wanted}; it was called ${count} time(s)`,
  };
}

/** `expect(host).toHaveCalledHookWith(hook, ...args)`: some call's arguments equal `args` (asymmetric matchers allowed). */
export function toHaveCalledHookWith(
  this: MatcherState,
  received: unknown,
  hook: HookName,
  ...expected: unknown[]
): ExpectationResult {
  const spies = spiesOf(received);
  if (!spies) return noSpies('toHaveCalledHookWith');
  const calls = spies.callsOf(hook) as unknown[][];
  const pass = calls.some((args) => this.equals(args, expected));
  const shown =
    calls.length === 0
      ? '(no calls)'
      : calls.map((args, i) => `  #${i + 1}: ${this.utils.stringify(args)}`).join('\n');
  return {
    pass,
    message: () =>
      `expected hook ${hook}${pass ? ' not' : ''} to be called with ${this.utils.stringify(expected)}; calls:\n${shown}`,
  };
}

/** `expect(host).toHaveRunTap(hook, plugin)`: the plugin's tap on the hook ran at least once. */
export function toHaveRunTap(
  this: MatcherState,
  received: unknown,
  hook: HookName,
  plugin: string,
): ExpectationResult {
  const spies = spiesOf(received);
  if (!spies) return noSpies('toHaveRunTap');
  const ran = spies.tapsRunOn(hook);
  const pass = ran.includes(plugin);
  return {
    pass,
    message: () =>
      `expected the tap of ${JSON.stringify(plugin)} on ${hook}${pass ? ' not' : ''} to have run; taps run on ${hook}: ${ran.length ? ran.join(', ') : '(none)'}`,
  };
}
