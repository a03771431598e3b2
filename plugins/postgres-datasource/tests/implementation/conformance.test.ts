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
    // Schema, tables and rows in one transaction on one connection: a commit (a WAL flush)
    // per statement was most of a check's setup.
    const client = await server.admin.connect();
    try {
      await client.query('BEGIN');
      await client.query(`CREATE SCHEMA "${schema}"`);
      for (const statement of fixtureSql(fixture, 'postgres', { schema })) {
        await client.query(statement.sql, [...statement.params]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
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
