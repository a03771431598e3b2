import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isNocofloError } from '@nocoflo/sdk';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMetadataStore, type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import {
  dropSchema,
  POSTGRES_URL,
  postgresAvailable,
  startPglite,
  tempDir,
  uniqueSchema,
} from '../helpers.js';

const hasPostgres = await postgresAvailable();

interface Backend {
  name: string;
  dialect: 'sqlite' | 'postgres';
  skip: boolean;
  open(): Promise<{
    dataRoot: string;
    store: MetadataStore;
    reopen: () => Promise<MetadataStore>;
    cleanup: () => Promise<void>;
  }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    dialect: 'sqlite',
    skip: false,
    async open() {
      const dir = await tempDir();
      const file = join(dir.path, 'data', 'metadata.db');
      return {
        dataRoot: join(dir.path, 'data'),
        store: await openMetadataStore(file),
        reopen: () => openMetadataStore(`sqlite:${file}`),
        cleanup: dir.cleanup,
      };
    },
  },
  {
    name: 'postgres',
    dialect: 'postgres',
    skip: !hasPostgres,
    async open() {
      const schema = uniqueSchema();
      const url = `${POSTGRES_URL}?schema=${schema}`;
      return {
        dataRoot: join(tmpdir(), 'unused'),
        store: await openMetadataStore(url),
        reopen: () => openMetadataStore(url),
        cleanup: () => dropSchema(schema),
      };
    },
  },
  {
    // The embedded PostgreSQL, which `npm test` falls back to for datasources.
    name: 'pglite',
    dialect: 'postgres',
    skip: false,
    async open() {
      pglite ??= startPglite();
      const url = `${(await pglite).url}?schema=${uniqueSchema()}`;
      return {
        dataRoot: join(tmpdir(), 'unused'),
        store: await openMetadataStore(url),
        reopen: () => openMetadataStore(url),
        cleanup: async () => {},
      };
    },
  },
];
let pglite: ReturnType<typeof startPglite> | undefined;
afterAll(async () => {
  await (await pglite)?.stop();
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`${backend.name} metadata store`, () => {
    let store: MetadataStore;
    let reopen: () => Promise<MetadataStore>;
    let cleanup: () => Promise<void>;
    let dataRoot: string;
    const opened: MetadataStore[] = [];

    beforeEach(async () => {
      ({ store, reopen, cleanup, dataRoot } = await backend.open());
      opened.push(store);
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
      await cleanup();
    });

    it('is a full metadata store with its dialect', () => {
      expect(isMetadataStore(store)).toBe(true);
      expect(store.dialect).toBe(backend.dialect);
    });

    it('persists plugin state across reopen, keeping first-seen time', async () => {
      await store.writePluginState('@acme/audit', '1.0.0', true);
      const first = (await store.readPluginStates()).get('@acme/audit');
      expect(first).toMatchObject({ name: '@acme/audit', version: '1.0.0', enabled: true });
      await new Promise((r) => setTimeout(r, 5));
      await store.writePluginState('@acme/audit', '1.1.0', false);
      await store.close();

      const again = await reopen();
      opened.push(again);
      const state = (await again.readPluginStates()).get('@acme/audit');
      expect(state).toMatchObject({ version: '1.1.0', enabled: false, firstSeenAt: first?.firstSeenAt });
      expect(Date.parse(state!.updatedAt)).toBeGreaterThan(Date.parse(first!.updatedAt));
    });

    it('stores, replaces and removes per-plugin config as JSON', async () => {
      expect(await store.readPluginConfig('p')).toBeUndefined();
      await store.writePluginConfig('p', { table: 'orders', nested: { n: [1, 2] } });
      await store.writePluginConfig('q', { x: true });
      expect(await store.readPluginConfig('p')).toEqual({ table: 'orders', nested: { n: [1, 2] } });
      await store.writePluginConfig('p', { table: 'items' });
      expect(await store.readPluginConfig('p')).toEqual({ table: 'items' });
      expect([...(await store.readPluginConfigs()).keys()]).toEqual(['p', 'q']);
      await store.writePluginConfig('p', undefined);
      expect(await store.readPluginConfig('p')).toBeUndefined();
    });

    it('forgets a plugin (state and config)', async () => {
      await store.writePluginState('gone', '1.0.0', false);
      await store.writePluginConfig('gone', { a: 1 });
      await store.deletePlugin('gone');
      expect((await store.readPluginStates()).has('gone')).toBe(false);
      expect(await store.readPluginConfig('gone')).toBeUndefined();
    });

    it('records view preferences per table', async () => {
      await store.writeViewPreference('sqlite:shop.db#orders', 'chart');
      await store.writeViewPreference('sqlite:shop.db#items', 'table');
      await store.writeViewPreference('sqlite:shop.db#orders', 'table');
      expect(await store.readViewPreference('sqlite:shop.db#orders')).toBe('table');
      expect(Object.fromEntries(await store.listViewPreferences())).toEqual({
        'sqlite:shop.db#items': 'table',
        'sqlite:shop.db#orders': 'table',
      });
      await store.writeViewPreference('sqlite:shop.db#orders', undefined);
      expect(await store.readViewPreference('sqlite:shop.db#orders')).toBeUndefined();
    });

    it('stores API tokens by hash and revokes them', async () => {
      const token = {
        id: 't1',
        name: 'ci',
        permissions: ['audit.read'],
        createdAt: new Date().toISOString(),
      };
      await store.insertApiToken(token, 'hash-1');
      expect(await store.findApiToken('hash-1')).toEqual(token);
      expect(await store.findApiToken('hash-2')).toBeUndefined();
      expect(await store.listApiTokens()).toEqual([token]);
      expect(await store.deleteApiToken('t1')).toBe(true);
      expect(await store.deleteApiToken('t1')).toBe(false);
      expect(await store.findApiToken('hash-1')).toBeUndefined();
    });

    it('applies a migration in the namespace and records it, and records nothing when it fails', async () => {
      const namespace = await store.openNamespace('p', { dataDir: join(dataRoot, 'plugins', 'p') });
      try {
        const ok = {
          id: '0001_init',
          file: 'migrations/0001_init.sql',
          checksum: 'c1',
          sql: 'CREATE TABLE t1 (id INTEGER PRIMARY KEY);',
        };
        expect(await store.applyMigration('p', ok, namespace)).toBe('applied');
        expect(await store.applyMigration('p', ok, namespace)).toBe('already-applied');
        const bad = {
          id: '0002_bad',
          file: 'migrations/0002_bad.sql',
          checksum: 'c2',
          sql: 'CREATE TABLE t2 (id INTEGER); INSERT INTO no_such_table VALUES (1);',
        };
        await expect(store.applyMigration('p', bad, namespace)).rejects.toThrow(/no_such_table/);
        expect((await store.appliedMigrations('p')).map((m) => [m.id, m.location])).toEqual([
          ['0001_init', 'plugin'],
        ]);
        // t2 was rolled back with the failing statement: creating it again works.
        const again = { ...bad, sql: 'CREATE TABLE t2 (id INTEGER);' };
        expect(await store.applyMigration('p', again, namespace)).toBe('applied');
        expect((await namespace.query('SELECT count(*) AS n FROM t2')).rows).toHaveLength(1);
      } finally {
        await namespace.close();
      }
    });

    it('records config changes with who and when, newest first', async () => {
      await store.recordConfigChange({
        plugin: 'p',
        changedAt: '2025-01-01T00:00:00.000Z',
        actor: 'cli',
        fields: ['a'],
      });
      await store.recordConfigChange({
        plugin: 'p',
        changedAt: '2025-01-02T00:00:00.000Z',
        actor: 'admin-token',
        fields: ['b', 'c.d'],
      });
      await store.recordConfigChange({
        plugin: 'q',
        changedAt: '2025-01-03T00:00:00.000Z',
        actor: 'cli',
        fields: [],
      });
      expect(await store.listConfigChanges('p')).toEqual([
        { plugin: 'p', changedAt: '2025-01-02T00:00:00.000Z', actor: 'admin-token', fields: ['b', 'c.d'] },
        { plugin: 'p', changedAt: '2025-01-01T00:00:00.000Z', actor: 'cli', fields: ['a'] },
      ]);
    });

    it('keeps settings, and the first writer wins with onlyIfMissing', async () => {
      expect(await store.readSetting('k')).toBeUndefined();
      expect(await store.writeSetting('k', 'one', { onlyIfMissing: true })).toBe('one');
      expect(await store.writeSetting('k', 'two', { onlyIfMissing: true })).toBe('one');
      expect(await store.writeSetting('k', 'three')).toBe('three');
      expect(await store.readSetting('k')).toBe('three');
    });

    it('fails to write after close with a store error, not a driver error', async () => {
      await store.close();
      const error = await store.writePluginState('x', '1.0.0', true).catch((e: unknown) => e);
      expect(isNocofloError(error, 'NCF_METADATA_STORE_FAILED')).toBe(true);
    });
  });
}

describe('opening a store', () => {
  it('refuses a file that is not a metadata database, naming it', async () => {
    const dir = await tempDir();
    try {
      const file = join(dir.path, 'not-a-db.db');
      await writeFile(file, 'this is plain text, not SQLite '.repeat(100));
      const error = await openMetadataStore(file).catch((e: unknown) => e);
      expect(isNocofloError(error, 'NCF_METADATA_STORE_FAILED')).toBe(true);
      expect((error as Error).message).toContain(file);
    } finally {
      await dir.cleanup();
    }
  });

  it.skipIf(!hasPostgres)('reports an unreachable PostgreSQL without the password', async () => {
    const error = await openMetadataStore('postgres://someone:s3cret@127.0.0.1:1/none').catch(
      (e: unknown) => e,
    );
    expect(isNocofloError(error, 'NCF_METADATA_STORE_FAILED')).toBe(true);
    expect((error as Error).message).not.toContain('s3cret');
  });
});
