/**
 * No lost update (row versions, 409 with the current row, concurrent increments) and the
 * audit trail (every write with who, before and after; revert, itself audited, refused when
 * the row changed since; plugin actions recorded).
 */
import { rowVersion } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Session, signIn } from '../fixtures/sign-in.js';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

let web: WebHost;
let editor: Session;
let other: Session;
let admin: Session;
beforeEach(async () => {
  web = await startWebHost();
  await web.accounts.createUser('ed', 'editor', 'password-ed');
  await web.accounts.createUser('eve', 'editor', 'password-eve');
  await web.accounts.createUser('root', 'admin', 'password-root');
  editor = await signIn(web.app, 'ed', 'password-ed');
  other = await signIn(web.app, 'eve', 'password-eve');
  admin = await signIn(web.app, 'root', 'password-root');
});
afterEach(async () => {
  await web.close();
});

const rows = '/api/datasources/main/tables/items/rows';
const as = (who: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  web.app.inject({
    method,
    url,
    cookies: who.cookies,
    headers: { ...who.headers, accept: 'application/json' },
    ...(payload ? { payload } : {}),
  });
const qty = () => web.data.items.find((row) => row.id === 1)?.qty;
const firstVersion = async (who: Session) => {
  const page = (await as(who, 'GET', `${rows}?limit=1`)).json();
  expect(page.versions).toHaveLength(1);
  expect(page.versions[0]).toBe(rowVersion(page.rows[0]));
  return page.versions[0] as string;
};

describe('row versions', () => {
  it('refuses a PATCH or DELETE with a stale version with 409 and the current row', async () => {
    const seen = await firstVersion(editor);
    const first = await as(other, 'PATCH', rows, { key: { id: 1 }, changes: { qty: 20 }, version: seen });
    expect(first.statusCode).toBe(200);
    expect(first.json().version).toBe(rowVersion(first.json().row));
    expect(first.headers.etag).toBe(first.json().version);

    const stale = await as(editor, 'PATCH', rows, { key: { id: 1 }, changes: { qty: 30 }, version: seen });
    expect(stale.statusCode).toBe(409);
    const error = stale.json().error;
    expect(error.code).toBe('NCF_ROW_CHANGED');
    expect(error.details.current).toMatchObject({ id: 1, qty: 20 });
    expect(error.details.version).toBe(first.json().version);
    expect(qty()).toBe(20);

    const staleDelete = await as(editor, 'DELETE', rows, { key: { id: 1 }, version: seen });
    expect(staleDelete.statusCode).toBe(409);
    expect(qty()).toBe(20);
    const retried = await as(editor, 'PATCH', rows, {
      key: { id: 1 },
      changes: { qty: 30 },
      version: error.details.version,
    });
    expect(retried.statusCode).toBe(200);
    expect(qty()).toBe(30);
  });

  it('validates write bodies with their zod schemas before anything runs', async () => {
    const response = await as(editor, 'PATCH', rows, { key: { id: 1 }, changes: { qty: 2 }, version: 5 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('NCF_BAD_REQUEST');
    expect(response.json().error.message).toContain('version');
    expect(qty()).toBe(10);
  });

  it('never loses one of two concurrent increments', async () => {
    const seen = await firstVersion(editor);
    const start = qty() as number;
    const increment = (who: Session, version: string, from: number) =>
      as(who, 'PATCH', rows, { key: { id: 1 }, changes: { qty: from + 1 }, version });
    const results = await Promise.all([increment(editor, seen, start), increment(other, seen, start)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.statusCode === 409);
    const current = loser?.json().error.details;
    const again = await increment(
      loser === results[0] ? editor : other,
      current.version,
      current.current.qty as number,
    );
    expect(again.statusCode).toBe(200);
    expect(qty()).toBe(start + 2);
  });
});

describe('audit trail', () => {
  it('records every write with who, where, the key and the values before and after', async () => {
    await as(editor, 'PATCH', rows, { key: { id: 1 }, changes: { qty: 11 } });
    const inserted = await as(editor, 'POST', rows, { values: { label: 'kiwi', price: '2.00', qty: 1 } });
    const id = inserted.json().row.id;
    await as(other, 'DELETE', rows, { key: { id } });
    const trail = await web.accounts.listAudit({ action: 'row.' });
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['row.delete', 'user:eve'],
      ['row.insert', 'user:ed'],
      ['row.update', 'user:ed'],
    ]);
    const update = trail[2];
    expect(update).toMatchObject({ datasource: 'main', table: 'items', key: { id: 1 } });
    expect(update?.before).toMatchObject({ qty: 10 });
    expect(update?.after).toMatchObject({ qty: 11 });
    expect(trail[0]?.before).toMatchObject({ label: 'kiwi' });
  });

  it('reverts a change from the audit page, audits the revert, and refuses it when the row changed since', async () => {
    await as(editor, 'PATCH', rows, { key: { id: 1 }, changes: { qty: 11 } });
    const [update] = await web.accounts.listAudit({ action: 'row.update' });
    const page = await web.app.inject({
      url: '/admin/audit',
      cookies: admin.cookies,
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`action="/admin/audit/${update?.id}/revert"`);
    expect((await as(editor, 'GET', '/admin/audit')).statusCode).toBe(403);

    const revert = await as(admin, 'POST', `/admin/audit/${update?.id}/revert`, {});
    expect(revert.statusCode).toBe(200);
    expect(qty()).toBe(10);
    const [recorded] = await web.accounts.listAudit({ action: 'row.revert' });
    expect(recorded).toMatchObject({ actor: 'user:root', detail: { reverts: update?.id } });

    await as(editor, 'PATCH', rows, { key: { id: 1 }, changes: { qty: 12 } });
    await as(other, 'PATCH', rows, { key: { id: 1 }, changes: { qty: 13 } });
    const [older] = (await web.accounts.listAudit({ action: 'row.update' })).slice(1);
    const refused = await as(admin, 'POST', `/admin/audit/${older?.id}/revert`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.details.current).toMatchObject({ qty: 13 });
    expect(qty()).toBe(13);
  });

  it('records plugin actions with the admin who made them', async () => {
    const disabled = await web.app.inject({
      method: 'POST',
      url: '/admin/plugins/summary-view/disable',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(disabled.statusCode).toBe(200);
    const enabled = await as(admin, 'POST', '/admin/plugins/summary-view/enable', {});
    expect(enabled.statusCode).toBe(200);
    const trail = await web.accounts.listAudit({ action: 'plugin.' });
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['plugin.enable', 'user:root'],
      ['plugin.disable', 'admin-token'],
    ]);
  });

  it('never shows a password or its hash in a response', async () => {
    const users = await web.app.inject({
      url: '/admin/users',
      cookies: admin.cookies,
      headers: { accept: 'text/html' },
    });
    expect(users.statusCode).toBe(200);
    expect(users.body).toContain('data-user="ed"');
    for (const text of [users.body, JSON.stringify(await web.accounts.listAudit({ limit: 500 }))]) {
      expect(text).not.toMatch(/scrypt\$|password-ed|password-root/);
    }
  });
});
