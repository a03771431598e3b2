import { createHooks } from '@nocoflo/sdk';
import { spyOnHooks } from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';

describe('spyOnHooks', () => {
  it('records calls of every kind of hook, tapped or not, without changing results', async () => {
    const hooks = createHooks();
    const spies = spyOnHooks(hooks);
    hooks.viewCandidates.tap('reorder', (list) => [...list].reverse());
    const candidates = [
      { view: 'a', plugin: 'p', score: 1 },
      { view: 'b', plugin: 'p', score: 2 },
    ];
    const table = {
      name: 't',
      kind: 'table' as const,
      columns: [],
      primaryKey: [],
      foreignKeys: [],
      writable: false,
    };
    expect(hooks.viewCandidates.call(candidates, { table }).map((c) => c.view)).toEqual(['b', 'a']);
    await hooks.hostStopping.promise();
    hooks.pluginStateChanged.call({ plugin: 'x', from: 'setup', to: 'enabled' });
    expect(spies.calls.map((c) => c.hook)).toEqual(['viewCandidates', 'hostStopping', 'pluginStateChanged']);
    expect(spies.callsOf('viewCandidates')[0]?.[0]).toBe(candidates);
    expect(spies.tapsRunOn('viewCandidates')).toEqual(['reorder']);
    expect(spies.calls.map((c) => c.sequence)).toEqual([0, 2, 3]);
  });

  it('stops recording after restore, and clear forgets', () => {
    const hooks = createHooks();
    const spies = spyOnHooks(hooks);
    hooks.pluginStateChanged.call({ plugin: 'x', from: 'setup', to: 'enabled' });
    spies.clear();
    expect(spies.calls).toHaveLength(0);
    spies.restore();
    spies.restore();
    hooks.pluginStateChanged.call({ plugin: 'x', from: 'enabled', to: 'disabled' });
    expect(spies.calls).toHaveLength(0);
    expect((hooks.pluginStateChanged as unknown as { interceptors: unknown[] }).interceptors).toHaveLength(0);
  });
});
