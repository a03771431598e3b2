import { describeDatasourceConformance, fixtureSql } from '@nocoflo/testing';
import { describe } from 'vitest';
import { openMysql } from '../../src/index.js';
import { createTestDatabase, mysqlAvailability } from '../fixtures/mysql-server.js';

const server = await mysqlAvailability();

// A database per check, filled through the raw driver. Without a server the file skips, and
// says how to run it (see mysql-server.ts; with CI set it fails instead).
describe.skipIf(!server.url)('mysql', () => {
  const serverUrl = server.url ?? '';
  describeDatasourceConformance('mysql', {
    async create(fixture) {
      const db = await createTestDatabase(serverUrl, 'ncf_conf');
      try {
        // MariaDB keeps 38 decimals (MySQL 30): the suite's smallest decimal needs 33.
        const types = db.mariadb ? { decimal: 'DECIMAL(65,38)' } : {};
        // The rows in one transaction on one connection: a commit (a log flush) per INSERT
        // was most of a check's setup. (CREATE TABLE commits by itself; the tables come first.)
        const connection = await db.admin.getConnection();
        try {
          let inTransaction = false;
          for (const statement of fixtureSql(fixture, 'mysql', { types })) {
            if (!inTransaction && statement.sql.startsWith('INSERT')) {
              await connection.query('START TRANSACTION');
              inTransaction = true;
            }
            await connection.execute(statement.sql, [...statement.params] as never[]);
          }
          if (inTransaction) await connection.query('COMMIT');
        } finally {
          connection.release();
        }
        return { datasource: await openMysql(db.url), cleanup: () => db.drop() };
      } catch (error) {
        await db.drop();
        throw error;
      }
    },
  });
});
