import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isNocofloError, type NocofloError } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPluginMigrations } from '../../../src/migrations/index.js';
import { MemoryStore, type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import {
  dropSchema,
  POSTGRES_URL,
  pluginSchema,
  postgresAvailable,
  selectIn,
  startPglite,
  tempDir,
  uniqueSchema,
} from '../helpers.js';

const hasPostgres = await postgresAvailable();

async function writePlugin(root: string, files: Record<string, string>): Promise<string> {
  const path = join(root, 'audit-plugin');
  await mkdir(join(path, 'migrations'), { recursive: true });
  for (const [name, sql] of Object.entries(files)) await writeFile(join(path, 'migrations', name), sql);
  return path;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as NocofloError,
  );

// `pglite`: the embedded PostgreSQL, where plugin roles cannot log in (SET LOCAL ROLE instead).
const backends = [
  { name: 'sqlite' as const, dialect: 'sqlite' as const, skip: false },
  { name: 'postgres' as const, dialect: 'postgres' as const, skip: !hasPostgres },
  { name: 'pglite' as const, dialect: 'postgres' as const, skip: false },
];
let pglite: ReturnType<typeof startPglite> | undefined;
afterAll(async () => {
  await (await pglite)?.stop();
});

for (const backend of backends) {
  describe.skipIf(backend.skip)(`plugin migrations on ${backend.name}`, () => {
    let store: MetadataStore;
    let dir: { path: string; cleanup: () => Promise<void> };
    let schema: string | undefined;
    let baseUrl = POSTGRES_URL;

    beforeEach(async () => {
      dir = await tempDir();
      if (backend.name === 'sqlite') store = await openMetadataStore(join(dir.path, 'metadata.db'));
      else {
        schema = uniqueSchema();
        if (backend.name === 'pglite') {
          pglite ??= startPglite();
          baseUrl = (await pglite).url;
        }
        store = await openMetadataStore(`${baseUrl}?schema=${schema}`);
      }
    });
    afterEach(async () => {
      await store.close();
      if (schema) await dropSchema(schema, baseUrl);
      await dir.cleanup();
    });

    // Reads the audit plugin's namespace directly: its file beside the store, or its schema.
    const select = async (sql: string): Promise<Record<string, unknown>[]> => {
      if (backend.name === 'sqlite') {
        const db = new Database(join(dir.path, 'plugins', 'audit', 'data.sqlite'), { readonly: true });
        try {
          return db.prepare(sql).all() as Record<string, unknown>[];
        } finally {
          db.close();
        }
      }
      return selectIn(pluginSchema(schema!, 'audit', baseUrl), sql, baseUrl);
    };

    it('applies pending migrations in order, with the dialect variant, once', async () => {
      const path = await writePlugin(dir.path, {
        '0002_add_index.sql': 'CREATE INDEX audit_at ON audit (at);',
        '0001_create.sql': 'CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT);',
        '0003_seed.sqlite.sql': "INSERT INTO audit (id, at) VALUES (1, 'sqlite');",
        '0003_seed.postgres.sql': "INSERT INTO audit (id, at) VALUES (1, 'postgres');",
        '0003_seed.sql': "INSERT INTO audit (id, at) VALUES (1, 'generic');",
        'README.md': 'not a migration',
      });
      const first = await applyPluginMigrations({ store, plugin: { name: 'audit', path } });
      expect(first.applied).toEqual(['0001_create', '0002_add_index', '0003_seed']);
      const records = await store.appliedMigrations('audit');
      expect(records.map((m) => m.file)).toEqual([
        'migrations/0001_create.sql',
        'migrations/0002_add_index.sql',
        `migrations/0003_seed.${backend.dialect}.sql`,
      ]);
      for (const record of records) expect(record.checksum).toMatch(/^[0-9a-f]{64}$/);

      const second = await applyPluginMigrations({ store, plugin: { name: 'audit', path } });
      expect(second.applied).toEqual([]);
      // The dialect's seed ran exactly once.
      expect(await select('SELECT id, at FROM audit')).toEqual([{ id: 1, at: backend.dialect }]);
    });

    it('fails the plugin naming the file when an applied migration changed, and applies nothing', async () => {
      const path = await writePlugin(dir.path, { '0001_create.sql': 'CREATE TABLE audit (id INTEGER);' });
      await applyPluginMigrations({ store, plugin: { name: 'audit', path } });
      await writeFile(
        join(path, 'migrations', '0001_create.sql'),
        'CREATE TABLE audit (id INTEGER, extra TEXT);',
      );
      await writeFile(join(path, 'migrations', '0002_more.sql'), 'CREATE TABLE more (id INTEGER);');

      const error = await failure(applyPluginMigrations({ store, plugin: { name: 'audit', path } }));
      expect(isNocofloError(error, 'NCF_MIGRATION_CHANGED')).toBe(true);
      expect(error?.message).toContain('migrations/0001_create.sql');
      expect(error?.details).toMatchObject({ plugin: 'audit', file: 'migrations/0001_create.sql' });
      expect((await store.appliedMigrations('audit')).map((m) => m.id)).toEqual(['0001_create']);
    });

    it('rolls a failing migration back, keeps earlier ones, skips later ones', async () => {
      const path = await writePlugin(dir.path, {
        '0001_create.sql': 'CREATE TABLE audit (id INTEGER);',
        '0002_broken.sql': 'CREATE TABLE half (id INTEGER);\nINSERT INTO missing_table VALUES (1);',
        '0003_after.sql': 'CREATE TABLE after_broken (id INTEGER);',
      });
      const error = await failure(applyPluginMigrations({ store, plugin: { name: 'audit', path } }));
      expect(isNocofloError(error, 'NCF_MIGRATION_FAILED')).toBe(true);
      expect(error?.message).toContain('migrations/0002_broken.sql');
      expect(error?.message).toContain('missing_table');
      expect((await store.appliedMigrations('audit')).map((m) => m.id)).toEqual(['0001_create']);

      // Fixing the file lets it apply: `half` was rolled back, so creating it again works.
      await writeFile(join(path, 'migrations', '0002_broken.sql'), 'CREATE TABLE half (id INTEGER);');
      const fixed = await applyPluginMigrations({ store, plugin: { name: 'audit', path } });
      expect(fixed.applied).toEqual(['0002_broken', '0003_after']);
      expect(await select('SELECT count(*) AS n FROM after_broken')).toEqual([
        { n: backend.name === 'sqlite' ? 0 : '0' },
      ]);
    });

    it('keeps migrations of different plugins apart', async () => {
      const path = await writePlugin(dir.path, { '0001_create.sql': 'CREATE TABLE a1 (id INTEGER);' });
      await applyPluginMigrations({ store, plugin: { name: 'a', path } });
      expect(await store.appliedMigrations('b')).toEqual([]);
    });
  });
}

describe('migration folders', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let store: MetadataStore;
  beforeEach(async () => {
    dir = await tempDir();
    store = await openMetadataStore(join(dir.path, 'metadata.db'));
  });
  afterEach(async () => {
    await store.close();
    await dir.cleanup();
  });

  it('does nothing without a migrations folder, or with a store that keeps no plugin data', async () => {
    const path = join(dir.path, 'plain');
    await mkdir(path);
    expect(await applyPluginMigrations({ store, plugin: { name: 'plain', path } })).toEqual({ applied: [] });
    const withFiles = await writePlugin(dir.path, { '0001_a.sql': 'CREATE TABLE a (id INTEGER);' });
    const stateOnly = {
      readPluginStates: async () => new Map(),
      writePluginState: async () => {},
      readPluginConfig: async () => undefined,
      writePluginConfig: async () => {},
      close: async () => {},
    };
    expect(await applyPluginMigrations({ store: stateOnly, plugin: { name: 'x', path: withFiles } })).toEqual(
      {
        applied: [],
      },
    );
  });

  it('applies migrations into an in-memory namespace with the in-memory store', async () => {
    const withFiles = await writePlugin(dir.path, {
      '0001_a.sql': 'CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (7);',
    });
    const memory = new MemoryStore();
    const namespace = await memory.openNamespace('x', { dataDir: dir.path });
    try {
      const result = await applyPluginMigrations({
        store: memory,
        plugin: { name: 'x', path: withFiles },
        openNamespace: async () => namespace,
      });
      expect(result).toEqual({ applied: ['0001_a'] });
      expect((await namespace.query('SELECT id FROM a')).rows).toEqual([{ id: 7 }]);
      expect((await memory.appliedMigrations('x')).map((m) => m.id)).toEqual(['0001_a']);
    } finally {
      await namespace.close();
    }
  });

  it('refuses badly named files, numbers used twice, and folders outside the plugin', async () => {
    const path = await writePlugin(dir.path, { '1_init.sql': 'SELECT 1;' });
    const badName = await failure(applyPluginMigrations({ store, plugin: { name: 'p', path } }));
    expect(isNocofloError(badName, 'NCF_MIGRATION_INVALID')).toBe(true);
    expect(badName?.message).toContain('1_init.sql');

    const twice = await writePlugin(join(dir.path, 'twice'), {
      '0001_a.sql': 'SELECT 1;',
      '0001_b.sql': 'SELECT 1;',
    });
    const twiceError = await failure(applyPluginMigrations({ store, plugin: { name: 'p', path: twice } }));
    expect(twiceError?.message).toMatch(/0001_a and 0001_b/);

    const outside = await failure(
      applyPluginMigrations({ store, plugin: { name: 'p', path: twice, migrations: '../../etc' } }),
    );
    expect(isNocofloError(outside, 'NCF_MIGRATION_INVALID')).toBe(true);
    const missing = await failure(
      applyPluginMigrations({ store, plugin: { name: 'p', path: twice, migrations: 'sql' } }),
    );
    expect(missing?.message).toMatch(/does not exist/);
    expect(await store.appliedMigrations('p')).toEqual([]);
  });
});

describe.skipIf(!hasPostgres)('migrations with several hosts on one PostgreSQL store', () => {
  it('applies each migration once when hosts start together', async () => {
    const dir = await tempDir();
    const schema = uniqueSchema();
    const stores = await Promise.all(
      [1, 2, 3, 4].map(() => openMetadataStore(`${POSTGRES_URL}?schema=${schema}`)),
    );
    try {
      const path = await writePlugin(dir.path, {
        '0001_create.sql': 'CREATE TABLE once_only (id INTEGER PRIMARY KEY);',
        '0002_seed.sql': 'INSERT INTO once_only (id) VALUES (1);',
      });
      const results = await Promise.all(
        stores.map((store) => applyPluginMigrations({ store, plugin: { name: 'p', path } })),
      );
      // Every migration was applied by exactly one host; nobody failed on "table exists"
      // or a duplicate key.
      expect(results.flatMap((r) => r.applied).sort()).toEqual(['0001_create', '0002_seed']);
      expect((await stores[0]!.appliedMigrations('p')).map((m) => m.id)).toEqual([
        '0001_create',
        '0002_seed',
      ]);
    } finally {
      for (const store of stores) await store.close();
      await dropSchema(schema);
      await dir.cleanup();
    }
  });
});
