// The complete example of docs/testing-a-plugin.md. It runs in @nocoflo/testing's own test
// suite (packages/testing/tests/implementation/docs-example.test.ts), so it stays true.
import { defineDatasource, definePlugin } from '@nocoflo/sdk';
import {
  createMemoryDatasource,
  createTestHost,
  describeViewConformance,
  setupTestHost,
} from '@nocoflo/testing';
import '@nocoflo/testing/matchers';
import { describe, expect, it } from 'vitest';
import guard, { columnsView, type GuardLog } from '../src/guard-plugin.js';

// A datasource plugin for the test: the in-memory mock, opened by the host for `memory:` URLs.
const memory = definePlugin({
  datasources: [
    defineDatasource({
      name: 'memory',
      schemes: ['memory'],
      open: async (url) =>
        createMemoryDatasource({
          url,
          tables: {
            orders: { rows: [{ id: 1, total: '9.90', placed: '2024-05-01' }] },
            audit: { rows: [{ id: 1, message: 'created' }] },
          },
        }),
    }),
  ],
});

describe('guard plugin', () => {
  // A fresh host per test, stopped after each test.
  const host = setupTestHost(() => ({
    plugins: [
      { name: 'memory', plugin: memory },
      { name: 'guard', plugin: guard, version: '1.0.0' },
    ],
    config: { guard: { protectedTables: ['audit'] } },
  }));

  it('starts, taps the write hooks and provides its log', () => {
    expect(host()).toHavePluginState('guard', 'enabled');
    expect(host()).toHaveTapped('guard', 'beforeWrite');
    expect(host()).toHaveTapped('guard', 'afterWrite');
    expect(host().service<GuardLog>('guard.log')?.entries()).toEqual([]);
  });

  it('refuses writes to protected tables and changes nothing', async () => {
    const ds = await host().datasources.open('memory:');
    await expect(ds.insert('audit', { id: 2, message: 'forged' })).rejects.toMatchObject({
      code: 'NCF_WRITE_VETOED',
    });
    expect((await ds.readPage('audit')).rows).toHaveLength(1);
    expect(host()).toHaveRunTap('beforeWrite', 'guard');
    expect(host()).toHaveCalledHookWith(
      'afterWrite',
      expect.objectContaining({ table: 'audit', operation: 'insert' }),
      expect.objectContaining({ error: expect.objectContaining({ code: 'NCF_WRITE_VETOED' }) }),
    );
  });

  it('lets other writes through and logs them', async () => {
    const ds = await host().datasources.open('memory:');
    await ds.update('orders', { id: 1 }, { total: '10.50' });
    expect(host().service<GuardLog>('guard.log')?.entries()).toEqual([
      { table: 'orders', operation: 'update' },
    ]);
    expect(host()).toHaveCalledHook('afterWrite', 1);
  });

  it('stops cleanly: disabling removes its taps', async () => {
    await host().disable('guard');
    expect(host()).toHavePluginState('guard', 'disabled');
    expect(host()).not.toHaveTapped('guard', 'beforeWrite');
  });
});

describe('guard plugin config', () => {
  it('fails alone, with the reason, when its config is invalid', async () => {
    await using host = await createTestHost({
      plugins: [
        { name: 'memory', plugin: memory },
        { name: 'guard', plugin: guard },
      ],
      config: { guard: { protectedTables: 'audit' } },
    });
    expect(host).toHaveFailedWith('guard', 'NCF_CONFIG_INVALID');
    expect(host).toHavePluginState('memory', 'enabled');
  });
});

describe('guard columns view', () => {
  it('renders one escaped item per column', async () => {
    const ds = createMemoryDatasource({ tables: { t: { rows: [{ id: 1, '<b>odd</b>': 'x' }] } } });
    const table = await ds.describeTable('t');
    const result = await columnsView.render({
      table,
      data: ds,
      params: {},
      urls: { page: '/', rows: '/rows', assets: '/assets' },
    });
    expect(result).toBeWellFormedHtml();
    expect(result).toHaveElementCount('ul.guard-columns > li', 2);
    expect(result).toHaveElementText('li[data-column="<b>odd</b>"]', '<b>odd</b> text');
    expect(result).not.toHaveElement('li b');
  });
});

// The whole view suite, through a real host: scores, well-formed HTML, escaping, edge tables.
describeViewConformance('guard plugin views', guard, { handles: { mixed: true, noColumns: false } });
