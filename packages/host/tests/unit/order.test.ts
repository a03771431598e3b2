import { describe, expect, it } from 'vitest';
import { dependentsOf, orderPlugins } from '../../src/lifecycle/order.js';

const node = (name: string, dependencies: Record<string, string> = {}, version = '1.0.0') => ({
  name,
  version,
  dependencies,
});

describe('orderPlugins', () => {
  it('puts dependencies first and breaks ties by name', () => {
    const { order, failed } = orderPlugins([
      node('zeta'),
      node('app', { zeta: '*', beta: '*' }),
      node('beta'),
      node('alpha'),
    ]);
    expect(order).toEqual(['alpha', 'beta', 'zeta', 'app']);
    expect(failed.size).toBe(0);
  });

  it('names the whole cycle, and fails what depends on it with the chain', () => {
    const { order, failed } = orderPlugins([
      node('a', { b: '*' }),
      node('b', { c: '*' }),
      node('c', { a: '*' }),
      node('d', { a: '*' }),
      node('e'),
    ]);
    expect(order).toEqual(['e']);
    expect(failed.get('a')?.message).toContain('a -> b -> c -> a');
    expect(failed.get('c')?.code).toBe('NCF_DEPENDENCY_CYCLE');
    expect(failed.get('d')?.message).toMatch(/^d cannot start because d -> a failed/);
  });

  it('follows a failure through several levels to its root cause', () => {
    const { failed } = orderPlugins([
      node('top', { mid: '*' }),
      node('mid', { base: '^2.0.0' }),
      node('base'),
    ]);
    expect(failed.get('mid')?.code).toBe('NCF_DEPENDENCY_VERSION');
    expect(failed.get('top')?.message).toMatch(/top -> mid failed: mid needs base@\^2\.0\.0/);
  });

  it('treats a self-dependency as a cycle', () => {
    expect(orderPlugins([node('me', { me: '*' })]).failed.get('me')?.message).toContain('me -> me');
  });

  it('finds transitive dependents', () => {
    const nodes = [node('a'), node('b', { a: '*' }), node('c', { b: '*' }), node('d')];
    expect(dependentsOf('a', nodes).sort()).toEqual(['b', 'c']);
  });
});
