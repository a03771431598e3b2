// Issue #12, item 3 on PostgreSQL: the pool is small by default (10), never larger than
// what the host can spare (maxConnections), and a saturated pool answers 503
// NCF_DATASOURCE_BUSY (queue full at once, or after connect_timeout) instead of queueing
// without end.
import { isNocofloError } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/index.js';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
  await server.admin.query('CREATE TABLE pool_rows (id integer PRIMARY KEY)');
  await server.admin.query('INSERT INTO pool_rows SELECT g FROM generate_series(1, 50) g');
});
afterAll(async () => {
  await server?.stop();
});

const withQuery = (url: string, query: string) => `${url}${url.includes('?') ? '&' : '?'}${query}`;
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error) => (isNocofloError(error) ? `${error.code} ${error.status}` : String(error)),
  );

describe('PostgreSQL pool limits', () => {
  it('defaults to 10 connections and keeps within the host budget', async () => {
    // The embedded server's URL sets a pool_max of its own: the default is read without it.
    const plain = await openPostgres(server.url.replace(/([?&])pool_max=\d+&?/, '$1').replace(/[?&]$/, ''));
    const capped = await openPostgres(withQuery(server.url, 'pool_max=50'), { maxConnections: 3 });
    try {
      expect(plain.maxConnections).toBe(10);
      expect(capped.maxConnections).toBe(3);
      expect((capped.pool as unknown as { options: { max: number } }).options.max).toBe(3);
    } finally {
      await Promise.all([plain.close(), capped.close()]);
    }
  });

  it('answers 503 NCF_DATASOURCE_BUSY when the pool is saturated, instead of queueing forever', async () => {
    const ds = await openPostgres(withQuery(server.url, 'pool_max=1&pool_queue=1&connect_timeout=1'));
    try {
      // A stream holds the only connection until it ends.
      const iterator = ds.stream('pool_rows', { batchSize: 1 })[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      const waiting = outcome(ds.readPage('pool_rows', { limit: 1 }));
      await new Promise((resolve) => setImmediate(resolve));
      // The queue (1) is full: refused at once.
      expect(await outcome(ds.readPage('pool_rows', { limit: 1 }))).toBe('NCF_DATASOURCE_BUSY 503');
      // The waiting one gives up after connect_timeout with the same answer.
      expect(await waiting).toBe('NCF_DATASOURCE_BUSY 503');
      await iterator.return?.();
      expect(await outcome(ds.readPage('pool_rows', { limit: 1 }))).toBe('ok');
    } finally {
      await ds.close();
    }
  });
});
