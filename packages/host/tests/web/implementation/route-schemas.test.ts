/**
 * The account, user, token and audit routes and the page query strings check their input
 * with zod schemas: a request of the wrong shape answers 400 NCF_BAD_REQUEST naming what is
 * wrong, and nothing changes (no user, role, grant, token, setting or audit entry).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

const execFileAsync = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

let web: WebHost;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

beforeEach(async () => {
  web = await startWebHost();
  await web.accounts.createUser('ada', 'editor', 'correct horse');
});
afterEach(async () => {
  await web.close();
});

/** Everything a refused request must leave as it was. */
async function snapshot() {
  const ada = await web.accounts.findUser('ada');
  return {
    users: await web.accounts.listUsers(),
    grants: ada ? await web.accounts.listGrants(ada.id) : [],
    tokens: await web.accounts.listTokens(),
    retention: await web.accounts.readAuditRetention(),
    audit: await web.accounts.listAudit({ limit: 500 }),
  };
}

const post = (url: string, payload: unknown) =>
  web.app.inject({ method: 'POST', url, headers: admin, payload: payload as object });

describe('bodies of the users page and audit actions', () => {
  it.each([
    [
      'a role that is not one',
      '/admin/users',
      { name: 'bob', role: 'root', password: 'a long password' },
      /role/,
    ],
    ['no name', '/admin/users', { role: 'viewer', password: 'a long password' }, /name/],
    ['a name as a number', '/admin/users', { name: 7, password: 'a long password' }, /name/],
    ['an overlong name', '/admin/users', { name: 'x'.repeat(201), password: 'a long password' }, /name/],
    ['a new role that is not one', '/admin/users/ada/role', { role: 'superuser' }, /role/],
    ['no role', '/admin/users/ada/role', {}, /role/],
    ['a password that is a list', '/admin/users/ada/password', { password: ['a', 'b'] }, /password/],
    ['an access that is not one', '/admin/users/ada/grants', { datasource: 'main', access: 'all' }, /access/],
    ['a grant without datasource', '/admin/users/ada/grants', { access: 'read' }, /datasource/],
    ['a token expiring on no date', '/admin/users/ada/tokens', { name: 'ci', expires: 'soon' }, /expires/],
    ['a token role that is not one', '/admin/users/ada/tokens', { name: 'ci', role: 'owner' }, /role/],
    ['retention days that are not a number', '/admin/audit/retention', { days: 'ten' }, /days/],
    ['retention of zero days', '/admin/audit/retention', { days: '0' }, /days/],
    ['retention days as a list', '/admin/audit/retention', { days: ['1', '2'] }, /days/],
    [
      'an admin API token whose permissions are no list',
      '/admin/tokens',
      { name: 'ci', user: 'ada', permissions: 'all' },
      /permissions/,
    ],
    [
      'an admin API token expiring on no date',
      '/admin/tokens',
      { name: 'ci', user: 'ada', expiresAt: 'soon' },
      /expiresAt/,
    ],
    [
      'an admin API token with a role that is not one',
      '/admin/tokens',
      { name: 'ci', user: 'ada', role: 'owner' },
      /role/,
    ],
  ])('refuses %s with 400 and changes nothing', async (_what, url, body, field) => {
    const before = await snapshot();
    const response = await post(url, body);
    expect(response.statusCode, response.body).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('NCF_BAD_REQUEST');
    expect(error.message).toMatch(field);
    expect(await snapshot()).toEqual(before);
  });

  it('accepts the same forms when they are right (the schemas refuse only what is wrong)', async () => {
    expect((await post('/admin/users/ada/role', { role: 'viewer' })).statusCode).toBe(200);
    expect((await web.accounts.findUser('ada'))?.role).toBe('viewer');
    expect((await post('/admin/users/ada/grants', { datasource: 'main', access: 'read' })).statusCode).toBe(
      200,
    );
    expect((await post('/admin/audit/retention', { days: '30' })).statusCode).toBe(200);
    expect(await web.accounts.readAuditRetention()).toBe(30);
    expect((await web.accounts.listAudit({ action: 'audit.retention' }))[0]).toMatchObject({
      actor: 'admin-token',
      detail: { retentionDays: 30 },
    });
    expect((await post('/admin/audit/retention', { days: '' })).statusCode).toBe(200);
    expect(await web.accounts.readAuditRetention()).toBeUndefined();
  });

  it('refuses a sign-in of the wrong shape before any password is checked', async () => {
    const before = await snapshot();
    const response = await web.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { name: { $ne: '' }, password: 'correct horse' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('NCF_BAD_REQUEST');
    // Not even a failed sign-in is recorded: nothing was tried.
    expect(await snapshot()).toEqual(before);
  });
});

describe('page query strings', () => {
  it.each([
    ['an audit page size that is not a number', '/admin/audit?limit=lots', /limit/],
    ['an audit page size over 500', '/admin/audit?limit=501', /limit/],
    ['a sign-in "next" longer than a URL should be', `/sign-in?next=/${'a'.repeat(2001)}`, /next/],
    ['a table page with two views', '/d/main/t/items?view=grid&view=summary', /view/],
    ['a table page whose default is not "site"', '/d/main/t/items?default=everyone', /default/],
  ])('refuses %s with 400 (as a page to a browser, as JSON otherwise)', async (_what, url, field) => {
    const api = await web.app.inject({ url, headers: admin });
    expect(api.statusCode, api.body).toBe(400);
    expect(api.json().error).toMatchObject({ code: 'NCF_BAD_REQUEST' });
    expect(api.json().error.message).toMatch(field);
    const page = await web.app.inject({ url, headers: { ...admin, accept: 'text/html' } });
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('NCF_BAD_REQUEST');
  });

  it('still takes what a view reads from the query (filters, sort, page)', async () => {
    const response = await web.app.inject({
      url: '/d/main/t/items?view=grid&sort=name&filter=%5B%5D',
      headers: { ...admin, accept: 'text/html' },
    });
    expect(response.statusCode).toBe(200);
    const filtered = await web.app.inject({ url: '/admin/audit?actor=cli&limit=10', headers: admin });
    expect(filtered.statusCode).toBe(200);
  });
});

describe('the schema compilers', () => {
  it("are zod's alone: a server never loads Fastify's default Ajv or fast-json-stringify compilers", async () => {
    // Loading them cost about a hundred modules at every start (Fastify's core still needs two
    // small files of fast-json-stringify for its error answers). Checked in a process of its
    // own (the built package), so no other test's Fastify instance can have loaded them.
    const dir = mkdtempSync(join(tmpdir(), 'nocoflo-compilers-'));
    try {
      const script = `
        import { createRequire } from 'node:module';
        import { createHost, createServer } from ${JSON.stringify(pathToFileURL(join(packageDir, 'dist', 'index.js')).href)};
        const host = await createHost({ root: ${JSON.stringify(dir)}, pluginDirs: [], scanNodeModules: false, dataDir: ${JSON.stringify(join(dir, 'data'))} });
        await host.start();
        const app = await createServer({ host, datasources: [], adminToken: 'compilers-token' });
        const refused = await app.inject({ method: 'POST', url: '/admin/users', headers: { authorization: 'Bearer compilers-token' }, payload: { name: 7 } });
        const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => /[\\\\/]node_modules[\\\\/](ajv|@fastify[\\\\/](ajv-compiler|fast-json-stringify-compiler))[\\\\/]|fast-json-stringify[\\\\/]index\\.js$/.test(file));
        console.log(JSON.stringify({ status: refused.statusCode, code: refused.json().error?.code, loaded }));
        await app.close();
        await host.stop();
      `;
      const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: dir,
      });
      const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      expect(result.status).toBe(400);
      expect(result.code).toBe('NCF_BAD_REQUEST');
      expect(result.loaded).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
