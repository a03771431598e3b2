// A store written by the 0.1.0 release (fixtures/release-0.1.0: dumps made by that release's
// own code, see generate.mjs there) opens with today's host on SQLite and PostgreSQL: its
// host migrations run, every plugin keeps its state, config and migration records, and the
// tables its migrations had created in the host's store move into its own namespace with
// their rows. A store that a newer host migrated is refused.
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from '@nocoflo/host';
import { isNocofloError } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
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
const fixture = fileURLToPath(new URL('../fixtures/release-0.1.0/', import.meta.url));

interface Seen {
  config: unknown;
  dialect?: string;
  rows?: Record<string, unknown>[];
}
const seen = () => (globalThis as { __fxSeen?: Record<string, Seen> }).__fxSeen ?? {};

/** The migration records of the fixture, as 0.1.0 wrote them (dates vary by dialect dump). */
const FIXTURE_MIGRATIONS = [
  ['fx-notes', '0001_create', '09dd191ef957a120a1221c23277930eeed928f9a9a2bf1ffb5a231fdf2b71691'],
  ['fx-notes', '0002_seed', 'e6f56bd266d3e846828c330ed1b83b65bf965641a8e808957aa8ddcbd248570c'],
  ['fx-tally', '0001_tally', 'abaac8431111819038d547d11df4afcab35507233fb650c2c95c2058d07c511c'],
];

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
  describe.skipIf(backend.skip)(`upgrading a 0.1.0 store on ${backend.name}`, () => {
    let dir: { path: string; cleanup: () => Promise<void> };
    let url: string;
    let schema: string | undefined;
    let baseUrl = POSTGRES_URL;

    beforeEach(async () => {
      dir = await tempDir();
      cpSync(join(fixture, 'plugins'), join(dir.path, 'plugins'), { recursive: true });
      if (backend.name === 'sqlite') {
        url = join(dir.path, '.nocoflo', 'metadata.db');
        mkdirSync(join(dir.path, '.nocoflo'));
        const db = new Database(url);
        db.exec(readFileSync(join(fixture, 'store.sqlite.sql'), 'utf8'));
        expect(db.pragma('user_version', { simple: true })).toBe(1);
        db.close();
      } else {
        schema = uniqueSchema('ncf_upgrade');
        if (backend.name === 'pglite') {
          pglite ??= startPglite();
          baseUrl = (await pglite).url;
        }
        url = `${baseUrl}?schema=${schema}`;
        const client = new pg.Client({ connectionString: baseUrl });
        await client.connect();
        try {
          await client.query(
            readFileSync(join(fixture, 'store.postgres.sql'), 'utf8').replaceAll('__SCHEMA__', schema),
          );
        } finally {
          await client.end();
        }
      }
      (globalThis as { __fxSeen?: unknown }).__fxSeen = {};
      (globalThis as { __fxQuery?: unknown }).__fxQuery = {
        'fx-notes': 'SELECT id, body FROM notes ORDER BY id',
        'fx-tally': 'SELECT k, n, (SELECT total FROM tally_total) AS total FROM tally ORDER BY k',
      };
    });
    afterEach(async () => {
      if (schema) await dropSchema(schema, baseUrl);
      await dir.cleanup();
    });

    const startHost = async () => {
      const store = await openMetadataStore(url);
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

    /** The host's own store still holds a table of that name. */
    const hostHasTable = async (store: MetadataStore, table: string) => {
      if (backend.dialect === 'sqlite') {
        const db = new Database(store.location, { readonly: true });
        try {
          return db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(table) !== undefined;
        } finally {
          db.close();
        }
      }
      return (
        (
          await selectIn(
            schema!,
            `SELECT 1 FROM pg_tables WHERE schemaname = '${schema}' AND tablename = '${table}'`,
            baseUrl,
          )
        ).length > 0
      );
    };

    it('keeps every plugin state, config, migration record, preference and token, and moves plugin tables into their namespaces', async () => {
      const { host, store } = await startHost();
      try {
        expect(host.list().map((p) => [p.name, p.state])).toEqual([
          ['fx-notes', 'enabled'],
          ['fx-off', 'disabled'],
          ['fx-tally', 'enabled'],
        ]);
        expect(await host.getConfig('fx-notes')).toEqual({ title: 'Notes', limit: 20 });
        expect(await host.getConfig('fx-off')).toEqual({ reason: 'kept off' });
        const states = await store.readPluginStates();
        expect(states.get('fx-off')).toMatchObject({ version: '1.0.0', enabled: false });

        const records = [
          ...(await store.appliedMigrations('fx-notes')),
          ...(await store.appliedMigrations('fx-tally')),
        ];
        expect(records.map((m) => [m.plugin, m.id, m.checksum])).toEqual(FIXTURE_MIGRATIONS);
        expect(records.every((m) => m.location === 'plugin')).toBe(true);
        expect(await store.readViewPreference('sqlite:shop.db#orders')).toBe('chart');
        expect(await store.listApiTokens()).toEqual([
          { id: 'tok-fixture', name: 'ci', permissions: ['fx.read'], createdAt: '2025-01-01T00:00:00.000Z' },
        ]);

        // Each plugin reads its own rows through ctx.database, now in its own namespace.
        expect(seen()['fx-notes']).toEqual({
          config: { title: 'Notes', limit: 20 },
          dialect: backend.dialect,
          rows: [
            { id: 1, body: 'kept across the upgrade' },
            { id: 2, body: 'second note' },
          ],
        });
        expect(seen()['fx-tally']?.rows).toEqual([
          { k: 'a', n: 3, total: backend.dialect === 'sqlite' ? 7 : '7' },
          { k: 'b', n: 4, total: backend.dialect === 'sqlite' ? 7 : '7' },
        ]);
        for (const table of ['notes', 'tally', 'tally_total'])
          expect(await hostHasTable(store, table)).toBe(false);
        for (const table of ['plugin_state', 'plugin_config', 'plugin_migrations', 'api_tokens']) {
          expect(await hostHasTable(store, table)).toBe(true);
        }
        if (backend.dialect === 'postgres') {
          const own = pluginSchema(schema!, 'fx-notes', baseUrl);
          const tables = await selectIn(
            own,
            `SELECT tablename, tableowner FROM pg_tables WHERE schemaname = '${own}'`,
            baseUrl,
          );
          expect(tables).toEqual([{ tablename: 'notes', tableowner: own }]);
        }
      } finally {
        await host.stop();
      }

      // A second start finds everything where the first left it, and moves nothing again.
      (globalThis as { __fxSeen?: unknown }).__fxSeen = {};
      const again = await startHost();
      try {
        expect(again.host.get('fx-notes')?.state).toBe('enabled');
        expect(seen()['fx-notes']?.rows).toHaveLength(2);
        expect(seen()['fx-tally']?.rows).toHaveLength(2);
      } finally {
        await again.host.stop();
      }
    });

    it('refuses a store that a newer host migrated, naming the step it does not know', async () => {
      const first = await openMetadataStore(url);
      await first.close();
      if (backend.dialect === 'sqlite') {
        const db = new Database(url);
        expect(db.pragma('user_version', { simple: true })).toBeGreaterThan(1);
        db.prepare("INSERT INTO host_migrations (name, timestamp) VALUES ('9999_from_the_future', ?)").run(
          new Date().toISOString(),
        );
        db.close();
      } else {
        await selectIn(
          schema!,
          "INSERT INTO host_migrations (name, timestamp) VALUES ('9999_from_the_future', now()::text)",
          baseUrl,
        );
      }
      const error = await openMetadataStore(url).catch((e: unknown) => e);
      expect(isNocofloError(error, 'NCF_METADATA_STORE_FAILED')).toBe(true);
      expect((error as Error).message).toMatch(/newer nocoflo.*9999_from_the_future/);
    });
  });
}
