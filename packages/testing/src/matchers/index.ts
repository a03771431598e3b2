/**
 * `@nocoflo/testing/matchers`: importing this module registers nocoflo's vitest matchers
 * (`import '@nocoflo/testing/matchers'`, e.g. in a setup file) and types them on
 * `expect(...)`.
 *
 * @packageDocumentation
 */
import type { ErrorDefinition, HookName, PluginState } from '@nocoflo/sdk';
import { expect } from 'vitest';
import { toHaveCalledHook, toHaveCalledHookWith, toHaveRunTap } from './hook-matchers.js';
import { toBeWellFormedHtml, toHaveElement, toHaveElementCount, toHaveElementText } from './html-matchers.js';
import { toHaveFailedWith, toHavePluginState, toHaveTapped } from './plugin-matchers.js';

const nocofloMatchers = {
  toHavePluginState,
  toHaveFailedWith,
  toHaveTapped,
  toHaveCalledHook,
  toHaveCalledHookWith,
  toHaveRunTap,
  toBeWellFormedHtml,
  toHaveElement,
  toHaveElementCount,
  toHaveElementText,
};

expect.extend(nocofloMatchers);

/** nocoflo's matchers, as they appear on `expect(received)`. */
export interface NocofloMatchers<R = unknown> {
  /** On a host: the plugin is in `state`; on failure the message shows the plugin's error and hint. */
  toHavePluginState(name: string, state: PluginState): R;
  /** On a host: the plugin failed with this error code, catalog entry, or message pattern. */
  toHaveFailedWith(name: string, error: string | RegExp | ErrorDefinition<never>): R;
  /** On a host: the plugin currently has a tap on the hook. */
  toHaveTapped(plugin: string, hook: HookName): R;
  /** On a test host or hook spies: the hook was called (exactly `times` times, if given). */
  toHaveCalledHook(hook: HookName, times?: number): R;
  /** On a test host or hook spies: some call of the hook had these arguments (asymmetric matchers allowed). */
  toHaveCalledHookWith(hook: HookName, ...args: unknown[]): R;
  /** On a test host or hook spies: the plugin's tap on the hook ran. */
  toHaveRunTap(hook: HookName, plugin: string): R;
  /** On HTML (string or `{ html }`): parse5 reports no error and every element is closed. */
  toBeWellFormedHtml(): R;
  /** On HTML: at least one element matches the CSS selector. */
  toHaveElement(selector: string): R;
  /** On HTML: exactly `count` elements match the CSS selector. */
  toHaveElementCount(selector: string, count: number): R;
  /** On HTML: some element matching the selector has this trimmed text (or text matching the RegExp). */
  toHaveElementText(selector: string, text: string | RegExp): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: matches vitest's own declaration
  interface Matchers<T = any> extends NocofloMatchers<T> {}
}
