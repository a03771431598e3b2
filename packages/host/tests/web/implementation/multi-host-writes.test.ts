/**
 * No lost update across hosts: two hosts (each its own plugin workers, datasource pool and
 * per-row queue) serve one SQLite file, one PostgreSQL and one MySQL / MariaDB database through the workspace's
 * datasources, as several `nocoflo serve` behind a load balancer would. Two edits of the
 * same version: one succeeds, the other answers 409 with the current row. Clients
 * incrementing one counter through both hosts, retrying on 409: no increment is lost. The
 * audit trail's "before" of each write is the value it replaced. PostgreSQL runs in a
 * database of the test's own on the server in NOCOFLO_PG_URL, MySQL / MariaDB in one on the
 * server in NOCOFLO_MYSQL_URL; each is skipped (saying so) without its server.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../../src/create-host.js';
import { createServer } from '../../../src/server/index.js';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import type { PluginHost } from '../../../src/types.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const TOKEN = 'multi-host-admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const pgUrl = process.env.NOCOFLO_PG_URL;
if (!pgUrl) console.warn('multi-host writes: the PostgreSQL part is skipped (set NOCOFLO_PG_URL to run it)');
const mysqlUrl = process.env.NOCOFLO_MYSQL_URL;
if (!mysqlUrl)
  console.warn('multi-host writes: the MySQL / MariaDB part is skipped (set NOCOFLO_MYSQL_URL to run it)');

/** What the test uses of mysql2 (typed here: the host does not depend on it). */
interface MysqlConnection {
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

/** mysql2, as the workspace's MySQL datasource plugin depends on it (the host itself does not). */
function mysqlDriver(): { createConnection(url: string): Promise<MysqlConnection> } {
  return createRequire(join(REPO_ROOT, 'plugins/mysql-datasource/package.json'))('mysql2/promise');
}

interface Served {
  host: PluginHost;
  store: MetadataStore;
  app: FastifyInstance;
}

let work: string;
const urls: string[] = [];
const served: Served[] = [];
let pgDatabase: string | undefined;
let dropPg: (() => Promise<void>) | undefined;
let mysqlDatabase: string | undefined;
let dropMysql: (() => Promise<void>) | undefined;

/** The counters table: one row per test, so the tests do not share a counter. */
const COUNTERS = 'CREATE TABLE counters (id integer PRIMARY KEY, n integer NOT NULL, note text)';

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ncf-multi-host-'));
  const file = join(work, 'counters.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(COUNTERS);
  db.exec("INSERT INTO counters VALUES (1, 10, 'a'), (2, 0, 'b'), (3, 5, 'c')");
  db.close();
  urls.push(`sqlite:${file}`);

  if (pgUrl) {
    pgDatabase = `ncf_multi_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${pgDatabase}"`);
    await admin.end();
    const url = new URL(pgUrl);
    url.pathname = `/${pgDatabase}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    await client.query(COUNTERS);
    await client.query("INSERT INTO counters VALUES (1, 10, 'a'), (2, 0, 'b'), (3, 5, 'c')");
    await client.end();
    urls.push(url.toString());
    dropPg = async () => {
      const cleanup = new pg.Client({ connectionString: pgUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${pgDatabase}" WITH (FORCE)`);
      await cleanup.end();
    };
  }

  if (mysqlUrl) {
    mysqlDatabase = `ncf_multi_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const mysql = mysqlDriver();
    const admin = await mysql.createConnection(mysqlUrl);
    await admin.query(`CREATE DATABASE \`${mysqlDatabase}\``);
    await admin.query(`USE \`${mysqlDatabase}\``);
    await admin.query(
      COUNTERS.replace('integer PRIMARY KEY', 'int PRIMARY KEY').replace('integer NOT', 'int NOT'),
    );
    await admin.query("INSERT INTO counters VALUES (1, 10, 'a'), (2, 0, 'b'), (3, 5, 'c')");
    await admin.end();
    const url = new URL(mysqlUrl);
    url.pathname = `/${mysqlDatabase}`;
    urls.push(url.toString());
    dropMysql = async () => {
      const cleanup = await mysqlDriver().createConnection(mysqlUrl);
      await cleanup.query(`DROP DATABASE IF EXISTS \`${mysqlDatabase}\``);
      await cleanup.end();
    };
  }

  for (const name of ['first', 'second']) {
    const host = await createHost({
      root: REPO_ROOT,
      pluginDirs: ['plugins'],
      scanNodeModules: false,
      dataDir: join(work, name),
    });
    await host.start();
    const store = await openMetadataStore(':memory:');
    const app = await createServer({ host, datasources: urls, adminToken: TOKEN, store });
    served.push({ host, store, app });
  }
});

afterAll(async () => {
  for (const { app, store, host } of served) {
    await app.close();
    await store.close();
    await host.stop();
  }
  await dropPg?.();
  await dropMysql?.();
  rmSync(work, { recursive: true, force: true });
});

function describeBackend(name: string, ds: () => string, run: boolean) {
  describe.skipIf(!run)(`two hosts writing one row of ${name}`, () => {
    const rows = () => `/api/datasources/${ds()}/tables/counters/rows`;

    /** The row with `id` as one host reads it, with its version. */
    async function read(app: FastifyInstance, id: number): Promise<{ n: number; version: string }> {
      const filter = encodeURIComponent(JSON.stringify([{ column: 'id', op: 'eq', value: id }]));
      const response = await app.inject({ url: `${rows()}?filter=${filter}`, headers: auth });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as { rows: { id: number; n: number }[]; versions: string[] };
      const index = page.rows.findIndex((row) => row.id === id);
      expect(index).toBeGreaterThanOrEqual(0);
      return { n: page.rows[index]!.n, version: page.versions[index]! };
    }

    const patch = (app: FastifyInstance, id: number, changes: Record<string, unknown>, version?: string) =>
      app.inject({
        method: 'PATCH',
        url: rows(),
        headers: auth,
        payload: { key: { id }, changes, ...(version ? { version } : {}) },
      });

    it('lets one of two edits of the same version through; the other gets 409 with the row now', async () => {
      const [a, b] = served.map((s) => s.app) as [FastifyInstance, FastifyInstance];
      const seenA = await read(a, 1);
      const seenB = await read(b, 1);
      expect(seenA).toEqual(seenB);
      const answers = await Promise.all([
        patch(a, 1, { n: seenA.n + 1 }, seenA.version),
        patch(b, 1, { n: seenB.n + 1 }, seenB.version),
      ]);
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses, answers.map((answer) => answer.body).join('\n')).toEqual([200, 409]);
      const refused = answers.find((answer) => answer.statusCode === 409)!.json().error;
      expect(refused.code).toBe('NCF_ROW_CHANGED');
      expect(refused.details.current).toMatchObject({ id: 1, n: seenA.n + 1 });
      expect((await read(a, 1)).n).toBe(seenA.n + 1);
    });

    it('loses no increment from clients on both hosts retrying on 409', async () => {
      const start = (await read(served[0]!.app, 2)).n;
      const perClient = 4;
      const clients = served.flatMap(({ app }) => [app, app, app]);
      const conflicts: number[] = [];
      await Promise.all(
        clients.map(async (app) => {
          for (let done = 0; done < perClient; ) {
            const seen = await read(app, 2);
            const answer = await patch(app, 2, { n: seen.n + 1 }, seen.version);
            if (answer.statusCode === 200) done++;
            else if (answer.statusCode === 409) conflicts.push(1);
            else throw new Error(`PATCH answered ${answer.statusCode}: ${answer.body}`);
          }
        }),
      );
      expect((await read(served[1]!.app, 2)).n).toBe(start + clients.length * perClient);
    });

    it('writes without a version on the row as it is, each audit "before" being what it replaced', async () => {
      // Each client sets its own note; both hosts write concurrently, with no version sent.
      const writes = served.flatMap(({ app }, h) =>
        [0, 1, 2].map((i) => patch(app, 3, { note: `host ${h} write ${i}` })),
      );
      const answers = await Promise.all(writes);
      for (const answer of answers) expect(answer.statusCode, answer.body).toBe(200);
      // Every entry's "before" is a note that was really there: the start, or another write's "after".
      const entries = (
        await Promise.all(
          served.map(({ store }) => store.accounts().listAudit({ action: 'row.update', table: 'counters' })),
        )
      )
        .flat()
        .filter((entry) => entry.datasource === ds() && (entry.key as { id: number }).id === 3);
      expect(entries).toHaveLength(answers.length);
      const afters = new Set(entries.map((entry) => (entry.after as { note: string }).note));
      const befores = entries.map((entry) => (entry.before as { note: string }).note);
      // One chain: the start once, every write's value once as the next one's "before" but the last.
      expect(befores.filter((note) => note === 'c')).toHaveLength(1);
      expect(new Set(befores).size).toBe(befores.length);
      for (const note of befores) if (note !== 'c') expect(afters.has(note)).toBe(true);
    });
  });
}

describeBackend('SQLite (one file)', () => 'counters', true);
describeBackend('PostgreSQL (one database)', () => pgDatabase ?? '', Boolean(pgUrl));
describeBackend('MySQL / MariaDB (one database)', () => mysqlDatabase ?? '', Boolean(mysqlUrl));
