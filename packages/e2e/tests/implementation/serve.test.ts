import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedKeys, readRow, snapshot } from '../fixtures/database.js';
import {
  ADMIN_TOKEN,
  type RunningServer,
  readAudit,
  seedDemoDatabase,
  startServer,
} from '../fixtures/serve.js';

let server: RunningServer;
beforeAll(async () => {
  // A first run: this server generates the demo database (the other servers of the e2e run
  // start on a copy of one that a first run made, fixtures/global-setup.ts).
  server = await startServer({ firstRun: true });
});
afterAll(async () => {
  await server?.stop();
});

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${server.url}${path}`, {
    method,
    // Scripts use the operator's admin token; browsers sign in (see the browser tests).
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
};
const orders = '/api/datasources/demo/tables/orders/rows';
const lines = '/api/datasources/demo/tables/order_lines/rows';

describe('nocoflo serve on the demo data', () => {
  it('creates the demo database and serves its tables', async () => {
    expect(server.output()).toMatch(/Created the demo database \S+ \(\d{2,3},\d{3} order lines\)/);
    const { body } = await api('GET', '/api/datasources/demo/tables');
    expect(body.tables.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['customers', 'order_lines', 'orders', 'products']),
    );
    const count = readRow(server.demoDb, 'SELECT count(*) AS n FROM order_lines');
    expect(Number(count?.n)).toBeGreaterThan(95_000);
  });

  it('pages with keyset cursors, sorted', async () => {
    const first = await api('GET', `${orders}?limit=3&sort=ordered_at:desc`);
    const second = await api(
      'GET',
      `${orders}?limit=3&sort=ordered_at:desc&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    const times = [...first.body.rows, ...second.body.rows].map((r: { ordered_at: string }) => r.ordered_at);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set([...first.body.rows, ...second.body.rows].map((r: { id: number }) => r.id)).size).toBe(6);
  });

  it('changes exactly one row for an edit', async () => {
    const before = snapshot(server.demoDb, 'orders', ['id']);
    const { status, body } = await api('PATCH', orders, {
      key: { id: 42 },
      changes: { gift_message: 'e2e was here' },
    });
    expect(status).toBe(200);
    expect(body.row).toMatchObject({ id: 42, gift_message: 'e2e was here' });
    const after = snapshot(server.demoDb, 'orders', ['id']);
    expect(changedKeys(before, after)).toEqual(['[42]']);
    expect(JSON.parse(after.get('[42]')!)).toEqual({
      ...JSON.parse(before.get('[42]')!),
      gift_message: 'e2e was here',
    });
  });

  it('changes exactly one row by a composite key', async () => {
    const before = snapshot(server.demoDb, 'order_lines', ['order_id', 'line_no']);
    const key = JSON.parse([...before.keys()][10]!) as [number, number];
    const { status } = await api('PATCH', lines, {
      key: { order_id: key[0], line_no: key[1] },
      changes: { quantity: '9' },
    });
    expect(status).toBe(200);
    const after = snapshot(server.demoDb, 'order_lines', ['order_id', 'line_no']);
    expect(changedKeys(before, after)).toEqual([JSON.stringify(key)]);
    expect(JSON.parse(after.get(JSON.stringify(key))!).quantity).toBe(9);
  });

  it.each([
    ['a wrong type', { key: { id: 7 }, changes: { customer_id: 'abc' } }, 400, 'NCF_INVALID_VALUE'],
    ['an unknown column', { key: { id: 7 }, changes: { colour: 'red' } }, 400, 'NCF_COLUMN_NOT_FOUND'],
    ['a stale key', { key: { id: 99_999_999 }, changes: { status: 'shipped' } }, 404, 'NCF_ROW_NOT_FOUND'],
    [
      'a value the database refuses',
      { key: { id: 7 }, changes: { status: 'lost' } },
      409,
      'NCF_CONSTRAINT_VIOLATION',
    ],
  ])('refuses %s, says why and changes nothing', async (_what, body, status, code) => {
    const before = snapshot(server.demoDb, 'orders', ['id']);
    const response = await api('PATCH', orders, body);
    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({
      code,
      message: expect.any(String),
      hint: expect.any(String),
    });
    expect(changedKeys(before, snapshot(server.demoDb, 'orders', ['id']))).toEqual([]);
  });

  it('shows a veto plugin’s reason and changes nothing', async () => {
    const before = snapshot(server.demoDb, 'products', ['id']);
    const response = await api('PATCH', '/api/datasources/demo/tables/products/rows', {
      key: { id: 1 },
      changes: { price: '1.00' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('NCF_WRITE_VETOED');
    expect(response.body.error.message).toContain('the price list is frozen until the stock-take');
    expect(changedKeys(before, snapshot(server.demoDb, 'products', ['id']))).toEqual([]);
  });

  it('lets an audit plugin record every write', async () => {
    const created = await api('POST', orders, {
      values: {
        customer_id: 1,
        ordered_at: '2025-01-02 10:00:00',
        status: 'processing',
        shipping_country: 'Germany',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.row.id;
    expect((await api('DELETE', orders, { key: { id } })).status).toBe(204);
    const audit = readAudit(server.dataDir);
    expect(audit.map((a) => [a.operation, a.table, a.error ?? null])).toEqual(
      expect.arrayContaining([
        ['update', 'orders', null],
        ['update', 'products', 'NCF_WRITE_VETOED'],
        ['insert', 'orders', null],
        ['delete', 'orders', null],
      ]),
    );
    expect(audit.at(-1)).toMatchObject({ operation: 'delete', key: { id } });
  });

  it('remembers the view chosen for a table across restarts, and keeps edits of the demo data', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ncf-e2e-keep-'));
    seedDemoDatabase(dataDir);
    try {
      const first = await startServer({ dataDir });
      const page = async (server: RunningServer, path: string) =>
        (await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } })).text();
      const current = (html: string) => /<div class="ncf-view" data-view="([^"]+)">/.exec(html)?.[1];
      expect(current(await page(first, '/d/demo/t/products?view=chart'))).toBe('chart');
      await fetch(`${first.url}/api/datasources/demo/tables/customers/rows`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ key: { id: 1 }, changes: { city: 'Kept City' } }),
      });
      expect(await first.stop()).toBe(0);
      const second = await startServer({ dataDir });
      expect(second.output()).not.toContain('Created the demo database');
      expect(current(await page(second, '/d/demo/t/products'))).toBe('chart');
      expect(current(await page(second, '/d/demo/t/customers'))).toBe('table');
      expect(readRow(second.demoDb, 'SELECT city FROM customers WHERE id = 1')?.city).toBe('Kept City');
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    const local = await startServer();
    expect(await local.stop()).toBe(0);
    expect(local.output()).toContain('SIGTERM: stopping');
  });
});
