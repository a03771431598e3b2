// Issue #12, item 6: a migration cannot end the transaction it runs in. Transaction control
// hidden behind a table or column named `begin` (which made the SQL check think a trigger
// body had started) or behind `END` is refused on SQLite and PostgreSQL, naming the file
// and the statement, and nothing of the file is left behind.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost } from '@nocoflo/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../../src/store/index.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, tempDir, uniqueSchema } from '../helpers.js';

const hasPostgres = await postgresAvailable();

const ESCAPES = [
  {
    name: 'begin-table',
    sql: 'CREATE TABLE begin (id INTEGER);\nCREATE TABLE half (id INTEGER);\nCOMMIT;\nDROP TABLE nothing_here;',
    statement: /COMMIT.*line 3/,
  },
  {
    name: 'begin-column',
    sql: 'CREATE TABLE t (begin INTEGER);\nCREATE TABLE half (id INTEGER);\nEND;\nDROP TABLE nothing_here;',
    statement: /END.*line 3/,
  },
];

for (const backend of [
  { name: 'sqlite' as const, skip: false },
  { name: 'postgres' as const, skip: !hasPostgres },
]) {
  describe.skipIf(backend.skip)(`a migration cannot end its transaction (${backend.name})`, () => {
    let dir: { path: string; cleanup: () => Promise<void> };
    let storeUrl: string;
    let schema = '';
    beforeEach(async () => {
      dir = await tempDir();
      if (backend.name === 'postgres') {
        schema = uniqueSchema('ncf_txn');
        storeUrl = `${POSTGRES_URL}?schema=${schema}`;
      } else storeUrl = join(dir.path, '.nocoflo', 'metadata.db');
      await mkdir(join(dir.path, 'plugins'));
    });
    afterEach(async () => {
      if (schema) await dropSchema(schema);
      await dir.cleanup();
    });

    it.each(ESCAPES)(
      'refuses $name with NCF_SQL_REFUSED naming the file and statement; nothing is left',
      async (attempt) => {
        const folder = writePluginDir(join(dir.path, 'plugins'), attempt.name, attempt.name, {
          files: { 'migrations/0001_attempt.sql': attempt.sql },
        });
        const start = async () => {
          const store = await openMetadataStore(storeUrl);
          const host = await createHost({ root: dir.path, scanNodeModules: false, store });
          await host.start();
          return host;
        };
        let host = await start();
        const info = host.get(attempt.name);
        expect(info?.state).toBe('failed');
        expect(info?.error?.code).toBe('NCF_SQL_REFUSED');
        expect(info?.error?.message).toContain('migrations/0001_attempt.sql');
        expect(info?.error?.message).toMatch(/transaction control/);
        expect(info?.error?.message).toMatch(attempt.statement);
        await host.stop();

        // Had any statement of the file run, `half` would exist and this clean migration would fail.
        await rm(join(folder, 'migrations', '0001_attempt.sql'));
        await writeFile(join(folder, 'migrations', '0001_clean.sql'), 'CREATE TABLE half (id INTEGER);');
        host = await start();
        expect(host.get(attempt.name)?.error).toBeUndefined();
        expect(host.get(attempt.name)?.state).toBe('enabled');
        await host.stop();
      },
    );
  });
}
