import { createHooks } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { HookRegistry } from '../../src/contributions/hook-registry.js';

describe('HookRegistry', () => {
  it('removes exactly the detached tap and recompiles the call', () => {
    const hooks = createHooks();
    const registry = new HookRegistry(hooks, () => {}, 100);
    const a = registry.attach('a', 'viewCandidates', (list) => [
      ...(list as []),
      { view: 'a', plugin: 'a', score: 1 },
    ]);
    registry.attach('b', 'viewCandidates', (list) => [...(list as []), { view: 'b', plugin: 'b', score: 1 }]);
    const context = {
      table: {
        name: 't',
        kind: 'table' as const,
        columns: [],
        primaryKey: [],
        foreignKeys: [],
        writable: false,
      },
    };
    expect(hooks.viewCandidates.call([], context).map((c) => c.view)).toEqual(['a', 'b']);
    registry.detach(a);
    registry.detach(a); // twice is harmless
    expect(registry.count('viewCandidates')).toBe(1);
    expect(hooks.viewCandidates.call([], context).map((c) => c.view)).toEqual(['b']);
  });

  it('reports a throwing sync tap and lets a waterfall keep its value', () => {
    const hooks = createHooks();
    const errors: string[] = [];
    const registry = new HookRegistry(
      hooks,
      (plugin, hook, error) => errors.push(`${plugin}/${hook}/${(error as Error).message}`),
      100,
    );
    registry.attach('bad', 'viewCandidates', () => {
      throw new Error('boom');
    });
    const context = {
      table: {
        name: 't',
        kind: 'table' as const,
        columns: [],
        primaryKey: [],
        foreignKeys: [],
        writable: false,
      },
    };
    const list = [{ view: 'v', plugin: 'p', score: 3 }];
    expect(hooks.viewCandidates.call(list, context)).toBe(list);
    expect(errors).toEqual(['bad/viewCandidates/boom']);
  });
});
