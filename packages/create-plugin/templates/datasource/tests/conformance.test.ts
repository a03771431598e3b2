import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDatasourceConformance, fixtureSql } from '@nocoflo/testing';
import Database from 'better-sqlite3';
import { datasource, SCHEME } from '../src/index.js';

// The nocoflo datasource conformance suite: introspection, values of every type, keyset
// paging, filters, aggregates, streaming, writes by key, hostile names and values, errors.
// `create` is called before every check with the fixture: make a database holding exactly
// its tables and rows, and open it with your datasource.
describeDatasourceConformance(SCHEME, {
  limits: { decimalDigits: 15 }, // SQLite keeps 15 significant digits of a DECIMAL
  async create(fixture) {
    const file = join(tmpdir(), `${SCHEME}-conformance-${randomUUID()}.db`);
    const db = new Database(file);
    db.defaultSafeIntegers(true);
    for (const statement of fixtureSql(fixture, 'sqlite')) db.prepare(statement.sql).run(...statement.params);
    db.close();
    return {
      datasource: await datasource.open(`${SCHEME}:${file}`, {}),
      cleanup: async () => {
        for (const suffix of ['', '-wal', '-shm']) await rm(`${file}${suffix}`, { force: true });
      },
    };
  },
});
