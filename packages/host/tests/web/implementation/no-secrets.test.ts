// Issue #12, item 8: no secret or internal path on a page or API answer without the admin
// token. Datasource URLs with credentials in every form, absolute SQLite paths, and error
// text quoting them are redacted by the SDK's one function and shown relative to the
// host's root; the /admin page shows plugin errors only to the token holder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineDatasource, definePlugin } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHost } from '../../../src/create-host.js';
import { createServer } from '../../../src/server/index.js';
import type { PluginHost } from '../../../src/types.js';

const TOKEN = 'no-secrets-admin-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const SECRETS = ['Hunter2Secret', 'p@ss@Word9', 'SslPassPhrase7', 'QueryToken42', 'plugin-api-key-XYZ123'];

// A careless datasource plugin: its errors quote the URL (and file) it was given, verbatim.
const careless = definePlugin({
  datasources: [
    defineDatasource({
      name: 'careless',
      schemes: ['postgres', 'sqlite', 'rest'],
      async open(url, { cwd }) {
        const file = url.startsWith('sqlite:') ? resolve(cwd ?? '', url.slice('sqlite:'.length)) : url;
        throw new Error(`could not open ${url} (file ${file})`);
      },
    }),
  ],
});

const leaky = definePlugin({
  setup() {
    throw new Error('upstream said 401 for api_key plugin-api-key-XYZ123');
  },
});

describe('no secret or internal path without the admin token', () => {
  let root: string;
  let host: PluginHost;
  let app: Awaited<ReturnType<typeof createServer>>;
  let sqliteFile: string;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'ncf-secrets-'));
    sqliteFile = join(root, 'data', 'shop.db');
    host = await createHost({ root, pluginDirs: [], scanNodeModules: false });
    await host.start();
    await host.register(careless, { name: 'careless' });
    await host.register(leaky, { name: 'leaky' });
    app = await createServer({
      host,
      adminToken: TOKEN,
      datasources: [
        'postgres://app:Hunter2Secret@db.internal:5432/shop',
        'postgres://app:p@ss@Word9@db.internal:5432/other',
        'postgres://app@db.internal:5432/third?sslmode=require&sslpassword=SslPassPhrase7&sslkey=/home/app/key.pem',
        'rest://api.example/items?token=QueryToken42',
        `sqlite:${sqliteFile}`,
      ],
    });
  });
  afterEach(async () => {
    await app.close();
    await host.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const expectClean = (text: string) => {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain('/home/app/key.pem');
    expect(text).not.toContain(root);
  };

  it('/api/datasources shows redacted URLs and the SQLite file relative to the root', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/datasources', headers: auth });
    expectClean(response.body);
    const urls = response.json().datasources.map((d: { url: string }) => d.url);
    expect(urls).toContain('sqlite:data/shop.db');
    expect(urls).toContain('postgres://app:***@db.internal:5432/shop');
    expect(urls).toContain('postgres://app:***@db.internal:5432/other');
  });

  it('the home page and every data API error leave credentials and paths out', async () => {
    const home = await app.inject({ method: 'GET', url: '/', headers: { accept: 'text/html', ...auth } });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('could not open');
    expectClean(home.body);
    const ids = (await app.inject({ method: 'GET', url: '/api/datasources', headers: auth }))
      .json()
      .datasources.map((d: { id: string }) => d.id);
    for (const id of ids) {
      const response = await app.inject({
        method: 'GET',
        url: `/api/datasources/${id}/tables`,
        headers: auth,
      });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expectClean(response.body);
    }
  });

  it('/admin shows a plugin error only to a caller holding the token', async () => {
    expect(host.get('leaky')?.state).toBe('failed');
    const anonymous = await app.inject({ method: 'GET', url: '/admin', headers: { accept: 'text/html' } });
    expect(anonymous.body).not.toContain('upstream said 401');
    expectClean(anonymous.body);
    const wrong = await app.inject({
      method: 'GET',
      url: '/admin',
      headers: { accept: 'text/html', authorization: 'Bearer not-the-token' },
    });
    expect(wrong.body).not.toContain('upstream said 401');
    const admin = await app.inject({
      method: 'GET',
      url: '/admin',
      headers: { accept: 'text/html', authorization: `Bearer ${TOKEN}` },
    });
    expect(admin.body).toContain('upstream said 401');
  });
});
