// Plugin SQL tried as an attacker would, on SQLite and on PostgreSQL: a plugin's migrations
// and its ctx.database queries mint an API token, drop the host's or another plugin's
// tables, erase migration records, change plugin state, reach other files or roles. Each
// attempt is refused, or lands in the plugin's own namespace; the host and the other
// plugins work afterwards, through a restart too.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, createServer, type PluginHost } from '@nocoflo/host';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashTokenSecret as hashSecret } from '../../../src/accounts/index.js';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import {
  dropSchema,
  POSTGRES_URL,
  pluginSchema,
  postgresAvailable,
  selectIn,
  tempDir,
  uniqueSchema,
} from '../helpers.js';

const hasPostgres = await postgresAvailable();
const EVIL_SECRET = 'evil-secret-minted-by-a-migration';
const EVIL_HASH = hashSecret(EVIL_SECRET);

interface Attack {
  /** Plugin name (also its folder). */
  name: string;
  /** The migration file's SQL, given the names an attacker would have to guess. */
  sql: (names: { storeSchema: string; storeFile: string; victimSchema: string }) => string;
  /** `failed` with this code, or `enabled` (the SQL ran, confined to its own namespace). */
  outcome: { state: 'failed'; code: string } | { state: 'enabled' };
  /** Only on this dialect. */
  only?: 'sqlite' | 'postgres';
}

const tokenInsert = (table: string) =>
  `INSERT INTO ${table} (id, name, secret_hash, permissions, created_at) VALUES ('evil', 'evil', '${EVIL_HASH}', '["*"]', '2025-01-01T00:00:00Z');`;

const ATTACKS: Attack[] = [
  {
    name: 'mint-token',
    sql: () => tokenInsert('api_tokens'),
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
  {
    // Its own api_tokens table is allowed: it is not the host's, and no token comes from it.
    name: 'mint-token-own-table',
    sql: () =>
      `CREATE TABLE api_tokens (id TEXT, name TEXT, secret_hash TEXT, permissions TEXT, created_at TEXT);\n${tokenInsert('api_tokens')}`,
    outcome: { state: 'enabled' },
  },
  {
    name: 'drop-host-table',
    sql: () => 'DROP TABLE view_preferences;',
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
  {
    name: 'drop-other-plugin',
    sql: () => 'DROP TABLE victim_data;',
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
  {
    name: 'erase-records',
    sql: () => 'DELETE FROM plugin_migrations;',
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
  {
    name: 'disable-victim',
    sql: () => "UPDATE plugin_state SET enabled = 0 WHERE name = 'victim';",
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
  {
    name: 'commit-escape',
    sql: () => 'CREATE TABLE half (id INTEGER);\nCOMMIT;\nDROP TABLE view_preferences;',
    outcome: { state: 'failed', code: 'NCF_SQL_REFUSED' },
  },
  {
    name: 'attach-store',
    only: 'sqlite',
    sql: ({ storeFile }) =>
      `/* looks harmless */ ATTACH DATABASE '${storeFile}' AS host;\nDELETE FROM host.plugin_migrations;`,
    outcome: { state: 'failed', code: 'NCF_SQL_REFUSED' },
  },
  {
    name: 'vacuum-into',
    only: 'sqlite',
    sql: ({ storeFile }) => `VACUUM INTO '${storeFile}.copy';`,
    outcome: { state: 'failed', code: 'NCF_SQL_REFUSED' },
  },
  {
    name: 'qualified-host',
    only: 'postgres',
    sql: ({ storeSchema }) =>
      `DELETE FROM "${storeSchema}".plugin_migrations;\n${tokenInsert(`"${storeSchema}".api_tokens`)}`,
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
  {
    name: 'qualified-victim',
    only: 'postgres',
    sql: ({ victimSchema }) => `DROP TABLE "${victimSchema}".victim_data;`,
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
  {
    name: 'reset-role',
    only: 'postgres',
    sql: ({ storeSchema }) => `RESET ROLE;\nDROP TABLE "${storeSchema}".view_preferences;`,
    outcome: { state: 'failed', code: 'NCF_SQL_REFUSED' },
  },
  {
    // What the lexical check cannot see: the server itself refuses, the role has nothing to fall back to.
    name: 'role-escape-in-do',
    only: 'postgres',
    sql: ({ storeSchema }) =>
      `DO $x$ BEGIN EXECUTE 'RESET ROLE'; EXECUTE 'DROP TABLE "${storeSchema}".view_preferences'; END $x$;`,
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
  {
    name: 'create-schema',
    only: 'postgres',
    sql: () => 'CREATE SCHEMA stolen; CREATE TABLE stolen.t (id int);',
    outcome: { state: 'failed', code: 'NCF_MIGRATION_FAILED' },
  },
];

// The victim: its own table, a route that needs a permission, and a config.
const VICTIM_BODY = `
  permissions: [{ key: 'victim.read', description: 'read the victim' }],
  async setup(ctx) {
    ctx.registerRoute({ method: 'GET', path: '/secret', permission: 'victim.read', handler: () => ({ body: { secret: 'victim' } }) });
    (globalThis.__hostile ??= {}).victim = (await ctx.database.query('SELECT v FROM victim_data')).rows;
  },`;

// Tries, through ctx.database, what a plugin's code (rather than its migrations) would.
const SNOOP_BODY = `
  async setup(ctx) {
    const attempts = globalThis.__snoopAttempts ?? [];
    const results = {};
    for (const sql of attempts) {
      try {
        results[sql] = { ok: (await ctx.database.query(sql)).rows };
      } catch (error) {
        results[sql] = { error: error.code ?? String(error) };
      }
    }
    (globalThis.__hostile ??= {}).snoop = { results, config: ctx.config };
  },`;

const backends = [
  { name: 'sqlite' as const, skip: false },
  { name: 'postgres' as const, skip: !hasPostgres },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`hostile plugin SQL on ${backend.name}`, () => {
    let dir: { path: string; cleanup: () => Promise<void> };
    let storeUrl: string;
    let storeFile: string;
    let schema = '';
    beforeEach(async () => {
      dir = await tempDir();
      storeFile = join(dir.path, '.nocoflo', 'metadata.db');
      if (backend.name === 'postgres') {
        schema = uniqueSchema('ncf_hostile');
        storeUrl = `${POSTGRES_URL}?schema=${schema}`;
      } else storeUrl = storeFile;
      const plugins = join(dir.path, 'plugins');
      await mkdir(plugins);
      const names = {
        storeSchema: schema,
        storeFile,
        victimSchema: backend.name === 'postgres' ? pluginSchema(schema, 'victim') : '',
      };
      writePluginDir(plugins, 'victim', 'victim', {
        body: VICTIM_BODY,
        files: {
          'migrations/0001_data.sql':
            "CREATE TABLE victim_data (id INTEGER PRIMARY KEY, v TEXT);\nINSERT INTO victim_data VALUES (1, 'safe');",
        },
      });
      for (const attack of ATTACKS) {
        if (attack.only && attack.only !== backend.name) continue;
        writePluginDir(plugins, attack.name, attack.name, {
          // Each attacker starts after the victim, so the victim's namespace exists to aim at.
          manifest: { dependencies: { victim: '*' } },
          files: { 'migrations/0001_attack.sql': attack.sql(names) },
        });
      }
      writePluginDir(plugins, 'snoop', 'snoop', {
        body: SNOOP_BODY,
        manifest: { dependencies: { victim: '*' } },
      });
      const snoopAttempts =
        backend.name === 'sqlite'
          ? [
              'SELECT * FROM plugin_config',
              'SELECT * FROM victim_data',
              `ATTACH DATABASE '${storeFile}' AS h`,
              'SELECT * FROM pragma_database_list',
              'BEGIN',
            ]
          : [
              'SELECT * FROM plugin_config',
              `SELECT * FROM "${schema}".plugin_config`,
              `SELECT * FROM "${names.victimSchema}".victim_data`,
              'SET ROLE postgres',
              'SELECT current_user, session_user',
            ];
      (globalThis as { __snoopAttempts?: string[] }).__snoopAttempts = snoopAttempts;
      (globalThis as { __hostile?: unknown }).__hostile = {};

      // The host's own state before any plugin runs: a preference, a victim config.
      const store = await openMetadataStore(storeUrl);
      await store.writeViewPreference('sqlite:shop.db#orders', 'chart');
      await store.writePluginConfig('victim', { apiKey: 'victim-only' });
      await store.close();
    });
    afterEach(async () => {
      if (schema) await dropSchema(schema);
      await dir.cleanup();
    });

    const start = async (): Promise<{ host: PluginHost; store: MetadataStore }> => {
      const store = await openMetadataStore(storeUrl);
      // The test reads what the plugins saw through globals of their realm: they run trusted (inline).
      const host = await createHost({
        root: dir.path,
        scanNodeModules: false,
        store,
        isolation: { default: 'inline' },
      });
      await host.start();
      return { host, store };
    };
    const hostile = () => (globalThis as { __hostile?: Record<string, unknown> }).__hostile ?? {};

    it('refuses or confines every attack; the host, its store and the other plugins are intact', async () => {
      const { host, store } = await start();
      try {
        for (const attack of ATTACKS) {
          if (attack.only && attack.only !== backend.name) continue;
          const info = host.get(attack.name);
          expect({ attack: attack.name, state: info?.state }).toEqual({
            attack: attack.name,
            state: attack.outcome.state,
          });
          if (attack.outcome.state === 'failed') {
            expect({ attack: attack.name, code: info?.error?.code }).toEqual({
              attack: attack.name,
              code: attack.outcome.code,
            });
            expect(await store.appliedMigrations(attack.name)).toEqual([]);
          }
        }
        // The host's tables and the victim are as they were.
        expect(host.get('victim')?.state).toBe('enabled');
        expect(hostile().victim).toEqual([{ v: 'safe' }]);
        expect(await store.readViewPreference('sqlite:shop.db#orders')).toBe('chart');
        expect((await store.appliedMigrations('victim')).map((m) => m.id)).toEqual(['0001_data']);
        expect((await store.readPluginStates()).get('victim')?.enabled).toBe(true);
        expect(await store.findApiToken(EVIL_HASH)).toBeUndefined();
        expect(await store.listApiTokens()).toEqual([]);

        // The minted token opens nothing; the victim's route still answers its real callers.
        const app = await createServer({ host, datasources: [], adminToken: 'admin-secret', store });
        try {
          const evil = await app.inject({
            method: 'GET',
            url: '/plugins/victim/secret',
            headers: { authorization: `Bearer ${EVIL_SECRET}` },
          });
          expect(evil.statusCode).toBeGreaterThanOrEqual(401);
          expect(evil.statusCode).toBeLessThanOrEqual(403);
          const admin = await app.inject({
            method: 'GET',
            url: '/plugins/victim/secret',
            headers: { authorization: 'Bearer admin-secret' },
          });
          expect(admin.statusCode).toBe(200);
        } finally {
          await app.close();
        }

        // ctx.database reaches neither the host's tables nor the victim's, nor its config.
        const snoop = hostile().snoop as {
          results: Record<string, { ok?: unknown; error?: string }>;
          config: unknown;
        };
        expect(host.get('snoop')?.state).toBe('enabled');
        expect(snoop.config).toEqual({});
        const results = snoop.results;
        if (backend.name === 'sqlite') {
          expect(results['SELECT * FROM plugin_config']?.error).toBe('NCF_DATASOURCE_ERROR');
          expect(results['SELECT * FROM victim_data']?.error).toBe('NCF_DATASOURCE_ERROR');
          expect(results[`ATTACH DATABASE '${storeFile}' AS h`]?.error).toBe('NCF_SQL_REFUSED');
          expect(results.BEGIN?.error).toBe('NCF_SQL_REFUSED');
          const databases = results['SELECT * FROM pragma_database_list']?.ok as { file: string }[];
          expect(databases.map((d) => d.file)).toEqual([
            join(dir.path, '.nocoflo', 'plugins', 'snoop', 'data.sqlite'),
          ]);
        } else {
          expect(results['SELECT * FROM plugin_config']?.error).toBe('NCF_DATASOURCE_ERROR');
          expect(results[`SELECT * FROM "${schema}".plugin_config`]?.error).toBe('NCF_DATASOURCE_ERROR');
          expect(results[`SELECT * FROM "${pluginSchema(schema, 'victim')}".victim_data`]?.error).toBe(
            'NCF_DATASOURCE_ERROR',
          );
          expect(results['SET ROLE postgres']?.error).toBe('NCF_SQL_REFUSED');
          const own = pluginSchema(schema, 'snoop');
          expect(results['SELECT current_user, session_user']?.ok).toEqual([
            { current_user: own, session_user: own },
          ]);
        }

        // Confined, not refused: the attacker's own api_tokens table is in its own namespace.
        if (backend.name === 'postgres') {
          const own = pluginSchema(schema, 'mint-token-own-table');
          expect(await selectIn(own, 'SELECT id FROM api_tokens')).toEqual([{ id: 'evil' }]);
          expect(
            await selectIn(schema, "SELECT count(*)::int AS n FROM api_tokens WHERE id = 'evil'"),
          ).toEqual([{ n: 0 }]);
        } else {
          const own = new Database(
            join(dir.path, '.nocoflo', 'plugins', 'mint-token-own-table', 'data.sqlite'),
            {
              readonly: true,
            },
          );
          expect(own.prepare('SELECT id FROM api_tokens').all()).toEqual([{ id: 'evil' }]);
          own.close();
        }
      } finally {
        await host.stop();
      }

      // After a restart, nothing an attacker tried has taken effect.
      (globalThis as { __hostile?: unknown }).__hostile = {};
      const again = await start();
      try {
        expect(again.host.get('victim')?.state).toBe('enabled');
        expect(hostile().victim).toEqual([{ v: 'safe' }]);
        expect(await again.store.readViewPreference('sqlite:shop.db#orders')).toBe('chart');
      } finally {
        await again.host.stop();
      }
    });
  });
}
