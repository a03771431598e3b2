/**
 * Who may do what: sign-in and sign-out, roles and grants, CSRF on session writes, API
 * tokens, and the route × role matrix generated from the server's own route list (a route
 * without an access rule fails here).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROUTE_ACCESS, type RouteAccess } from '../../../src/server/access/rules.js';
import { createServer } from '../../../src/server/index.js';
import { type Session, signIn } from '../fixtures/sign-in.js';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

let web: WebHost;
const PASSWORD = 'correct horse';
const sessions: Record<string, Session> = {};

beforeEach(async () => {
  web = await startWebHost();
  for (const role of ['viewer', 'editor', 'admin'] as const) {
    await web.accounts.createUser(role, role, PASSWORD);
    sessions[role] = await signIn(web.app, role, PASSWORD);
  }
});
afterEach(async () => {
  await web.close();
});

const rows = '/api/datasources/main/tables/items/rows';
const lines = '/api/datasources/main/tables/lines/rows';
const as = (who: Session | undefined, method: string, url: string, payload?: object) =>
  web.app.inject({
    method: method as 'GET',
    url,
    ...(who ? { cookies: who.cookies, headers: who.headers } : {}),
    ...(payload ? { payload } : {}),
  });

describe('signing in', () => {
  it('signs in with the form into a HttpOnly SameSite=Lax cookie, shows who is signed in, signs out', async () => {
    const response = await web.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: `name=editor&password=${encodeURIComponent(PASSWORD)}&next=%2Fd%2Fmain%2Ft%2Fitems`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/d/main/t/items');
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const session = sessions.editor as Session;
    const home = await web.app.inject({
      url: '/',
      cookies: session.cookies,
      headers: { accept: 'text/html' },
    });
    expect(home.body).toMatch(/class="ncf-account"[^>]*>editor <small>editor<\/small>/);
    expect(home.body).toContain('action="/sign-out"');
    const out = await as(session, 'POST', '/sign-out', {});
    expect(out.statusCode).toBe(303);
    expect((await as(session, 'GET', rows)).statusCode).toBe(401);
  });

  it('refuses a wrong password and records sign-ins in the audit trail', async () => {
    const wrong = await web.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: 'name=editor&password=nope',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const trail = await web.accounts.listAudit({ action: 'auth.' });
    expect(trail.map((e) => e.action)).toContain('auth.sign-in-failed');
    expect(trail.filter((e) => e.action === 'auth.sign-in').map((e) => e.actor)).toEqual(
      expect.arrayContaining(['user:viewer', 'user:editor', 'user:admin']),
    );
  });

  it('sends anonymous browsers to the sign-in page and anonymous API calls get 401', async () => {
    const page = await web.app.inject({ url: '/d/main/t/items', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/sign-in?next=%2Fd%2Fmain%2Ft%2Fitems');
    const api = await web.app.inject({
      method: 'PATCH',
      url: rows,
      payload: { key: { id: 1 }, changes: { qty: 1 } },
    });
    expect(api.statusCode).toBe(401);
    expect(api.json().error.code).toBe('NCF_SIGN_IN_REQUIRED');
  });
});

describe('roles, grants and CSRF', () => {
  const patch = { key: { id: 1 }, changes: { qty: 5 } };

  it('lets a viewer read but not write, and an editor write', async () => {
    expect((await as(sessions.viewer, 'GET', rows)).statusCode).toBe(200);
    const denied = await as(sessions.viewer, 'PATCH', rows, patch);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('NCF_NOT_ALLOWED');
    expect(web.data.items.find((r) => r.id === 1)?.qty).toBe(10);
    expect((await as(sessions.editor, 'PATCH', rows, patch)).statusCode).toBe(200);
    expect(web.data.items.find((r) => r.id === 1)?.qty).toBe(5);
  });

  it('refuses a session write without the CSRF token, and takes a bearer API token instead', async () => {
    const session = sessions.editor as Session;
    const noToken = await web.app.inject({
      method: 'PATCH',
      url: rows,
      cookies: session.cookies,
      payload: patch,
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('NCF_CSRF_REFUSED');
    const wrong = await web.app.inject({
      method: 'PATCH',
      url: rows,
      cookies: session.cookies,
      headers: { 'x-csrf-token': 'forged' },
      payload: patch,
    });
    expect(wrong.statusCode).toBe(403);
    expect(web.data.items.find((r) => r.id === 1)?.qty).toBe(10);

    const editor = await web.accounts.findUser('editor');
    const { secret } = await web.accounts.createToken(editor?.id ?? '', 'script');
    const viaToken = await web.app.inject({
      method: 'PATCH',
      url: rows,
      headers: { authorization: `Bearer ${secret}` },
      payload: patch,
    });
    expect(viaToken.statusCode).toBe(200);
    const { secret: readOnly } = await web.accounts.createToken(editor?.id ?? '', 'reader', {
      role: 'viewer',
    });
    const narrowed = await web.app.inject({
      method: 'PATCH',
      url: rows,
      headers: { authorization: `Bearer ${readOnly}` },
      payload: patch,
    });
    expect(narrowed.statusCode).toBe(403);
    expect(narrowed.json().error.message).toContain('change table items of main');
  });

  it('narrows an editor by grants: writes one table, only reads another, cannot see a third', async () => {
    const editor = await web.accounts.findUser('editor');
    await web.accounts.setGrant(editor?.id ?? '', 'main', '*', 'read');
    await web.accounts.setGrant(editor?.id ?? '', 'main', 'items', 'write');
    expect((await as(sessions.editor, 'PATCH', rows, patch)).statusCode).toBe(200);
    const line = { key: { order_id: 1, line_no: 1 }, changes: { qty: 9 } };
    expect((await as(sessions.editor, 'PATCH', lines, line)).statusCode).toBe(403);
    expect((await as(sessions.editor, 'GET', lines)).statusCode).toBe(200);
    await web.accounts.setGrant(editor?.id ?? '', 'main', 'lines', 'none');
    const hidden = await as(sessions.editor, 'GET', lines);
    expect(hidden.statusCode).toBe(403);
    expect(hidden.json().error.message).toContain('read table lines of main');
    // A grant never widens a role.
    const viewer = await web.accounts.findUser('viewer');
    await web.accounts.setGrant(viewer?.id ?? '', 'main', 'items', 'write');
    expect((await as(sessions.viewer, 'PATCH', rows, patch)).statusCode).toBe(403);
  });

  it('keeps the operator admin token working as an admin', async () => {
    const response = await web.app.inject({
      url: '/admin/plugins',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('--read-only', () => {
  it('serves reads to anyone and has no write path at all, not even for the admin token', async () => {
    const app = await createServer({
      host: web.host,
      datasources: ['shop://local/main'],
      adminToken: ADMIN_TOKEN,
      store: web.store,
      readOnly: true,
    });
    try {
      expect((await app.inject({ url: rows })).statusCode).toBe(200);
      const home = await app.inject({ url: '/', headers: { accept: 'text/html' } });
      expect(home.statusCode).toBe(200);
      for (const method of ['POST', 'PATCH', 'DELETE'] as const) {
        const response = await app.inject({
          method,
          url: rows,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
          payload: { key: { id: 1 }, changes: { qty: 1 }, values: { label: 'x' } },
        });
        expect(response.statusCode, method).toBe(404);
      }
      expect(app.routeRules().filter((route) => route.access === 'write')).toEqual([]);
      expect(web.data.items.find((r) => r.id === 1)?.qty).toBe(10);
    } finally {
      await app.close();
    }
  });
});

describe('--read-only pages', () => {
  it('hand every role (and anonymous) a read-only table: no view offers an edit control', async () => {
    const captured: { who: string; writable: boolean }[] = [];
    const { definePlugin, defineView } = await import('@nocoflo/sdk');
    await web.host.register(
      definePlugin({
        views: [
          defineView({
            name: 'probe',
            title: 'Probe',
            canHandle: () => 1,
            render: ({ table }) => ({ html: `<p data-writable="${table.writable}"></p>` }),
          }),
        ],
      }),
      { name: 'probe-view', version: '1.0.0' },
    );
    const page = (app: typeof web.app, who: string) =>
      app.inject({
        url: '/d/main/t/items?view=probe',
        cookies: sessions[who]?.cookies ?? {},
        headers: { accept: 'text/html' },
      });
    // On the normal server an editor and an admin are offered edits (so the probe can tell).
    for (const who of ['editor', 'admin']) {
      expect((await page(web.app, who)).body).toContain('data-writable="true"');
    }
    const app = await createServer({
      host: web.host,
      datasources: ['shop://local/main'],
      adminToken: ADMIN_TOKEN,
      store: web.store,
      readOnly: true,
    });
    try {
      for (const who of ['anonymous', 'viewer', 'editor', 'admin']) {
        const response = await page(app, who);
        expect(response.statusCode, who).toBe(200);
        const writable = /data-writable="(\w+)"/.exec(response.body)?.[1];
        captured.push({ who, writable: writable === 'true' });
      }
      expect(captured).toEqual([
        { who: 'anonymous', writable: false },
        { who: 'viewer', writable: false },
        { who: 'editor', writable: false },
        { who: 'admin', writable: false },
      ]);
    } finally {
      await app.close();
    }
  });
});

describe('wrong passwords are rate-limited', () => {
  it('answers 401 up to the limit, then 429 with Retry-After, even for the right password; other addresses go on', async () => {
    const app = await createServer({
      host: web.host,
      datasources: ['shop://local/main'],
      adminToken: ADMIN_TOKEN,
      store: web.store,
      authRateLimit: { max: 3, timeWindowMs: 60_000 },
    });
    const signIn = (password: string, remoteAddress = '203.0.113.9') =>
      app.inject({
        method: 'POST',
        url: '/sign-in',
        payload: `name=editor&password=${encodeURIComponent(password)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress,
      });
    try {
      for (let i = 0; i < 3; i++) expect((await signIn(`guess-${i}`)).statusCode).toBe(401);
      const throttled = await signIn('guess-3');
      expect(throttled.statusCode).toBe(429);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
      expect(throttled.body).toContain('NCF_RATE_LIMITED');
      // The right password is not confirmed from a throttled address: no session either.
      const right = await signIn(PASSWORD);
      expect(right.statusCode).toBe(429);
      expect(right.headers['set-cookie']).toBeUndefined();
      // Another address signs in; wrong tokens and passwords count together.
      expect((await signIn(PASSWORD, '198.51.100.4')).statusCode).toBe(303);
      const token = await app.inject({
        url: rows,
        headers: { authorization: 'Bearer wrong' },
        remoteAddress: '203.0.113.9',
      });
      expect(token.statusCode).toBe(429);
    } finally {
      await app.close();
    }
  });
});

describe('view preferences', () => {
  const viewOf = async (role: string, query = '') => {
    const page = await web.app.inject({
      url: `/d/main/t/items${query}`,
      cookies: sessions[role]?.cookies ?? {},
      headers: { accept: 'text/html' },
    });
    return /<div class="ncf-view" data-view="([^"]+)">/.exec(page.body)?.[1];
  };

  it('keeps the chosen view per user, with a site default an admin sets', async () => {
    expect(await viewOf('viewer')).toBe('grid');
    expect(await viewOf('viewer', '?view=summary')).toBe('summary');
    expect(await viewOf('viewer')).toBe('summary');
    expect(await viewOf('editor')).toBe('grid');
    expect(await viewOf('admin', '?view=summary&default=site')).toBe('summary');
    expect(await viewOf('editor')).toBe('summary');
    expect(await viewOf('editor', '?view=grid')).toBe('grid');
    expect(await viewOf('editor')).toBe('grid');
    expect(await viewOf('viewer')).toBe('summary');
  });

  it("does not take a link to one record (a row page, a form) for the person's choice of view", async () => {
    expect(await viewOf('editor', '?view=summary')).toBe('summary');
    expect(await viewOf('editor', `?view=grid&row=${encodeURIComponent('{"id":1}')}`)).toBe('grid');
    expect(await viewOf('editor', `?view=grid&key=${encodeURIComponent('{"id":1}')}`)).toBe('grid');
    expect(await viewOf('editor')).toBe('summary');
    expect(await viewOf('editor', '?view=grid')).toBe('grid');
    expect(await viewOf('editor')).toBe('grid');
  });

  it('offers no edit affordance to a viewer: the view is handed a read-only table', async () => {
    const captured: boolean[] = [];
    const { definePlugin, defineView } = await import('@nocoflo/sdk');
    await web.host.register(
      definePlugin({
        views: [
          defineView({
            name: 'probe',
            title: 'Probe',
            canHandle: () => 1,
            render: ({ table }) => {
              captured.push(table.writable);
              return { html: `<p data-writable="${table.writable}"></p>` };
            },
          }),
        ],
      }),
      { name: 'probe-view', version: '1.0.0' },
    );
    await viewOf('viewer', '?view=probe');
    await viewOf('editor', '?view=probe');
    expect(captured).toEqual([false, true]);
  });
});

describe('plugin routes', () => {
  it("map declared permissions onto roles: viewers read, editors write, a permission needs an admin or an admin's token listing it", async () => {
    const { definePlugin } = await import('@nocoflo/sdk');
    await web.host.register(
      definePlugin({
        permissions: [{ key: 'notes.export', description: 'Export notes' }],
        setup(ctx) {
          ctx.registerRoute({ method: 'GET', path: '/notes', handler: () => ({ body: ['n1'] }) });
          ctx.registerRoute({ method: 'POST', path: '/notes', handler: () => ({ status: 201, body: 'ok' }) });
          ctx.registerRoute({
            method: 'GET',
            path: '/export',
            permission: 'notes.export',
            handler: () => ({ body: 'csv' }),
          });
        },
      }),
      { name: 'notes', version: '1.0.0' },
    );
    const status = async (role: string | undefined, method: string, path: string) =>
      (
        await as(
          role ? sessions[role] : undefined,
          method,
          `/plugins/notes${path}`,
          method === 'GET' ? undefined : {},
        )
      ).statusCode;
    expect(await status(undefined, 'GET', '/notes')).toBe(401);
    expect(await status('viewer', 'GET', '/notes')).toBe(200);
    expect(await status('viewer', 'POST', '/notes')).toBe(403);
    expect(await status('editor', 'POST', '/notes')).toBe(201);
    expect(await status('editor', 'GET', '/export')).toBe(403);
    expect(await status('admin', 'GET', '/export')).toBe(200);
    // A token carries a subset of its owner's rights: an editor holds no plugin permission,
    // so its token cannot either; an admin's token can hold one while acting as a viewer.
    const editor = await web.accounts.findUser('editor');
    await expect(
      web.accounts.createToken(editor?.id ?? '', 'export', { permissions: ['notes.export'] }),
    ).rejects.toThrow(/only admins hold plugin permissions/);
    const admin = await web.accounts.findUser('admin');
    const { secret } = await web.accounts.createToken(admin?.id ?? '', 'export', {
      role: 'viewer',
      permissions: ['notes.export'],
    });
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await web.app.inject({ url: '/plugins/notes/export', headers: bearer })).statusCode).toBe(200);
    expect(
      (await web.app.inject({ method: 'POST', url: '/plugins/notes/notes', headers: bearer })).statusCode,
    ).toBe(403);
  });
});

/** Which roles pass each rule; `plugin` routes decide per route and are tested below. */
const PASSES: Record<RouteAccess, readonly string[]> = {
  public: ['anonymous', 'viewer', 'editor', 'admin'],
  'signed-in': ['viewer', 'editor', 'admin'],
  read: ['viewer', 'editor', 'admin'],
  write: ['editor', 'admin'],
  admin: ['admin'],
  plugin: ['viewer', 'editor', 'admin'],
};

/** Values for route parameters: real ones for data routes, names that do not exist elsewhere. */
function fill(url: string): string {
  return url
    .replace(':ds', 'main')
    .replace(':table', 'items')
    .replace(/:[a-zA-Z]+/g, 'no-such-thing')
    .replace('*', 'no-such-thing/x');
}

describe('route × role matrix', () => {
  it('has an access rule on every route, and each role gets exactly what the rule allows', async () => {
    const routes = web.app
      .routeRules()
      .flatMap((route) => route.method.split(',').map((method) => ({ ...route, method })))
      .filter((route) => route.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(20);
    const withoutRule = routes.filter((route) => !ROUTE_ACCESS.includes(route.access as RouteAccess));
    expect(withoutRule.map((r) => `${r.method} ${r.url}`)).toEqual([]);

    const table: string[] = [];
    for (const route of routes) {
      // Sign-out ends the session it is called with, and plugin routes decide per route: both have their own tests.
      if (route.url === '/sign-out' || route.access === 'plugin') continue;
      for (const role of ['anonymous', 'viewer', 'editor', 'admin']) {
        const who = role === 'anonymous' ? undefined : sessions[role];
        const mutating = route.method !== 'GET';
        const response = await as(who, route.method, fill(route.url), mutating ? {} : undefined);
        const passed = response.statusCode !== 401 && response.statusCode !== 403;
        const expected = PASSES[route.access as RouteAccess].includes(role);
        // Public routes may still refuse on their own terms (the setup link needs its token).
        if (route.access === 'public' && !passed) continue;
        table.push(
          `${route.method} ${route.url} ${role}: ${passed === expected ? 'ok' : `got ${response.statusCode}`}`,
        );
      }
    }
    expect(table.filter((line) => !line.endsWith(': ok'))).toEqual([]);
  });
});
