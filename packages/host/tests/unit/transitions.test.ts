import { PLUGIN_STATES, type PluginState } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, TRANSITIONS } from '../../src/lifecycle/transitions.js';

describe('the lifecycle transition table', () => {
  it('lets every state fail', () => {
    for (const from of PLUGIN_STATES) expect(canTransition(from, 'failed')).toBe(true);
  });

  it('follows the documented path discovered → loaded → setup → enabled ⇄ disabled → torn_down', () => {
    const path: PluginState[] = [
      'discovered',
      'loaded',
      'setup',
      'enabled',
      'disabled',
      'enabled',
      'disabled',
      'torn_down',
    ];
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('refuses an illegal move with NCF_INVALID_PLUGIN_STATE naming the plugin, the move and the state', () => {
    expect(canTransition('discovered', 'enabled')).toBe(false);
    expect(() => assertTransition('acme', 'discovered', 'enabled')).toThrow(
      expect.objectContaining({
        code: 'NCF_INVALID_PLUGIN_STATE',
        message: expect.stringMatching(/enable acme while it is discovered/),
      }),
    );
    expect(() => assertTransition('acme', 'torn_down', 'enabled')).toThrow(/while it is torn down/);
  });

  it('names only known states', () => {
    for (const [from, targets] of Object.entries(TRANSITIONS)) {
      expect(PLUGIN_STATES).toContain(from);
      for (const to of targets) expect(PLUGIN_STATES).toContain(to);
    }
  });
});
