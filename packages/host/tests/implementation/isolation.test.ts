import { createHost, type PluginHost } from '@nocoflo/host';
import { definePlugin, type Row } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tinyFactory } from '../fixtures/memory-datasource.js';

describe('failure isolation and runtime registration', () => {
  let host: PluginHost;
  beforeEach(async () => {
    host = await createHost({
      scanNodeModules: false,
      pluginDirs: [],
      callbackTimeoutMs: 200,
      tapTimeoutMs: 100,
    });
    await host.start();
  });
  afterEach(() => host.stop());

  it('fails only the plugin whose tap throws; the hook call goes on', async () => {
    const seen: string[] = [];
    await host.register(
      definePlugin({
        hooks: {
          afterWrite: () => {
            throw new Error('audit sink down');
          },
        },
      }),
      { name: 'bad-audit' },
    );
    await host.register(
      definePlugin({
        hooks: {
          afterWrite: (write) => {
            seen.push(write.table);
          },
        },
      }),
      { name: 'good-audit' },
    );
    await host.register(definePlugin({ datasources: [tinyFactory([{ id: 1, label: 'a' }])] }), {
      name: 'tiny',
    });
    const ds = await host.datasources.open('tiny:x');
    await ds.insert('items', { id: 2, label: 'b' });
    await host.exclusive(async () => {}); // let the deferred failure land
    expect(seen).toEqual(['items']);
    expect(host.get('bad-audit')).toMatchObject({
      state: 'failed',
      error: { code: 'NCF_PLUGIN_CALLBACK_FAILED' },
    });
    expect(host.get('bad-audit')?.error?.message).toContain('audit sink down');
    expect(host.get('good-audit')?.state).toBe('enabled');
    await ds.insert('items', { id: 3, label: 'c' });
    expect(seen).toEqual(['items', 'items']);
  });

  it('gives query hooks a frozen copy of the read options, so a tap cannot change the query', async () => {
    const seen: { options: unknown; frozen: boolean; rowCount?: number }[] = [];
    await host.register(
      definePlugin({
        hooks: {
          beforeQuery: (query) => {
            const options = query.options as { limit?: number };
            seen.push({ options, frozen: Object.isFrozen(options) });
          },
          afterQuery: (query, outcome) => {
            if (query.operation === 'readPage')
              seen.push({ options: query.options, frozen: true, rowCount: outcome.rowCount });
          },
        },
      }),
      { name: 'watcher' },
    );
    await host.register(
      definePlugin({
        datasources: [
          tinyFactory([
            { id: 1, label: 'a' },
            { id: 2, label: 'b' },
          ]),
        ],
      }),
      { name: 'tiny' },
    );
    const ds = await host.datasources.open('tiny:x');
    const options = { limit: 1 };
    const page = await ds.readPage('items', options);
    expect(seen[0]).toEqual({ options: { limit: 1 }, frozen: true });
    expect(seen[0]?.options).not.toBe(options);
    expect(Object.isFrozen(options)).toBe(false);
    expect(seen[1]).toMatchObject({ options: { limit: 1 }, rowCount: page.rows.length });
  });

  it('fails a plugin whose async tap hangs, after the tap timeout', async () => {
    await host.register(definePlugin({ hooks: { beforeQuery: () => new Promise(() => {}) } }), {
      name: 'hangs',
    });
    await host.register(definePlugin({ datasources: [tinyFactory([{ id: 1, label: 'a' }])] }), {
      name: 'tiny',
    });
    const ds = await host.datasources.open('tiny:x');
    const page = await ds.readPage('items');
    expect(page.rows).toHaveLength(1);
    await host.exclusive(async () => {});
    expect(host.get('hangs')).toMatchObject({
      state: 'failed',
      error: { code: 'NCF_PLUGIN_CALLBACK_TIMEOUT' },
    });
  });

  it('refuses a write a plugin vetoes, changes nothing, and names the plugin', async () => {
    const rows: Row[] = [{ id: 1, label: 'a' }];
    const outcomes: unknown[] = [];
    await host.register(
      definePlugin({
        hooks: {
          beforeWrite: (write) =>
            write.table === 'items' ? { reason: 'items are frozen for the audit' } : undefined,
        },
      }),
      { name: 'freezer' },
    );
    await host.register(
      definePlugin({
        hooks: {
          afterWrite: (_write, outcome) => {
            outcomes.push(outcome.error?.code);
          },
        },
      }),
      { name: 'recorder' },
    );
    await host.register(definePlugin({ datasources: [tinyFactory(rows)] }), { name: 'tiny' });
    const ds = await host.datasources.open('tiny:x');
    await expect(ds.update('items', { id: 1 }, { label: 'changed' })).rejects.toMatchObject({
      code: 'NCF_WRITE_VETOED',
      message: 'freezer refused the write: items are frozen for the audit',
    });
    expect(rows).toEqual([{ id: 1, label: 'a' }]);
    expect(outcomes).toEqual(['NCF_WRITE_VETOED']);
  });

  it('fails closed when a beforeWrite tap crashes', async () => {
    const rows: Row[] = [{ id: 1, label: 'a' }];
    await host.register(
      definePlugin({
        hooks: {
          beforeWrite: () => {
            throw new TypeError('undefined is not a function');
          },
        },
      }),
      { name: 'crashy' },
    );
    await host.register(definePlugin({ datasources: [tinyFactory(rows)] }), { name: 'tiny' });
    const ds = await host.datasources.open('tiny:x');
    await expect(ds.delete('items', { id: 1 })).rejects.toMatchObject({ code: 'NCF_WRITE_VETOED' });
    expect(rows).toHaveLength(1);
  });

  it('gives hook taps copies: a tap mutating its argument changes nothing', async () => {
    const rows: Row[] = [{ id: 1, label: 'a' }];
    await host.register(
      definePlugin({
        hooks: {
          beforeWrite: (write) => {
            try {
              (write.values as Record<string, unknown>).label = 'hacked';
            } catch {}
            return undefined;
          },
        },
      }),
      { name: 'mutator' },
    );
    await host.register(definePlugin({ datasources: [tinyFactory(rows)] }), { name: 'tiny' });
    const ds = await host.datasources.open('tiny:x');
    await ds.update('items', { id: 1 }, { label: 'b' });
    expect(rows[0]!.label).toBe('b');
  });

  it('closes datasources a plugin opened when it is disabled', async () => {
    const opened: ReturnType<typeof import('../fixtures/memory-datasource.js').tinyDatasource>[] = [];
    await host.register(definePlugin({ datasources: [tinyFactory([], opened)] }), { name: 'tiny' });
    const ds = await host.datasources.open('tiny:x');
    await host.disable('tiny');
    expect(opened[0]!.closed).toBe(true);
    await expect(ds.listTables()).rejects.toMatchObject({ code: 'NCF_DATASOURCE_CLOSED' });
    await expect(host.datasources.open('tiny:x')).rejects.toMatchObject({ code: 'NCF_SCHEME_UNKNOWN' });
  });

  it('reports two plugins claiming one scheme instead of picking one', async () => {
    await host.register(definePlugin({ datasources: [tinyFactory([])] }), { name: 'tiny-one' });
    await host.register(definePlugin({ datasources: [{ ...tinyFactory([]), name: 'tiny2' }] }), {
      name: 'tiny-two',
    });
    expect(host.datasources.conflicts()).toEqual([{ scheme: 'tiny', plugins: ['tiny-one', 'tiny-two'] }]);
    await expect(host.datasources.open('tiny:x')).rejects.toMatchObject({
      code: 'NCF_SCHEME_CONFLICT',
      message: 'The URL scheme "tiny:" is claimed by tiny-one and tiny-two.',
    });
    expect(host.get('tiny-one')?.warnings.join()).toMatch(/claimed by tiny-one and tiny-two/);
    const ds = await host.datasources.open('tiny:x', { plugin: 'tiny-two' });
    expect(ds.url).toBe('tiny:x');
  });

  it('names the known hooks when a plugin taps one that does not exist', async () => {
    await host.register(
      definePlugin({
        setup: (ctx) => {
          ctx.tap('beforeWirte' as never, () => {});
        },
      }),
      { name: 'typo' },
    );
    const info = host.get('typo')!;
    expect(info.state).toBe('failed');
    expect(info.error?.code).toBe('NCF_UNKNOWN_HOOK');
    expect(info.error?.message).toContain('"beforeWirte"');
    expect(info.error?.message).toContain('beforeWrite');
  });

  it('validates config with the plugin schema and names the exact path', async () => {
    const plugin = definePlugin({
      config: z.object({ limits: z.object({ rows: z.number().int().positive() }) }),
    });
    const configured = await createHost({
      scanNodeModules: false,
      pluginDirs: [],
      config: { picky: { limits: { rows: -3 } } },
    });
    await configured.start();
    await configured.register(plugin, { name: 'picky' });
    expect(configured.get('picky')).toMatchObject({ state: 'failed', error: { code: 'NCF_CONFIG_INVALID' } });
    expect(configured.get('picky')?.error?.message).toMatch(/limits\.rows: .*>0/);
    await expect(configured.setConfig('picky', { limits: { rows: 'many' } })).rejects.toMatchObject({
      code: 'NCF_CONFIG_INVALID',
    });
    const info = await configured.setConfig('picky', { limits: { rows: 10 } });
    expect(info.state).toBe('enabled');
    expect(await configured.getConfig('picky')).toEqual({ limits: { rows: 10 } });
    await configured.stop();
  });

  it('applies a config change to a disabled plugin at its next enable, without running it meanwhile', async () => {
    const seen: unknown[] = [];
    const plugin = definePlugin({
      config: z.object({ level: z.number().default(1) }),
      setup: (ctx) => {
        seen.push(ctx.config.level);
      },
    });
    await host.register(plugin, { name: 'levels' });
    await host.disable('levels');
    await host.setConfig('levels', { level: 7 });
    expect(host.get('levels')?.state).toBe('disabled');
    expect(seen).toEqual([1]);
    await host.enable('levels');
    expect(seen).toEqual([1, 7]);
  });

  it('starts dependencies first, holds dependents back while a dependency is disabled, and brings them back', async () => {
    const calls: string[] = [];
    const tracking = (name: string) =>
      definePlugin({
        enable: () => {
          calls.push(`enable ${name}`);
        },
        disable: () => {
          calls.push(`disable ${name}`);
        },
      });
    await host.register(tracking('base'), { name: 'base', version: '1.2.0' });
    await host.register(tracking('mid'), { name: 'mid', dependencies: { base: '^1.0.0' } });
    await host.register(tracking('top'), { name: 'top', dependencies: { mid: '*' } });
    expect(calls).toEqual(['enable base', 'enable mid', 'enable top']);
    calls.length = 0;
    await host.disable('base');
    expect(calls).toEqual(['disable top', 'disable mid', 'disable base']);
    expect(host.get('top')?.warnings.join()).toMatch(/held back: its dependency mid/);
    await expect(host.enable('mid')).rejects.toMatchObject({ code: 'NCF_DEPENDENCY_DISABLED' });
    calls.length = 0;
    await host.enable('base');
    expect(calls).toEqual(['enable base', 'enable mid', 'enable top']);
  });

  it('chooses views by score, then priority, then name', async () => {
    const view = (name: string, score: number, priority?: number) => ({
      name,
      title: name,
      canHandle: () => score,
      render: () => ({ html: name }),
      ...(priority === undefined ? {} : { priority }),
    });
    await host.register(
      definePlugin({
        views: [
          view('b-view', 50),
          view('a-view', 50),
          view('top', 90),
          view('pri', 50, 5),
          view('never', 0),
        ],
      }),
      { name: 'views' },
    );
    await host.register(
      definePlugin({
        views: [
          {
            ...view('throws', 1),
            canHandle: () => {
              throw new Error('bad');
            },
          },
        ],
      }),
      { name: 'bad-view' },
    );
    const table = {
      name: 't',
      kind: 'table' as const,
      columns: [],
      primaryKey: [],
      foreignKeys: [],
      writable: false,
    };
    expect(host.views.forTable(table).map((v) => v.name)).toEqual(['top', 'pri', 'a-view', 'b-view']);
    await host.exclusive(async () => {});
    expect(host.get('bad-view')?.state).toBe('failed');
  });

  it('refuses a view name another plugin already has', async () => {
    const view = { name: 'table', title: 'Table', canHandle: () => 1, render: () => ({ html: '' }) };
    await host.register(definePlugin({ views: [view] }), { name: 'first' });
    await host.register(definePlugin({ views: [{ ...view }] }), { name: 'second' });
    expect(host.get('second')).toMatchObject({
      state: 'failed',
      error: { code: 'NCF_CONTRIBUTION_CONFLICT' },
    });
    expect(host.get('first')?.state).toBe('enabled');
  });

  it('refuses context calls after disable', async () => {
    let saved: import('@nocoflo/sdk').PluginContext | undefined;
    await host.register(
      definePlugin({
        setup: (ctx) => {
          saved = ctx;
        },
      }),
      { name: 'keeper' },
    );
    await host.disable('keeper');
    expect(() => saved!.tap('afterWrite', () => {})).toThrow(
      /called tap\("afterWrite"\) after it was disabled/,
    );
    expect(saved!.signal.aborted).toBe(true);
  });

  it('aborts the context signal once, with an AbortError, through disable and removal', async () => {
    let saved: import('@nocoflo/sdk').PluginContext | undefined;
    let aborts = 0;
    await host.register(
      definePlugin({
        setup: (ctx) => {
          saved = ctx;
          ctx.signal.addEventListener('abort', () => aborts++);
        },
      }),
      { name: 'aborted-once' },
    );
    await host.disable('aborted-once');
    const reason: unknown = saved!.signal.reason;
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('AbortError');
    await host.unregister('aborted-once');
    expect(saved!.signal.reason).toBe(reason);
    expect(aborts).toBe(1);
  });
});
