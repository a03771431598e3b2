import { createTestHost } from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/index.js';
import { tempFolder } from '../fixtures/temp-db.js';

describe('in a host', () => {
  it('the default export registers the sqlite datasource, opened by URL scheme relative to the host root', async () => {
    const temp = tempFolder();
    temp.createDb('app.db', "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')");
    const host = await createTestHost({
      plugins: [{ name: '@nocoflo/sqlite-datasource', plugin }],
      root: temp.dir,
    });
    try {
      expect(host.get('@nocoflo/sqlite-datasource')?.state).toBe('enabled');
      for (const url of ['sqlite:./app.db', 'sqlite3:app.db']) {
        const ds = await host.datasources.open(url);
        expect((await ds.readPage('t')).rows).toEqual([{ id: 1, v: 'a' }]);
        await ds.close();
      }
    } finally {
      await host.stop();
      temp.cleanup();
    }
  });
});
