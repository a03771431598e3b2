/**
 * Every door of the plugin context works across the boundary: a plugin written for the
 * inline host runs in a worker (and a process) without edits.
 */
import type { PluginHost } from '@nocoflo/host';
import { type IsolationLevel, NocofloError, type Row } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { MEMORY_DATASOURCE, startHost, writePlugin } from './isolated-plugins.js';

const EVERYTHING = `${MEMORY_DATASOURCE}
import { z } from 'zod';
import { isNocofloError } from '@nocoflo/sdk';
export default definePlugin({
  config: z.object({ greeting: z.string().default('hello') }),
  permissions: [{ key: 'everything.read', description: 'read it' }],
  datasources: [{ name: 'memory', schemes: ['memory'], async open(url) { return memoryDatasource(url); } }],
  views: [{
    name: 'everything-view', title: 'Everything',
    canHandle: (table) => (table.name === 'items' ? 7 : false),
    async render({ table, data, params }) {
      if (params.probe) {
        try { await data.readPage(table.name, {}); return { html: 'no error' }; }
        catch (error) { return { html: isNocofloError(error, 'NCF_INVALID_QUERY') + ' ' + error.code + ' ' + error.message }; }
      }
      const page = await data.readPage(table.name, { limit: 2 });
      return { html: '<p>' + page.rows.map((r) => r.label).join(',') + '</p>' };
    },
  }],
  hooks: {
    beforeWrite: (write) => (write.values && write.values.label === 'forbidden' ? { reason: 'no forbidden labels' } : undefined),
  },
  async setup(ctx) {
    await ctx.database.query('CREATE TABLE IF NOT EXISTS seen (what TEXT)');
    ctx.registerRoute({ method: 'GET', path: '/hello/:who', handler: async (req) => {
      await ctx.database.query('INSERT INTO seen (what) VALUES (?)', [req.params.who]);
      const { rows } = await ctx.database.query('SELECT count(*) AS n FROM seen');
      return { body: { text: ctx.config.greeting + ' ' + req.params.who, seen: rows[0].n, env: Object.keys(process.env) } };
    } });
    ctx.services.provide('everything.echo', { echo: (value) => 'echo:' + value });
    ctx.tap('afterWrite', (write) => { ctx.logger.info('wrote', { table: write.table }); });
    ctx.tap('viewCandidates', (candidates) => candidates);
  },
});
`;

describe.each<IsolationLevel>(['worker', 'process'])('a plugin at the %s level', (level) => {
  const root = new FixtureRoot(`context-${level}`);
  let host: PluginHost;
  beforeAll(async () => {
    writePlugin(root, 'everything', EVERYTHING);
    host = await startHost(root, level);
  });
  afterAll(async () => {
    await host?.stop();
    root.cleanup();
  });

  it('starts enabled at its level, with its contributions and permissions', () => {
    const info = host.get('everything');
    expect(info).toMatchObject({ state: 'enabled', runtime: { isolation: level, restarts: 0 } });
    expect(info?.contributions).toEqual({
      views: ['everything-view'],
      datasources: ['memory'],
      services: ['everything.echo'],
      hooks: expect.arrayContaining(['beforeWrite', 'afterWrite', 'viewCandidates']),
    });
    expect(info?.permissions).toEqual([{ key: 'everything.read', description: 'read it' }]);
  });

  it('serves every Datasource method, streams in batches and stops a stream early', async () => {
    const ds = await host.datasources.open('memory:x');
    expect(await ds.listTables()).toEqual([{ name: 'items', kind: 'table' }]);
    expect((await ds.describeTable('items')).primaryKey).toEqual(['id']);
    expect((await ds.readPage('items', { limit: 2 })).rows).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
    expect(await ds.insert('items', { id: 4, label: 'four' })).toEqual({ id: 4, label: 'four' });
    await expect(ds.insert('items', { id: 5, label: 'forbidden' })).rejects.toMatchObject({
      message: expect.stringContaining('no forbidden labels'),
    });
    expect(await ds.update('items', { id: 4 }, { label: 'FOUR' })).toEqual({ id: 4, label: 'FOUR' });
    await ds.delete('items', { id: 4 });
    expect((await ds.aggregate('items', { measures: [{ fn: 'count' }] })).rows).toEqual([{ count: 3 }]);
    expect(await ds.testConnection()).toMatchObject({ ok: true });
    const seen: Row[] = [];
    for await (const row of ds.stream('items')) {
      seen.push(row);
      if (seen.length === 300) break;
    }
    expect(seen).toHaveLength(300);
    let all = 0;
    for await (const _row of ds.stream('items')) all++;
    expect(all).toBe(1000);
    await ds.close();
  });

  it('answers canHandle synchronously and renders through a read-only data handle', async () => {
    const ds = await host.datasources.open('memory:x');
    const table = await ds.describeTable('items');
    const views = host.views.forTable(table);
    expect(views.map((v) => [v.name, v.score])).toEqual([['everything-view', 7]]);
    const result = await views[0]!.definition.render({
      table,
      data: ds,
      params: {},
      urls: { page: '/', rows: '/rows', assets: '/assets' },
    });
    expect(result.html).toBe('<p>one,two</p>');
    await ds.close();
  });

  it("hands the view the data handle's NocofloError as a NocofloError, code and message kept", async () => {
    const ds = await host.datasources.open('memory:x');
    const table = await ds.describeTable('items');
    const [view] = host.views.forTable(table);
    // A refused query on the host's side must reach the plugin as what it is, so a view can
    // tell a bad filter (show it beside the form) from a broken datasource (show the error).
    const refusing = Object.assign(Object.create(ds) as typeof ds, {
      async readPage(): Promise<never> {
        throw new NocofloError({
          code: 'NCF_INVALID_QUERY',
          title: 'Invalid query',
          message: 'Invalid filter value for items.id',
          hint: 'Give a number.',
          status: 400,
        });
      },
    });
    const result = await view!.definition.render({
      table,
      data: refusing,
      params: { probe: '1' },
      urls: { page: '/', rows: '/rows', assets: '/assets' },
    });
    expect(result.html).toBe('true NCF_INVALID_QUERY Invalid filter value for items.id');
    await ds.close();
  });

  it('answers routes with its config and its own database, and sees only declared env', async () => {
    const match = host.routes.match('everything', 'GET', '/hello/ada');
    const response = await match!.route.route.handler({
      params: match!.params,
      query: {},
      body: undefined,
      headers: {},
    });
    expect(response.body).toEqual({ text: 'hello ada', seen: 1, env: [] });
  });

  it('provides services to the host and other plugins', async () => {
    const echo = host.service<{ echo(value: string): Promise<string> }>('everything.echo');
    expect(await echo!.echo('x')).toBe('echo:x');
  });

  it('validates config with the plugin schema and reloads with the new value', async () => {
    await expect(host.setConfig('everything', { greeting: 42 })).rejects.toMatchObject({
      code: 'NCF_CONFIG_INVALID',
    });
    await host.setConfig('everything', { greeting: 'hi' });
    const match = host.routes.match('everything', 'GET', '/hello/bob');
    const response = await match!.route.route.handler({
      params: match!.params,
      query: {},
      body: undefined,
      headers: {},
    });
    expect(response.body).toMatchObject({ text: 'hi bob', seen: 2 });
    expect((await host.configView('everything')).schema).toMatchObject({ type: 'object' });
  });

  it('detaches everything on disable and brings it back on enable', async () => {
    await host.disable('everything');
    expect(host.views.list()).toEqual([]);
    expect(host.service('everything.echo')).toBeUndefined();
    expect(host.routes.list()).toEqual([]);
    await host.enable('everything');
    expect(host.get('everything')?.contributions.views).toEqual(['everything-view']);
  });
});
