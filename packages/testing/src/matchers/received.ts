/** What the matchers accept as `expect(received)`, and how they read it. */
import type { NocofloHooks, PluginInfo } from '@nocoflo/sdk';
import type { HookSpies } from '../mocks/hook-spies.js';

/** Anything that lists plugins like a host does. */
export interface PluginLister {
  get(name: string): PluginInfo | undefined;
  list(): PluginInfo[];
}

/** Whether `value` looks like a host (or test host) for plugin matchers. */
export function isPluginLister(value: unknown): value is PluginLister {
  return (
    typeof (value as PluginLister)?.get === 'function' && typeof (value as PluginLister)?.list === 'function'
  );
}

/** Whether `value` carries hooks (a host). */
export function hasHooks(value: unknown): value is { hooks: NocofloHooks } {
  return (
    typeof (value as { hooks?: unknown })?.hooks === 'object' && (value as { hooks?: unknown }).hooks !== null
  );
}

/** The hook spies of a test host, or `value` itself when it is a HookSpies. */
export function spiesOf(value: unknown): HookSpies | undefined {
  const candidate = (value as { spies?: unknown })?.spies ?? value;
  const spies = candidate as HookSpies;
  return Array.isArray(spies?.calls) && typeof spies?.callsOf === 'function' ? spies : undefined;
}

/** The HTML text of a string, a render result `{ html }` or a parsed fragment. */
export function htmlOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const html = (value as { html?: unknown })?.html;
  return typeof html === 'string' ? html : undefined;
}
