// Issue #12, item 3: a disabled datasource serves nothing, and datasources never hold more
// connections than their settings allow. Single-flight opens in DatasourceConnections.get(),
// an open that races DatasourceRegistry.remove() is closed instead of served, and the
// host-wide budget of connections answers 503 NCF_DATASOURCE_BUSY when spent.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Datasource,
  type DatasourceOpenOptions,
  defineDatasource,
  definePlugin,
  isNocofloError,
} from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../../src/create-host.js';
import { DatasourceConnections } from '../../src/server/connections.js';
import type { PluginHost } from '../../src/types.js';

/** A fake pooled datasource factory that counts opens and closes and can hold an open back. */
function countingFactory() {
  const state = {
    opens: 0,
    closes: 0,
    grants: [] as (number | undefined)[],
    gate: undefined as Promise<void> | undefined,
  };
  const definition = defineDatasource({
    name: 'counting',
    schemes: ['counting'],
    async open(url: string, options: DatasourceOpenOptions): Promise<Datasource> {
      state.opens++;
      state.grants.push(options.maxConnections);
      if (state.gate) await state.gate;
      let closed = false;
      const pool = Math.min(5, options.maxConnections ?? 5);
      return {
        url,
        capabilities: { write: false },
        maxConnections: pool,
        async listTables() {
          if (closed) throw new Error('closed');
          return [{ name: 'rows', kind: 'table' as const }];
        },
        async close() {
          if (!closed) state.closes++;
          closed = true;
        },
      } as unknown as Datasource;
    },
  });
  return { state, plugin: definePlugin({ datasources: [definition] }) };
}

describe('datasource connections under churn', () => {
  let root: string;
  let host: PluginHost;
  let factory: ReturnType<typeof countingFactory>;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'ncf-conns-'));
    host = await createHost({ root, pluginDirs: [], scanNodeModules: false, maxDatasourceConnections: 12 });
    await host.start();
    factory = countingFactory();
    await host.register(factory.plugin, { name: 'counting-plugin' });
  });
  afterEach(async () => {
    await host.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('opens once for a burst of requests, and once again after a reload closed it', async () => {
    const connections = new DatasourceConnections(host, ['counting://db/one']);
    const [id] = connections.list().map((e) => e.id) as [string];
    const first = await Promise.all(Array.from({ length: 20 }, () => connections.get(id)));
    expect(new Set(first).size).toBe(1);
    expect(factory.state.opens).toBe(1);
    await host.reload('counting-plugin');
    expect(factory.state.closes).toBe(1);
    const second = await Promise.all(Array.from({ length: 20 }, () => connections.use(id, async (ds) => ds)));
    expect(new Set(second).size).toBe(1);
    expect(factory.state.opens).toBe(2);
    await connections.closeAll();
    expect(factory.state.closes).toBe(factory.state.opens);
  });

  it('closes an open that was in flight when its plugin was disabled, and serves nothing after', async () => {
    const connections = new DatasourceConnections(host, ['counting://db/one']);
    const [id] = connections.list().map((e) => e.id) as [string];
    let release!: () => void;
    factory.state.gate = new Promise((resolve) => {
      release = resolve;
    });
    const inFlight = connections.use(id, (ds) => ds.listTables());
    await new Promise((resolve) => setImmediate(resolve));
    expect(factory.state.opens).toBe(1);
    await host.disable('counting-plugin');
    release();
    const outcome = await inFlight.then(
      () => 'rows',
      (error) => (isNocofloError(error) ? error.code : String(error)),
    );
    expect(outcome).not.toBe('rows');
    // What the open made is closed, not left holding connections in a forgotten set.
    expect(factory.state.closes).toBe(factory.state.opens);
    const later = await connections
      .use(id, (ds) => ds.listTables())
      .then(
        () => 'rows',
        (error) => (isNocofloError(error) ? error.code : String(error)),
      );
    expect(later).not.toBe('rows');
  });

  it('keeps all datasources within the host budget and answers 503 NCF_DATASOURCE_BUSY past it', async () => {
    const a = await host.datasources.open('counting://db/a');
    const b = await host.datasources.open('counting://db/b');
    // 12 in all: one open may take a pool's default share (10) of it; the first two took 5
    // each, so the third may hold only the 2 left.
    const c = await host.datasources.open('counting://db/c');
    expect(factory.state.grants).toEqual([10, 7, 2]);
    const refused = await host.datasources.open('counting://db/d').catch((error) => error);
    expect(refused.code).toBe('NCF_DATASOURCE_BUSY');
    expect(refused.status).toBe(503);
    // Closing one gives its connections back.
    await a.close();
    const d = await host.datasources.open('counting://db/d');
    expect(factory.state.grants.at(-1)).toBe(5);
    await Promise.all([b.close(), c.close(), d.close()]);
  });
});
