import { createHost, type PluginHost } from '@nocoflo/host';
import { HOOK_NAMES, type HookName, type TableSchema } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FixtureRoot, pluginPackageJson } from '../fixtures/fixture-root.js';

const table: TableSchema = {
  name: 'orders',
  kind: 'table',
  columns: [{ name: 'id', type: 'integer', nativeType: 'INTEGER', nullable: false, hasDefault: true }],
  primaryKey: ['id'],
  foreignKeys: [],
  writable: true,
};

/** A plugin that contributes one of everything, declared and through its context. */
const everythingEntry = (
  greeting: string,
) => `import { definePlugin, defineView, defineDatasource } from '@nocoflo/sdk';
export default definePlugin({
  views: [defineView({ name: 'everything-view', title: 'Everything', canHandle: () => 50, render: () => ({ html: ${JSON.stringify(greeting)} }) })],
  datasources: [defineDatasource({ name: 'everything-ds', schemes: ['everything'], async open(url) { throw new Error('not needed'); } })],
  hooks: { beforeWrite: () => undefined },
  setup(ctx) {
    ctx.services.provide('everything.greeting', { greet: () => ${JSON.stringify(greeting)} });
    ctx.tap('afterQuery', () => {});
    ctx.tap('viewCandidates', (list) => list);
    ctx.registerRoute({ method: 'GET', path: '/hello', handler: () => ({ body: ${JSON.stringify(greeting)} }) });
  },
  enable(ctx) {
    ctx.tap('pluginStateChanged', () => {});
    ctx.setInterval(() => { globalThis.__everythingTicks = (globalThis.__everythingTicks ?? 0) + 1; }, 5);
  },
});
`;

function tapCounts(host: PluginHost): Record<HookName, number> {
  return Object.fromEntries(
    HOOK_NAMES.map((name) => [name, (host.hooks[name] as unknown as { taps: unknown[] }).taps.length]),
  ) as Record<HookName, number>;
}

function reachable(host: PluginHost) {
  return {
    view: host.views.forTable(table).some((v) => v.name === 'everything-view'),
    datasource: host.datasources.list().some((d) => d.name === 'everything-ds'),
    service: host.service('everything.greeting') !== undefined,
    route: host.routes.match('everything', 'GET', '/hello') !== undefined,
  };
}

describe('enable, disable and reload at runtime', () => {
  let root: FixtureRoot;
  let host: PluginHost;
  beforeEach(async () => {
    root = new FixtureRoot('runtime');
    root.plugin('plugins/everything', pluginPackageJson('everything'), everythingEntry('hello v1'));
    // The test reads the plugin's globals: it runs trusted (inline).
    host = await createHost({ root: root.dir, isolation: { default: 'inline' } });
  });
  afterEach(async () => {
    await host.stop();
    root.cleanup();
  });

  it('leaves none of the plugin reachable after disable, and all of it after enable', async () => {
    const before = tapCounts(host);
    await host.start();
    expect(reachable(host)).toEqual({ view: true, datasource: true, service: true, route: true });
    const enabledCounts = tapCounts(host);
    expect(enabledCounts.beforeWrite).toBe(before.beforeWrite + 1);
    expect(enabledCounts.pluginStateChanged).toBe(before.pluginStateChanged + 1);

    await host.disable('everything');
    expect(host.get('everything')?.state).toBe('disabled');
    expect(reachable(host)).toEqual({ view: false, datasource: false, service: false, route: false });
    expect(tapCounts(host)).toEqual(before);
    const ticks = globalThis.__everythingTicks ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(globalThis.__everythingTicks ?? 0).toBe(ticks); // the interval was cleared

    await host.enable('everything');
    expect(reachable(host)).toEqual({ view: true, datasource: true, service: true, route: true });
    expect(tapCounts(host)).toEqual(enabledCounts);
  });

  it('leaves every tap count where it started after 200 enable/disable cycles', async () => {
    await host.start();
    const enabledCounts = tapCounts(host);
    await host.disable('everything');
    const disabledCounts = tapCounts(host);
    for (let i = 0; i < 200; i++) {
      await host.enable('everything');
      await host.disable('everything');
    }
    expect(tapCounts(host)).toEqual(disabledCounts);
    await host.enable('everything');
    expect(tapCounts(host)).toEqual(enabledCounts);
    expect(host.get('everything')?.contributions).toEqual({
      views: ['everything-view'],
      datasources: ['everything-ds'],
      services: ['everything.greeting'],
      hooks: expect.arrayContaining(['beforeWrite', 'afterQuery', 'viewCandidates', 'pluginStateChanged']),
    });
  });

  it('picks up code changed on disk on reload, with no restart', async () => {
    await host.start();
    const greet = () => host.service<{ greet(): string }>('everything.greeting')?.greet();
    expect(greet()).toBe('hello v1');
    const counts = tapCounts(host);
    root.plugin(
      'plugins/everything',
      pluginPackageJson('everything', { version: '1.1.0' }),
      everythingEntry('hello v2'),
    );
    await host.reload('everything');
    expect(host.get('everything')).toMatchObject({ state: 'enabled', version: '1.1.0' });
    expect(greet()).toBe('hello v2');
    const route = host.routes.match('everything', 'GET', '/hello');
    expect(await route?.route.route.handler({ params: {}, query: {}, body: undefined, headers: {} })).toEqual(
      { body: 'hello v2' },
    );
    expect(tapCounts(host)).toEqual(counts); // the old code's taps are gone
  });

  it('reloads every module of a multi-file plugin, not only its entry', async () => {
    root.plugin(
      'plugins/split',
      pluginPackageJson('split'),
      `import { definePlugin } from '@nocoflo/sdk';
       import { message } from './lib/message.js';
       export default definePlugin({ setup(ctx) { ctx.services.provide('split.message', message); } });`,
    );
    root.file('plugins/split/lib/message.js', `export { message } from './deeper.js';`);
    root.file('plugins/split/lib/deeper.js', `export const message = 'first';`);
    await host.start();
    expect(host.service('split.message')).toBe('first');
    root.file('plugins/split/lib/deeper.js', `export const message = 'second';`);
    await host.reload('split');
    expect(host.service('split.message')).toBe('second');
  });

  it('reloads a one-file plugin that later imports files of its own', async () => {
    // One file: reloads need no resolve hook. Then the entry starts importing a file of its
    // own, which must be fresh on every later reload too.
    const entry = (body: string) =>
      `import { definePlugin } from '@nocoflo/sdk';\n${body}\nexport default definePlugin({ setup(ctx) { ctx.services.provide('grows.message', message); } });`;
    root.plugin('plugins/grows', pluginPackageJson('grows'), entry(`const message = 'one file v1';`));
    await host.start();
    expect(host.service('grows.message')).toBe('one file v1');
    root.file('plugins/grows/index.js', entry(`const message = 'one file v2';`));
    await host.reload('grows');
    expect(host.service('grows.message')).toBe('one file v2');
    root.file('plugins/grows/lib/message.js', `export const message = 'split v1';`);
    root.file('plugins/grows/index.js', entry(`import { message } from './lib/message.js';`));
    await host.reload('grows');
    expect(host.service('grows.message')).toBe('split v1');
    root.file('plugins/grows/lib/message.js', `export const message = 'split v2';`);
    await host.reload('grows');
    expect(host.service('grows.message')).toBe('split v2');
  });

  it('emits an event for every state change', async () => {
    const changes: string[] = [];
    host.on('stateChange', (change) => changes.push(`${change.plugin}:${change.from}->${change.to}`));
    await host.start();
    await host.disable('everything');
    await host.reload('everything');
    expect(changes).toEqual([
      'everything:discovered->loaded',
      'everything:loaded->setup',
      'everything:setup->enabled',
      'everything:enabled->disabled',
      'everything:disabled->torn_down',
      'everything:torn_down->discovered',
      'everything:discovered->disabled',
    ]);
    expect(host.get('everything')?.state).toBe('disabled'); // reload keeps an operator's choice
  });
});

declare global {
  var __everythingTicks: number | undefined;
}
