// Shared test helpers for the operations tests: temp folders, PostgreSQL schemas.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pluginNamespaceName } from '../../src/store/index.js';

/**
 * PostgreSQL URL for the metadata-store tests: `NOCOFLO_PG_URL` (set by `.ci/run`), else a
 * server on the default local port. These tests need a real server: hosts following each
 * other use LISTEN/NOTIFY between separate sessions, which the embedded PGlite (a single
 * session) cannot provide.
 */
export const POSTGRES_URL = process.env.NOCOFLO_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether PostgreSQL answers. Without one the tests needing it skip, saying so, except under
 * `CI=true`, where a missing server is a failure rather than a silent skip.
 */
export async function postgresAvailable(): Promise<boolean> {
  const reachable = await probePostgres();
  if (!reachable) {
    const message = `PostgreSQL is not reachable at ${POSTGRES_URL}: set NOCOFLO_PG_URL to a server to run the metadata-store tests on PostgreSQL.`;
    if (process.env.CI === 'true') throw new Error(message);
    console.warn(`skipping: ${message}`);
  }
  return reachable;
}

async function probePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh schema name; drop it with {@link dropSchema}. */
export function uniqueSchema(prefix = 'ncf_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/**
 * Drops a test store schema and everything in it, with the plugin namespaces (schemas and
 * roles, which are server-wide) that the store created.
 */
export async function dropSchema(schema: string, baseUrl = POSTGRES_URL): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    const namespaces = await client
      .query<{ name: string }>(
        `SELECT name FROM "${schema}".plugin_namespaces WHERE kind = 'postgres-schema'`,
      )
      .then(
        (result) => result.rows.map((row) => row.name),
        () => [] as string[],
      );
    for (const name of namespaces) {
      await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await client.query(
        `DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${name}') THEN EXECUTE 'DROP OWNED BY "${name}" CASCADE'; EXECUTE 'DROP ROLE "${name}"'; END IF; END $$`,
      );
    }
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A fresh temp folder; removed by the returned cleanup. */
export async function tempDir(
  prefix = 'nocoflo-ops-',
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Resolves when `predicate` holds, checking every 20 ms, or rejects after `ms` (generous by default: it only ends a wait for something that never comes, on however busy a machine). */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The schema (and role) a PostgreSQL store in `schema` gives `plugin`, on the test database. */
export function pluginSchema(schema: string, plugin: string, baseUrl = POSTGRES_URL): string {
  return pluginNamespaceName(decodeURIComponent(new URL(baseUrl).pathname.slice(1)), schema, plugin);
}

/** Rows of a query on the test database with `search_path` set to `schema`. */
export async function selectIn(
  schema: string,
  sql: string,
  baseUrl = POSTGRES_URL,
): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    // A statement, not a startup option: PGlite's socket server ignores those.
    await client.query(`SET search_path TO "${schema}"`);
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * An embedded PostgreSQL (PGlite) served over TCP by pglite-socket, for running the store
 * tests without a server. PGlite is one session: the server queues its clients' messages
 * into it, so plugin roles cannot log in (the store falls back to SET LOCAL ROLE, and warns)
 * and LISTEN/NOTIFY between hosts does not work; the tests that need those use a real server.
 */
export async function startPglite(): Promise<{ url: string; stop: () => Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
