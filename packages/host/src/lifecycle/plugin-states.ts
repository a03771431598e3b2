/**
 * Moves plugins between lifecycle states: checks the move against the transition table,
 * keeps the failure (redacted) with the record, and tells listeners and the
 * `pluginStateChanged` hook.
 */
import type { EventEmitter } from 'node:events';
import type { NocofloHooks, PluginState, PluginStateChange, SerializedNocofloError } from '@nocoflo/sdk';
import { secretRedactor } from '../secrets/redact.js';
import type { PluginRecord } from './plugin-record.js';
import { assertTransition } from './transitions.js';

/** The one place a record's state changes. */
export class PluginStates {
  constructor(
    private readonly events: EventEmitter,
    private readonly hooks: NocofloHooks,
  ) {}

  /**
   * Moves `record` to `to`. Staying in a state is no change (and no event), except `failed`,
   * which reports the new error.
   *
   * @throws NocofloError `NCF_INVALID_PLUGIN_STATE` when the transition table forbids the move.
   */
  move(record: PluginRecord, to: PluginState, error?: SerializedNocofloError): void {
    const from = record.state;
    if (from === to && to !== 'failed') return;
    assertTransition(record.name, from, to);
    record.state = to;
    if (to === 'failed') record.error = error && secretRedactor.redactError(error);
    else if (to === 'enabled') record.error = undefined;
    const change: PluginStateChange = Object.freeze({
      plugin: record.name,
      from,
      to,
      ...(record.error && to === 'failed' ? { error: record.error } : {}),
    });
    this.events.emit('stateChange', change);
    if (this.hooks.pluginStateChanged.isUsed()) this.hooks.pluginStateChanged.call(change);
  }
}
