import { createTestHost } from '@nocoflo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
  await server.admin.query(
    "CREATE TABLE greeting (id int PRIMARY KEY, text text); INSERT INTO greeting VALUES (1, 'hello')",
  );
});
afterAll(async () => {
  await server?.stop();
});

describe('in a host', () => {
  it('the default export registers the postgres datasource for postgres: and postgresql: URLs', async () => {
    const host = await createTestHost({ plugins: [{ name: '@nocoflo/postgres-datasource', plugin }] });
    try {
      expect(host.get('@nocoflo/postgres-datasource')?.state).toBe('enabled');
      for (const url of [server.url, server.url.replace(/^postgres:/, 'postgresql:')]) {
        const ds = await host.datasources.open(url);
        expect((await ds.readPage('greeting')).rows).toEqual([{ id: 1, text: 'hello' }]);
        await ds.close();
      }
    } finally {
      await host.stop();
    }
  });
});
