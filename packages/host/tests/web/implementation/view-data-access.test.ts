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
          async render({ data, urls }: ViewRenderInput) {
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
});
afterEach(async () => {
  await web.close();
});

const open = () =>
  web.app.inject({
    url: '/d/main/t/items?view=probe',
    cookies: viewer.cookies,
    headers: { accept: 'text/html' },
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
