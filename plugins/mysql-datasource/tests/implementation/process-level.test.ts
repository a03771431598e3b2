/**
 * At the `process` level the plugin's child reads only its own folder and its dependencies,
 * reached through pnpm's symlinks (mysql2 and what it requires on the first connection).
 */
import { createTestHost } from '@nocoflo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mysqlAvailability, type TestDatabase } from '../fixtures/mysql-server.js';

const server = await mysqlAvailability();
const pluginFolder = new URL('../..', import.meta.url).pathname;

describe.skipIf(!server.url)('at the process level', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(server.url ?? '', 'ncf_proc');
    await db.admin.query('CREATE TABLE greeting (id int PRIMARY KEY, "text" varchar(20))');
    await db.admin.query("INSERT INTO greeting VALUES (1, 'hello'), (2, 'world')");
  });
  afterAll(async () => {
    await db?.drop();
  });

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
      expect(host.get('@nocoflo/mysql-datasource')).toMatchObject({
        state: 'enabled',
        runtime: { isolation: 'process' },
      });
      const ds = await host.datasources.open(db.url);
      try {
        expect((await ds.readPage('greeting', { sort: [{ column: 'id', direction: 'asc' }] })).rows).toEqual([
          { id: 1, text: 'hello' },
          { id: 2, text: 'world' },
        ]);
      } finally {
        await ds.close();
      }
    } finally {
      await host.stop();
    }
  });
});
