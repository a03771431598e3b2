/**
 * The data a view renders through reaches only the tables the person may read: a view that
 * follows a foreign key into a table a grant hides is refused, `listTables` leaves such a
 * table out, and the view learns where other tables' pages are (`urls.tablePage`).
 */
import { definePlugin, defineView, type ViewRenderInput } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Session, signIn } from '../fixtures/sign-in.js';
import { startWebHost, type WebHost } from '../fixtures/web-host.js';

let web: WebHost;
let viewer: Session;
const seen: { tables?: string[]; lines?: string; tablePage?: string }[] = [];
const settingsSeen: unknown[] = [];
let editor: Session;

beforeEach(async () => {
  web = await startWebHost();
  seen.length = 0;
  await web.host.register(
    definePlugin({
      views: [
        defineView({
          name: 'probe',
          title: 'Probe',
          canHandle: () => 1,
          async render({ data, urls, settings }: ViewRenderInput) {
            settingsSeen.push(settings ?? null);
            if (urls.settings !== '/api/datasources/main/tables/items/views/probe/settings') {
              throw new Error(`unexpected settings URL ${urls.settings}`);
            }
            const tables = (await data.listTables?.())?.map((t) => t.name);
            const lines = await data.readPage('lines', { limit: 1 }).then(
              (page) => `read ${page.rows.length}`,
              (error: { code?: string }) => String(error.code),
            );
            seen.push({ tables, lines, tablePage: urls.tablePage });
            return { html: '<p>probe</p>' };
          },
        }),
      ],
    }),
    { name: 'probe-view', version: '1.0.0' },
  );
  await web.accounts.createUser('viewer', 'viewer', 'a viewer password');
  viewer = await signIn(web.app, 'viewer', 'a viewer password');
  await web.accounts.createUser('editor', 'editor', 'an editor password');
  editor = await signIn(web.app, 'editor', 'an editor password');
  settingsSeen.length = 0;
});
afterEach(async () => {
  await web.close();
});

const open = (who: Session = viewer) =>
  web.app.inject({
    url: '/d/main/t/items?view=probe',
    cookies: who.cookies,
    headers: { accept: 'text/html' },
  });
const settingsUrl = '/api/datasources/main/tables/items/views/probe/settings';
const put = (who: Session, payload: unknown, query = '') =>
  web.app.inject({
    method: 'PUT',
    url: `${settingsUrl}${query}`,
    cookies: who.cookies,
    headers: { ...who.headers, 'content-type': 'application/json' },
    payload: JSON.stringify(payload),
  });

describe('view data access', () => {
  it('reads every table the person may read, and names the pages of other tables', async () => {
    expect((await open()).statusCode).toBe(200);
    expect(seen).toEqual([{ tables: ['items', 'lines'], lines: 'read 1', tablePage: '/d/main/t/{table}' }]);
  });

  it('refuses a table a grant hides, and leaves it out of the list', async () => {
    const user = await web.accounts.findUser('viewer');
    await web.accounts.setGrant(user?.id ?? '', 'main', 'lines', 'none');
    expect((await open()).statusCode).toBe(200);
    expect(seen).toEqual([{ tables: ['items'], lines: 'NCF_NOT_ALLOWED', tablePage: '/d/main/t/{table}' }]);
  });
});

describe('view settings', () => {
  it("keeps a view's settings per person and hands them to render", async () => {
    await open();
    expect((await put(viewer, { columns: [{ name: 'qty', hidden: true }] })).statusCode).toBe(204);
    await open();
    await open(editor);
    expect(settingsSeen).toEqual([null, { columns: [{ name: 'qty', hidden: true }] }, null]);
    const reset = await web.app.inject({
      method: 'DELETE',
      url: settingsUrl,
      cookies: viewer.cookies,
      headers: viewer.headers,
    });
    expect(reset.statusCode).toBe(204);
    await open();
    expect(settingsSeen.at(-1)).toBeNull();
  });

  it('refuses what is not a JSON object or too large, and a write without the CSRF token', async () => {
    expect((await put(viewer, [1, 2])).statusCode).toBe(400);
    expect((await put(viewer, { big: 'x'.repeat(20_000) })).statusCode).toBe(400);
    const noCsrf = await web.app.inject({
      method: 'PUT',
      url: settingsUrl,
      cookies: viewer.cookies,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(noCsrf.statusCode).toBe(403);
    await open();
    expect(settingsSeen).toEqual([null]);
  });
});
