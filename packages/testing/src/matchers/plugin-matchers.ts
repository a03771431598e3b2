/** Matchers on plugin state and hook taps of a host. */
import {
  type ErrorDefinition,
  HOOK_NAMES,
  type HookName,
  isHookName,
  type PluginInfo,
  type PluginState,
} from '@nocoflo/sdk';
import type { MatcherResult as ExpectationResult, MatcherState } from 'vitest';
import { hasHooks, isPluginLister } from './received.js';

function describeState(info: PluginInfo): string {
  if (info.state !== 'failed' || !info.error) return info.state;
  return `failed with ${info.error.code}: ${info.error.message}\n  hint: ${info.error.hint}`;
}

function known(received: { list(): PluginInfo[] }): string {
  const all = received.list();
  return all.length === 0 ? '(no plugins)' : all.map((p) => `${p.name} (${p.state})`).join(', ');
}

function notAHost(name: string): ExpectationResult {
  return { pass: false, message: () => `${name}: expected a nocoflo host (something with get() and list())` };
}

/** `expect(host).toHavePluginState(name, state)`: the failure message carries the plugin's error. */
export function toHavePluginState(
  this: MatcherState,
  received: unknown,
  name: string,
  state: PluginState,
): ExpectationResult {
  if (!isPluginLister(received)) return notAHost('toHavePluginState');
  const info = received.get(name);
  if (!info) {
    return {
      pass: false,
      message: () =>
        `expected plugin ${JSON.stringify(name)} to be ${state}, but the host has no such plugin; known: ${known(received)}`,
    };
  }
  const pass = info.state === state;
  return {
    pass,
    actual: info.state,
    expected: state,
    message: () =>
      pass
        ? `expected plugin ${JSON.stringify(name)} not to be ${state}, but it is`
        : `expected plugin ${JSON.stringify(name)} to be ${state}, but it is ${describeState(info)}`,
  };
}

/** `expect(host).toHaveFailedWith(name, code)`: failed, with that error code (or catalog entry, or message pattern). */
export function toHaveFailedWith(
  this: MatcherState,
  received: unknown,
  name: string,
  expected: string | RegExp | ErrorDefinition<never>,
): ExpectationResult {
  if (!isPluginLister(received)) return notAHost('toHaveFailedWith');
  const info = received.get(name);
  const wanted = typeof expected === 'string' || expected instanceof RegExp ? expected : expected.code;
  const shown = wanted instanceof RegExp ? String(wanted) : wanted;
  if (!info)
    return {
      pass: false,
      message: () =>
        `expected plugin ${JSON.stringify(name)} to have failed with ${shown}, but the host has no such plugin; known: ${known(received)}`,
    };
  const error = info.state === 'failed' ? info.error : undefined;
  const pass =
    !!error &&
    (wanted instanceof RegExp ? wanted.test(`${error.code}: ${error.message}`) : error.code === wanted);
  return {
    pass,
    message: () =>
      pass
        ? `expected plugin ${JSON.stringify(name)} not to have failed with ${shown}, but it did: ${describeState(info)}`
        : `expected plugin ${JSON.stringify(name)} to have failed with ${shown}, but it is ${describeState(info)}`,
  };
}

interface TapList {
  taps: { name: string }[];
}

/** `expect(host).toHaveTapped(plugin, hook)`: the plugin currently has a tap on the hook. */
export function toHaveTapped(
  this: MatcherState,
  received: unknown,
  plugin: string,
  hook: HookName,
): ExpectationResult {
  if (!hasHooks(received))
    return { pass: false, message: () => 'toHaveTapped: expected a host (something with hooks)' };
  if (!isHookName(hook)) {
    return {
      pass: false,
      message: () => `${JSON.stringify(hook)} is not a hook; hooks are ${HOOK_NAMES.join(', ')}`,
    };
  }
  const taps = (received.hooks[hook] as unknown as TapList).taps.map((t) => t.name);
  const pass = taps.includes(plugin);
  return {
    pass,
    message: () =>
      pass
        ? `expected ${JSON.stringify(plugin)} not to tap ${hook}, but it does`
        : `expected ${JSON.stringify(plugin)} to tap ${hook}; taps on ${hook}: ${taps.length ? taps.join(', ') : '(none)'}`,
  };
}
