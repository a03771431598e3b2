// Several hosts on one PostgreSQL metadata store follow each other through LISTEN/NOTIFY:
// what one host's operator changes, the others do within two seconds (the bound the
// operations spec sets), without polling.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PostgresMetadataStore } from '../../../src/store/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, tempDir, uniqueSchema, waitFor } from '../helpers.js';

const hasPostgres = await postgresAvailable();
const FOLLOW_WITHIN_MS = 2_000;

describe.skipIf(!hasPostgres)('hosts sharing a PostgreSQL store', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let schema: string;
  const hosts: PluginHost[] = [];
  const stores: PostgresMetadataStore[] = [];

  beforeEach(async () => {
    dir = await tempDir();
    schema = uniqueSchema();
    const pluginDir = join(dir.path, 'plugins');
    await mkdir(pluginDir);
    writePluginDir(pluginDir, 'shared', 'ops-shared', {
      body: 'setup(ctx) { (globalThis.__opsSetups ??= []).push(ctx.config); },',
    });
    writePluginDir(pluginDir, 'follower', 'ops-follower', {
      manifest: { dependencies: { 'ops-shared': '*' } },
    });
    for (let i = 0; i < 3; i++) {
      const store = await PostgresMetadataStore.open(POSTGRES_URL, { schema });
      stores.push(store);
      const host = await createHost({
        root: dir.path,
        pluginDirs: ['plugins'],
        scanNodeModules: false,
        store,
        // The test reads the config setup saw through a global of the plugins' realm: they run trusted (inline).
        isolation: { default: 'inline' },
      });
      await host.start();
      hosts.push(host);
    }
    // Hosts subscribe at start; wait until every LISTEN connection is up.
    await Promise.all(stores.map((store) => store.listening()));
  });

  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.stop();
    stores.length = 0;
    await dropSchema(schema);
    await dir.cleanup();
  });

  const states = (name: string) => hosts.map((host) => host.get(name)?.state);

  it('disabling on one host disables it on the others, dependents included; enabling brings it back', async () => {
    const [a, b] = hosts as [PluginHost, PluginHost, PluginHost];
    expect(states('ops-shared'), JSON.stringify(hosts[0]!.get('ops-shared')?.error)).toEqual([
      'enabled',
      'enabled',
      'enabled',
    ]);

    await a.disable('ops-shared');
    await waitFor(() => states('ops-shared').every((s) => s === 'disabled'), FOLLOW_WITHIN_MS);
    expect(states('ops-follower').every((s) => s !== 'enabled')).toBe(true);

    await b.enable('ops-shared');
    await waitFor(() => states('ops-shared').every((s) => s === 'enabled'), FOLLOW_WITHIN_MS);
    await waitFor(() => states('ops-follower').every((s) => s === 'enabled'), FOLLOW_WITHIN_MS);
  });

  it('a config change on one host reloads the plugin on the others with the new value', async () => {
    const holder = globalThis as { __opsSetups?: unknown[] };
    holder.__opsSetups = [];
    const setups = holder.__opsSetups;
    await hosts[0]!.setConfig('ops-shared', { colour: 'teal' });
    await waitFor(
      () => setups.filter((c) => JSON.stringify(c) === '{"colour":"teal"}').length === 3,
      FOLLOW_WITHIN_MS,
    );
  });

  it('a host restarted later starts with the choice the others made', async () => {
    await hosts[0]!.disable('ops-shared');
    const store = await PostgresMetadataStore.open(POSTGRES_URL, { schema });
    const late = await createHost({
      root: dir.path,
      pluginDirs: ['plugins'],
      scanNodeModules: false,
      store,
      isolation: { default: 'inline' },
    });
    await late.start();
    hosts.push(late);
    expect(late.get('ops-shared')?.state).toBe('disabled');
  });

  it('catches up after its LISTEN connection was cut', async () => {
    const [a, b] = hosts as [PluginHost, PluginHost, PluginHost];
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const cut = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [`nocoflo-listen:${stores[1]!.instanceId}`],
      );
      expect(cut.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    // Changed while host b is deaf: b re-reads everything once it is back.
    await a.disable('ops-shared');
    await waitFor(() => b.get('ops-shared')?.state === 'disabled');
  });
});

describe.skipIf(!hasPostgres)('PostgreSQL change notifications', () => {
  it('tell other stores about real changes only, once each, and never the store that made them', async () => {
    const schema = uniqueSchema();
    const a = await PostgresMetadataStore.open(POSTGRES_URL, { schema });
    const b = await PostgresMetadataStore.open(POSTGRES_URL, { schema });
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    a.onExternalChange((change) => seenByA.push(`${change.kind}:${change.plugin}`));
    b.onExternalChange((change) => seenByB.push(`${change.kind}:${change.plugin}`));
    await Promise.all([a.listening(), b.listening()]);
    try {
      await a.writePluginState('p', '1.0.0', true);
      await a.writePluginState('p', '1.0.0', true); // no change: no notification
      await a.writePluginConfig('p', { x: 1 });
      await a.writePluginConfig('p', { x: 1 }); // no change
      await a.writePluginState('p', '1.0.0', false);
      // A marker change from b, seen by a, tells us a's notifications have all arrived at b too.
      await b.writePluginState('marker', '1.0.0', true);
      await waitFor(() => seenByA.includes('state:marker'));
      await waitFor(() => seenByB.length >= 3);
      expect(seenByB).toEqual(['state:p', 'config:p', 'state:p']);
      expect(seenByA).toEqual(['state:marker']);
    } finally {
      await a.close();
      await b.close();
      await dropSchema(schema);
    }
  });
});
