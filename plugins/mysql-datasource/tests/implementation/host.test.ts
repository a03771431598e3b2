import { createTestHost } from '@nocoflo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import { createTestDatabase, mysqlAvailability, type TestDatabase } from '../fixtures/mysql-server.js';

const server = await mysqlAvailability();

describe.skipIf(!server.url)('in a host', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(server.url ?? '', 'ncf_host');
    await db.admin.query('CREATE TABLE greeting (id int PRIMARY KEY, "text" varchar(20))');
    await db.admin.query("INSERT INTO greeting VALUES (1, 'hello 🙂')");
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('the default export registers the mysql datasource for mysql: and mariadb: URLs', async () => {
    const host = await createTestHost({ plugins: [{ name: '@nocoflo/mysql-datasource', plugin }] });
    try {
      expect(host.get('@nocoflo/mysql-datasource')?.state).toBe('enabled');
      for (const url of [db.url, db.url.replace(/^mysql:/, 'mariadb:')]) {
        const ds = await host.datasources.open(url);
        expect((await ds.readPage('greeting')).rows).toEqual([{ id: 1, text: 'hello 🙂' }]);
        await ds.close();
      }
    } finally {
      await host.stop();
    }
  });

  it('opened read-only, it refuses writes and the server would too', async () => {
    const host = await createTestHost({ plugins: [{ name: '@nocoflo/mysql-datasource', plugin }] });
    try {
      const ds = await host.datasources.open(`${db.url}?readonly=true`);
      expect(ds.capabilities.write).toBe(false);
      expect((await ds.describeTable('greeting')).writable).toBe(false);
      await expect(ds.insert('greeting', { id: 2, text: 'x' })).rejects.toMatchObject({
        code: 'NCF_READ_ONLY',
      });
      await ds.close();
    } finally {
      await host.stop();
    }
  });
});
