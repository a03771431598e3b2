import { randomUUID } from 'node:crypto';
import { describeDatasourceConformance, fixtureSql } from '@nocoflo/testing';
import { afterAll, beforeAll } from 'vitest';
import { openPostgres } from '../../src/index.js';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  await server?.stop();
});

// One schema per check, filled through the raw driver; the datasource names those tables
// `schema.table` (only `public` tables go unqualified).
describeDatasourceConformance('postgres', {
  async create(fixture) {
    const schema = `ncf_conf_${randomUUID().replaceAll('-', '')}`;
    await server.admin.query(`CREATE SCHEMA "${schema}"`);
    for (const statement of fixtureSql(fixture, 'postgres', { schema })) {
      await server.admin.query(statement.sql, [...statement.params]);
    }
    return {
      datasource: await openPostgres(server.url),
      tableName: (table) => `${schema}.${table}`,
      cleanup: async () => {
        await server.admin.query(`DROP SCHEMA "${schema}" CASCADE`);
      },
    };
  },
});
