import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

let web: WebHost;
beforeEach(async () => {
  web = await startWebHost();
});
afterEach(async () => {
  await web.close();
});

const rows = '/api/datasources/main/tables/items/rows';
const lines = '/api/datasources/main/tables/lines/rows';
// Called as the operator's admin token (an admin actor); access per role is in access.test.ts.
const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  web.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('data API: reading', () => {
  it('lists datasources, tables and a table schema with the views that can show it', async () => {
    expect((await call('GET', '/api/datasources')).json()).toEqual({
      datasources: [{ id: 'main', url: 'shop://local/main' }],
    });
    const tables = (await call('GET', '/api/datasources/main/tables')).json();
    expect(tables.tables.map((t: { name: string }) => t.name)).toEqual(['items', 'lines']);
    const schema = (await call('GET', '/api/datasources/main/tables/items')).json();
    expect(schema.table.primaryKey).toEqual(['id']);
    expect(schema.views.map((v: { name: string }) => v.name)).toEqual(['grid', 'summary']);
  });

  it('reads pages with keyset cursors', async () => {
    const first = (await call('GET', `${rows}?limit=2`)).json();
    expect(first.rows.map((r: { id: number }) => r.id)).toEqual([1, 2]);
    const second = (await call('GET', `${rows}?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second.rows.map((r: { id: number }) => r.id)).toEqual([3]);
    expect(second.nextCursor).toBeNull();
  });

  it('answers errors as { error: { code, title, message, hint } } with the error status', async () => {
    const unknownTable = await call('GET', '/api/datasources/main/tables/nope/rows');
    expect(unknownTable.statusCode).toBe(404);
    expect(unknownTable.json()).toEqual({
      error: {
        code: 'NCF_TABLE_NOT_FOUND',
        title: expect.any(String),
        message: expect.stringContaining('nope'),
        hint: expect.any(String),
      },
    });
    const unknownDatasource = await call('GET', '/api/datasources/elsewhere/tables');
    expect(unknownDatasource.statusCode).toBe(404);
    expect(unknownDatasource.json().error.code).toBe('NCF_DATASOURCE_NOT_FOUND');
    const badLimit = await call('GET', `${rows}?limit=0`);
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json().error.code).toBe('NCF_BAD_REQUEST');
    const nothing = await call('GET', '/api/nothing');
    expect(nothing.statusCode).toBe(404);
    expect(nothing.json().error.code).toBe('NCF_NOT_FOUND');
  });
});

describe('data API: writing', () => {
  it('updates exactly one row by key, converting form text to the column type', async () => {
    const before = structuredClone(web.data.items);
    const response = await call('PATCH', rows, { key: { id: '2' }, changes: { qty: '7', label: 'pear' } });
    expect(response.statusCode).toBe(200);
    expect(response.json().row).toEqual({ id: 2, label: 'pear', price: '0.99', qty: 7 });
    expect(web.data.items).toEqual(before.map((r) => (r.id === 2 ? { ...r, qty: 7, label: 'pear' } : r)));
  });

  it('sets NULL and the empty string as different values', async () => {
    await call('PATCH', rows, { key: { id: 1 }, changes: { label: null } });
    await call('PATCH', rows, { key: { id: 2 }, changes: { label: '' } });
    expect(web.data.items.map((r) => r.label)).toEqual([null, '', '']);
  });

  it.each([
    [
      'a wrong type',
      { key: { id: 1 }, changes: { qty: 'many' } },
      400,
      'NCF_INVALID_VALUE',
      /qty.*whole number/,
    ],
    [
      'NULL in a NOT NULL column',
      { key: { id: 1 }, changes: { price: null } },
      400,
      'NCF_INVALID_VALUE',
      /NULL/,
    ],
    [
      'an unknown column',
      { key: { id: 1 }, changes: { colour: 'red' } },
      400,
      'NCF_COLUMN_NOT_FOUND',
      /colour/,
    ],
    ['a stale key', { key: { id: 99 }, changes: { qty: 1 } }, 404, 'NCF_ROW_NOT_FOUND', /99/],
    [
      'a key that is not the primary key',
      { key: { label: 'apple' }, changes: { qty: 1 } },
      400,
      'NCF_BAD_REQUEST',
      /lacks id/,
    ],
    ['no changes', { key: { id: 1 }, changes: {} }, 400, 'NCF_BAD_REQUEST', /no column/],
  ])('refuses %s, says why and changes nothing', async (_what, body, status, code, message) => {
    const before = structuredClone(web.data);
    const response = await call('PATCH', rows, body);
    expect(response.statusCode).toBe(status);
    expect(response.json().error.code).toBe(code);
    expect(response.json().error.message).toMatch(message);
    expect(web.data).toEqual(before);
  });

  it('inserts and deletes a row', async () => {
    const created = await call('POST', rows, { values: { label: 'kiwi', price: 2.5, qty: '4' } });
    expect(created.statusCode).toBe(201);
    expect(created.json().row).toEqual({ id: 4, label: 'kiwi', price: '2.5', qty: 4 });
    const deleted = await call('DELETE', rows, { key: { id: 4 } });
    expect(deleted.statusCode).toBe(204);
    expect(web.data.items.map((r) => r.id)).toEqual([1, 2, 3]);
    const again = await call('DELETE', `${rows}?key=${encodeURIComponent('{"id":4}')}`);
    expect(again.statusCode).toBe(404);
  });

  it('refuses an insert with a wrong type and inserts nothing', async () => {
    const response = await call('POST', rows, { values: { label: 'x', price: 'cheap', qty: 1 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('NCF_INVALID_VALUE');
    expect(web.data.items).toHaveLength(3);
  });
});

describe('data hooks through the API', () => {
  it('shows a plugin veto with its reason and changes nothing', async () => {
    const before = structuredClone(web.data.lines);
    const response = await call('PATCH', lines, {
      key: { order_id: 1, line_no: 2 },
      changes: { note: 'changed' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('NCF_WRITE_VETOED');
    expect(response.json().error.message).toContain('order lines are locked for the audit');
    expect(web.data.lines).toEqual(before);
    const deleted = await call('DELETE', lines, { key: { order_id: 1, line_no: 2 } });
    expect(deleted.json().error.code).toBe('NCF_WRITE_VETOED');
    expect(web.data.lines).toEqual(before);
  });

  it('takes composite keys and refuses incomplete ones before any hook runs', async () => {
    const response = await call('PATCH', lines, { key: { order_id: 1 }, changes: { note: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/\(order_id, line_no\).*lacks line_no/);
    expect(web.audit).toHaveLength(0);
  });

  it('lets an audit plugin record every write, refused ones included', async () => {
    await call('POST', rows, { values: { label: 'kiwi', price: '2.00', qty: 1 } });
    await call('PATCH', rows, { key: { id: 1 }, changes: { qty: 11 } });
    await call('DELETE', rows, { key: { id: 3 } });
    await call('PATCH', lines, { key: { order_id: 2, line_no: 1 }, changes: { note: 'no' } });
    expect(web.audit.map((a) => [a.event.operation, a.event.table, a.outcome.error?.code])).toEqual([
      ['insert', 'items', undefined],
      ['update', 'items', undefined],
      ['delete', 'items', undefined],
      ['update', 'lines', 'NCF_WRITE_VETOED'],
    ]);
    expect(web.audit[1]?.event.key).toEqual({ id: 1 });
    expect(web.audit[1]?.outcome.row).toMatchObject({ id: 1, qty: 11 });
  });

  it('stops vetoing once the veto plugin is disabled, without a restart', async () => {
    await web.host.disable('lines-lock');
    const response = await call('PATCH', lines, {
      key: { order_id: 1, line_no: 2 },
      changes: { note: 'changed' },
    });
    expect(response.statusCode).toBe(200);
    expect(web.data.lines[1]?.note).toBe('changed');
  });
});
