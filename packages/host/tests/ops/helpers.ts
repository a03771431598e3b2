// Shared test helpers for the operations tests: temp folders, PostgreSQL schemas.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

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

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
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

/** Resolves when `predicate` holds, checking every 20 ms, or rejects after `ms`. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
