/**
 * A request with a bearer token is decided by its token alone: on the data, plugin and admin
 * routes @fastify/session does no work for it (no session looked up, made or saved), while
 * the routes that use the session (sign-out) and every cookie request keep it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountSessionStore } from '../../../src/server/access/session-store.js';
import { type Session, signIn } from '../fixtures/sign-in.js';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

let web: WebHost;
let ada: Session;
const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
const rows = '/api/datasources/main/tables/items/rows';

beforeEach(async () => {
  web = await startWebHost();
  await web.accounts.createUser('ada', 'admin', 'correct horse');
  ada = await signIn(web.app, 'ada', 'correct horse');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await web.close();
});

describe('sessions and bearer tokens', () => {
  it('look up no session for a bearer request to the rows API, even with a session cookie', async () => {
    const get = vi.spyOn(AccountSessionStore.prototype, 'get');
    const set = vi.spyOn(AccountSessionStore.prototype, 'set');
    const withToken = await web.app.inject({ url: rows, headers: bearer, cookies: ada.cookies });
    expect(withToken.statusCode).toBe(200);
    expect(withToken.json().rows.length).toBeGreaterThan(0);
    expect(withToken.headers['set-cookie']).toBeUndefined();
    expect(get).not.toHaveBeenCalled();
    expect(set).not.toHaveBeenCalled();

    // The same cookie alone is a session request: its session is looked up.
    const withCookie = await web.app.inject({ url: rows, cookies: ada.cookies });
    expect(withCookie.statusCode).toBe(200);
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('serve a page to a bearer request on a read route', async () => {
    const page = await web.app.inject({
      url: '/d/main/t/items',
      headers: { ...bearer, accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['set-cookie']).toBeUndefined();
  });

  it('keep the session on the routes that use it: sign-out with a bearer token ends the cookie session', async () => {
    const out = await web.app.inject({
      method: 'POST',
      url: '/sign-out',
      headers: bearer,
      cookies: ada.cookies,
    });
    expect(out.statusCode).toBe(303);
    const after = await web.app.inject({ url: rows, cookies: ada.cookies });
    expect(after.statusCode).toBe(401);
  });
});
