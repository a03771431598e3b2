import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

let web: WebHost;
beforeEach(async () => {
  web = await startWebHost();
});
afterEach(async () => {
  await web.close();
});

// Pages are read as the operator's admin token (an admin actor); access per role is in access.test.ts.
const page = async (url: string) => {
  const response = await web.app.inject({
    method: 'GET',
    url,
    headers: { accept: 'text/html', authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return { status: response.statusCode, html: response.body, headers: response.headers };
};
const switcher = (html: string) =>
  [...html.matchAll(/<a href="[^"]*\?view=[^"]*" data-view="([^"]+)"/g)].map((m) => m[1]);
const currentView = (html: string) => /<div class="ncf-view" data-view="([^"]+)">/.exec(html)?.[1];
const admin = (name: string, action: string, token = ADMIN_TOKEN) =>
  web.app.inject({
    method: 'POST',
    url: `/admin/plugins/${encodeURIComponent(name)}/${action}`,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('home page', () => {
  it('lists the datasources and links their tables with estimates', async () => {
    const { status, html, headers } = await page('/');
    expect(status).toBe(200);
    expect(html).toContain('href="/d/main/t/items"');
    expect(html).toContain('href="/d/main/t/lines"');
    expect(html).toContain('≈ 3 rows');
    expect(headers['content-security-policy']).toContain("script-src 'self'");
  });
});

describe('table page', () => {
  it('shows the best view with a switcher to the others that can show the table', async () => {
    const items = await page('/d/main/t/items');
    expect(currentView(items.html)).toBe('grid');
    expect(switcher(items.html)).toEqual(['grid', 'summary']);
    expect(items.html).toContain('data-rows="/api/datasources/main/tables/items/rows"');
    expect(items.html).toContain('<script type="module" src="/_assets/plugins/grid-view/assets/grid.js">');
    const lines = await page('/d/main/t/lines');
    expect(switcher(lines.html)).toEqual(['grid']);
  });

  it('remembers the chosen view per table', async () => {
    expect(currentView((await page('/d/main/t/items?view=summary')).html)).toBe('summary');
    expect(currentView((await page('/d/main/t/items')).html)).toBe('summary');
    expect(currentView((await page('/d/main/t/lines')).html)).toBe('grid');
    expect(currentView((await page('/d/main/t/items?view=grid')).html)).toBe('grid');
    expect(currentView((await page('/d/main/t/items')).html)).toBe('grid');
  });

  it('falls back with a notice when the requested view cannot show the table', async () => {
    const { html } = await page('/d/main/t/lines?view=summary');
    expect(currentView(html)).toBe('grid');
    expect(html).toContain('The view &quot;summary&quot; cannot show this table');
  });

  it('loses a disabled view from the switcher without a restart, and gets it back', async () => {
    await page('/d/main/t/items?view=summary');
    expect((await admin('summary-view', 'disable')).statusCode).toBe(200);
    const disabled = await page('/d/main/t/items');
    expect(switcher(disabled.html)).toEqual(['grid']);
    expect(currentView(disabled.html)).toBe('grid');
    expect((await admin('summary-view', 'enable')).statusCode).toBe(200);
    const enabled = await page('/d/main/t/items');
    expect(switcher(enabled.html)).toEqual(['grid', 'summary']);
    expect(currentView(enabled.html)).toBe('summary');
  });

  it('shows a failing view as an error box and keeps the switcher', async () => {
    const { status, html } = await page('/d/main/t/items?view=grid&fail=1');
    expect(status).toBe(200);
    expect(html).toContain('the grid broke on purpose');
    expect(switcher(html)).toEqual(['grid', 'summary']);
  });

  it('answers an unknown table with an error page a person can act on', async () => {
    const { status, html, headers } = await page('/d/main/t/%3Cscript%3Ex');
    expect(status).toBe(404);
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(html).toContain('data-code="NCF_TABLE_NOT_FOUND"');
    expect(html).not.toContain('<script>x');
  });
});

describe('admin page and admin API', () => {
  it('lists every plugin with version and state, and buttons matching the state', async () => {
    const { html } = await page('/admin');
    expect(html).toMatch(
      /<tr data-plugin="grid-view" data-state="enabled">[\s\S]*?1\.2\.3[\s\S]*?data-action="disable"/,
    );
    await admin('grid-view', 'disable');
    const after = await page('/admin');
    expect(after.html).toMatch(
      /<tr data-plugin="grid-view" data-state="disabled">[\s\S]*?data-action="enable"/,
    );
  });

  it('shows a failed plugin with its error', async () => {
    const { definePlugin } = await import('@nocoflo/sdk');
    await web.host.register(
      definePlugin({
        setup() {
          throw new Error('cannot reach the licence server');
        },
      }),
      { name: 'broken-plugin', version: '0.0.1' },
    );
    const { html } = await page('/admin');
    expect(html).toMatch(
      /data-plugin="broken-plugin" data-state="failed"[\s\S]*?cannot reach the licence server/,
    );
  });

  it('needs the admin token for changes', async () => {
    const none = await admin('grid-view', 'disable', '');
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('NCF_SIGN_IN_REQUIRED');
    expect((await admin('grid-view', 'disable', 'wrong')).statusCode).toBe(401);
    expect(web.host.get('grid-view')?.state).toBe('enabled');
    const reloaded = await admin('grid-view', 'reload');
    expect(reloaded.statusCode).toBe(200);
    expect(web.host.get('grid-view')?.state).toBe('enabled');
  });
});

describe('view assets', () => {
  it('serves a listed asset from the plugin folder', async () => {
    const response = await web.app.inject('/_assets/plugins/grid-view/assets/grid.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/javascript');
    expect(response.body).toContain('grid view script');
  });

  it.each([
    '/_assets/plugins/grid-view/not-an-asset.txt',
    '/_assets/plugins/grid-view/assets/..%2Fnot-an-asset.txt',
    '/_assets/plugins/grid-view/..%2F..%2F..%2F..%2Fpackage.json',
    '/_assets/plugins/grid-view/%2Fetc%2Fpasswd',
    '/_assets/plugins/summary-view/assets/grid.js',
    '/_assets/plugins/nobody/assets/grid.js',
  ])('refuses %s', async (url) => {
    const response = await web.app.inject(url);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('NCF_NOT_FOUND');
  });

  it('stops serving the assets of a disabled plugin', async () => {
    await web.host.disable('grid-view');
    expect((await web.app.inject('/_assets/plugins/grid-view/assets/grid.js')).statusCode).toBe(404);
  });
});
