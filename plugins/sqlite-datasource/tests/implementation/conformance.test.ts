import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDatasourceConformance, fixtureSql } from '@nocoflo/testing';
import Database from 'better-sqlite3';
import { openSqlite } from '../../src/index.js';

// Every check gets a fresh database file, filled through the raw driver, then opened the
// way the host opens it: by URL.
describeDatasourceConformance('sqlite', {
  limits: { decimalDigits: 15 },
  async create(fixture) {
    const file = join(tmpdir(), `ncf-conf-${randomUUID()}.db`);
    const db = new Database(file);
    db.defaultSafeIntegers(true);
    // In one transaction: a commit (and its fsyncs) per statement was most of a check's setup.
    db.transaction(() => {
      for (const statement of fixtureSql(fixture, 'sqlite'))
        db.prepare(statement.sql).run(...statement.params);
    })();
    db.close();
    return {
      datasource: await openSqlite(`sqlite:${file}`),
      cleanup: async () => {
        for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
      },
    };
  },
});
