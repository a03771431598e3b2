/**
 * At the `process` level the plugin's child reads only its own folder and its dependencies,
 * reached through pnpm's symlinks: pg is imported on the first open, by the plugin and by
 * pg-cursor, whose folder holds the `pg` link beside `pg-cursor` itself (Node 20's permission
 * model refused that link's exact grant, so the first open failed).
 */
import { createTestHost } from '@nocoflo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

const pluginFolder = new URL('../..', import.meta.url).pathname;

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
  await server.admin.query(
    "CREATE TABLE greeting (id int PRIMARY KEY, text text); INSERT INTO greeting VALUES (1, 'hello'), (2, 'world')",
  );
});
afterAll(async () => {
  await server?.stop();
});

describe('at the process level', () => {
  it('opens the database in its own process and reads rows', async () => {
    // createTestHost's 2 s callback deadline (which also bounds a datasource's open) is for
    // catching hangs on a quiet machine: a child process starting, loading its driver and
    // connecting took longer at load ~45 ("no answer within 2000 ms"). Only a hang reaches this one.
    const host = await createTestHost({
      plugins: [pluginFolder],
      isolation: 'process',
      callbackTimeoutMs: 120_000,
    });
    try {
      expect(host.get('@nocoflo/postgres-datasource')).toMatchObject({
        state: 'enabled',
        runtime: { isolation: 'process' },
      });
      const ds = await host.datasources.open(server.url);
      try {
        const page = await ds.readPage('greeting', { sort: [{ column: 'id', direction: 'asc' }] });
        expect(page.rows).toEqual([
          { id: 1, text: 'hello' },
          { id: 2, text: 'world' },
        ]);
        // A server-side cursor stream (pg-cursor) crosses too.
        const streamed: unknown[] = [];
        for await (const row of ds.stream('greeting')) streamed.push(row);
        expect(streamed).toHaveLength(2);
      } finally {
        await ds.close();
      }
    } finally {
      await host.stop();
    }
  });
});
