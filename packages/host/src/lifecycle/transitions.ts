/**
 * The lifecycle's transition table: which state may follow which. Every state change goes
 * through {@link assertTransition}, so an illegal move is a bug reported where it happens
 * (`NCF_INVALID_PLUGIN_STATE`), never a plugin silently in a state nobody planned.
 *
 * ```
 * discovered ─► loaded ─► setup ─► enabled ⇄ disabled ─► torn_down
 *       \__________\________\_________\________\──────► failed (from any state)
 * ```
 */
import { Errors, NocofloError, type PluginState } from '@nocoflo/sdk';

/** For each state, the states it may move to. */
export const TRANSITIONS: Readonly<Record<PluginState, readonly PluginState[]>> = {
  // Held back (a dependency is off, or the operator disabled it) before its code ever loaded.
  discovered: ['loaded', 'disabled', 'failed'],
  loaded: ['setup', 'disabled', 'torn_down', 'failed'],
  setup: ['enabled', 'disabled', 'torn_down', 'failed'],
  enabled: ['disabled', 'failed'],
  // A disabled plugin without a runtime (its config changed) loads again on enable; reload rediscovers it.
  disabled: ['enabled', 'loaded', 'discovered', 'torn_down', 'failed'],
  torn_down: ['discovered', 'failed'],
  // A failure is reported again when a new one replaces it; reload rediscovers; a dependent comes back with its dependency.
  failed: ['failed', 'discovered', 'disabled'],
};

const ACTIONS: Readonly<Record<PluginState, string>> = {
  discovered: 'rediscover',
  loaded: 'load',
  setup: 'set up',
  enabled: 'enable',
  disabled: 'disable',
  torn_down: 'tear down',
  failed: 'fail',
};

/** Whether a plugin in state `from` may move to `to`. */
export function canTransition(from: PluginState, to: PluginState): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Throws `NCF_INVALID_PLUGIN_STATE` (the `InvalidPluginState` catalog error) when `plugin`
 * may not move from `from` to `to`.
 */
export function assertTransition(plugin: string, from: PluginState, to: PluginState): void {
  if (!canTransition(from, to))
    throw NocofloError.create(Errors.InvalidPluginState, [plugin, ACTIONS[to], from.replace('_', ' ')]);
}
