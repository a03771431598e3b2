/**
 * API tokens belong to a user and carry a subset of that user's rights: `POST /admin/tokens`
 * takes the owner from the signed-in admin (or a named user), refuses a role or plugin
 * permissions beyond the owner's, shows the secret once, and a token stops working when it
 * expires, when its owner is removed, or when its owner is downgraded below what it carries.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountStore, ApiToken, User } from '../../../src/accounts/types.js';
import { bearerActor } from '../../../src/server/access/actor.js';
import { type Session, signIn } from '../fixtures/sign-in.js';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

let web: WebHost;
let admin: Session;
const PASSWORD = 'correct horse';
const rows = '/api/datasources/main/tables/items/rows';
const adminToken = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeEach(async () => {
  web = await startWebHost();
  await web.accounts.createUser('root', 'admin', PASSWORD);
  await web.accounts.createUser('ed', 'editor', PASSWORD);
  admin = await signIn(web.app, 'root', PASSWORD);
});
afterEach(async () => {
  vi.useRealTimers();
  await web.close();
});

const create = (payload: object, headers: Record<string, string> = adminToken, session?: Session) =>
  web.app.inject({
    method: 'POST',
    url: '/admin/tokens',
    headers: { ...headers, ...(session?.headers ?? {}) },
    ...(session ? { cookies: session.cookies } : {}),
    payload,
  });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
const read = (secret: string) => web.app.inject({ url: rows, headers: bearer(secret) });
const write = (secret: string, qty: number) =>
  web.app.inject({
    method: 'PATCH',
    url: rows,
    headers: bearer(secret),
    payload: { key: { id: 1 }, changes: { qty } },
  });

describe('API tokens', () => {
  it('belong to the signed-in admin by default, or to the user named; the secret is shown once', async () => {
    const own = await create({ name: 'mine' }, {}, admin);
    expect(own.statusCode).toBe(201);
    expect(own.json().token).toMatchObject({ name: 'mine', user: 'root', role: 'admin' });
    const forEd = await create({ name: 'ci', user: 'ed' }, {}, admin);
    expect(forEd.json().token).toMatchObject({ name: 'ci', user: 'ed', role: 'editor' });
    const listed = await web.app.inject({ url: '/admin/tokens', headers: adminToken });
    expect(
      listed
        .json()
        .tokens.map((t: { name: string; user: string }) => `${t.name}@${t.user}`)
        .sort(),
    ).toEqual(['ci@ed', 'mine@root']);
    // Shown once: no listing, page or audit entry holds a secret again.
    for (const secret of [own.json().secret, forEd.json().secret]) {
      expect(secret).toMatch(/^ncf_/);
      expect(listed.body).not.toContain(secret);
      const page = await web.app.inject({ url: '/admin/users', cookies: admin.cookies });
      expect(page.body).not.toContain(secret);
      expect(JSON.stringify(await web.accounts.listAudit())).not.toContain(secret);
    }
    expect((await web.accounts.listAudit({ action: 'token.create' }))[0]).toMatchObject({
      actor: 'user:root',
      detail: { token: 'ci', user: 'ed', role: 'editor' },
    });
    // The token acts for its owner, with the owner's rights.
    expect((await write(forEd.json().secret, 5)).statusCode).toBe(200);
    expect((await web.accounts.listAudit({ action: 'row.' }))[0]?.actor).toBe('token:ci@ed');
  });

  it("refuses a role or plugin permissions beyond the owner's, and a token without an owner", async () => {
    const before = await web.accounts.listTokens();
    const tooStrong = await create({ name: 'up', user: 'ed', role: 'admin' });
    expect(tooStrong.statusCode).toBe(400);
    expect(tooStrong.json().error.message).toMatch(/cannot act as admin/);
    const permissions = await create({ name: 'perm', user: 'ed', permissions: ['notes.export'] });
    expect(permissions.statusCode).toBe(400);
    expect(permissions.json().error.message).toMatch(/only admins hold plugin permissions/);
    const ownerless = await create({ name: 'nobody' });
    expect(ownerless.statusCode).toBe(400);
    expect(ownerless.json().error.message).toMatch(/"user" must name the user/);
    const expired = await create({ name: 'old', user: 'ed', expiresAt: '2000-01-01T00:00:00Z' });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().error.message).toMatch(/in the past/);
    // A viewer token of an editor is a subset: it reads and may not write.
    const narrow = await create({ name: 'reader', user: 'ed', role: 'viewer' });
    expect(narrow.statusCode).toBe(201);
    expect((await read(narrow.json().secret)).statusCode).toBe(200);
    expect((await write(narrow.json().secret, 6)).statusCode).toBe(403);
    // A token cannot make a token stronger than itself for its owner.
    const escalate = await create({ name: 'again', role: 'editor' }, bearer(narrow.json().secret));
    expect([401, 403]).toContain(escalate.statusCode);
    expect((await web.accounts.listTokens()).length).toBe(before.length + 1);
  });

  it('stops working when it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const now = Date.now();
    const expiresAt = new Date(now + 60 * 60 * 1000).toISOString();
    const made = await create({ name: 'hour', user: 'ed', expiresAt });
    expect(made.json().token.expiresAt).toBe(expiresAt);
    const secret = made.json().secret;
    expect((await read(secret)).statusCode).toBe(200);
    vi.setSystemTime(now + 60 * 60 * 1000 + 1);
    const after = await read(secret);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('NCF_UNAUTHORIZED');
  });

  it('stops working when its owner is removed', async () => {
    const { secret } = (await create({ name: 'ci', user: 'ed' })).json();
    expect((await read(secret)).statusCode).toBe(200);
    const removed = await web.app.inject({
      method: 'POST',
      url: '/admin/users/ed/remove',
      cookies: admin.cookies,
      headers: admin.headers,
      payload: {},
    });
    expect(removed.statusCode).toBe(200);
    expect((await read(secret)).statusCode).toBe(401);
    expect(await web.accounts.listTokens()).toEqual([]);
  });

  it('stops working when its owner is downgraded below what it carries, and stays revoked', async () => {
    await web.accounts.createUser('ops', 'admin', PASSWORD);
    const full = (await create({ name: 'full', user: 'ops' })).json().secret as string;
    const permitted = (
      await create({ name: 'export', user: 'ops', role: 'viewer', permissions: ['notes.export'] })
    ).json().secret as string;
    const reader = (await create({ name: 'reader', user: 'ops', role: 'viewer' })).json().secret as string;
    expect((await web.app.inject({ url: '/admin/plugins', headers: bearer(full) })).statusCode).toBe(200);

    const downgraded = await web.app.inject({
      method: 'POST',
      url: '/admin/users/ops/role',
      cookies: admin.cookies,
      headers: admin.headers,
      payload: { role: 'editor' },
    });
    expect(downgraded.statusCode).toBe(200);
    // The admin token and the admin's plugin permission are beyond an editor: both stop.
    expect((await web.app.inject({ url: '/admin/plugins', headers: bearer(full) })).statusCode).toBe(401);
    expect((await read(full)).statusCode).toBe(401);
    expect((await read(permitted)).statusCode).toBe(401);
    // A viewer token is still within an editor's rights.
    expect((await read(reader)).statusCode).toBe(200);
    // Raising the role again does not bring the revoked tokens back.
    await web.accounts.setRole('ops', 'admin');
    expect((await read(full)).statusCode).toBe(401);
    expect((await web.accounts.listTokens()).map((t) => t.name)).toEqual(['reader']);
  });

  it('refuses, on every request, a token whose owner holds less than it carries (a downgrade made elsewhere)', async () => {
    // As another host sharing the store would see it before any revocation reached it: the
    // token row still there, its owner already lower. The check runs on each request.
    const owner: User = { id: 'u1', name: 'ed', role: 'viewer', createdAt: '', updatedAt: '' };
    const tokens: Record<string, ApiToken> = {
      editor: { id: 't1', name: 'ci', permissions: [], createdAt: '', userId: 'u1', role: 'editor' },
      viewer: { id: 't2', name: 'ro', permissions: [], createdAt: '', userId: 'u1', role: 'viewer' },
      permitted: {
        id: 't3',
        name: 'px',
        permissions: ['notes.export'],
        createdAt: '',
        userId: 'u1',
        role: 'viewer',
      },
      ownerless: { id: 't4', name: 'old', permissions: ['notes.export'], createdAt: '' },
    };
    const accounts = {
      findToken: async (secret: string) => tokens[secret],
      getUser: async (id: string) => (id === owner.id ? owner : undefined),
      listGrants: async () => [],
    } as unknown as AccountStore;
    expect(await bearerActor('editor', ADMIN_TOKEN, accounts)).toBeUndefined();
    expect(await bearerActor('permitted', ADMIN_TOKEN, accounts)).toBeUndefined();
    expect(await bearerActor('ownerless', ADMIN_TOKEN, accounts)).toBeUndefined();
    expect(await bearerActor('viewer', ADMIN_TOKEN, accounts)).toMatchObject({
      kind: 'token',
      label: 'token:ro@ed',
      role: 'viewer',
    });
  });
});
