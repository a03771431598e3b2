/**
 * Cross-site protection: a DNS-rebinding page (a foreign `Host`) and a cross-site write (a
 * foreign `Origin`, or `Sec-Fetch-Site: cross-site`) get 403 and change nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from '../../../src/server/index.js';
import { hostName } from '../../../src/server/plugins/cross-site.js';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

let web: WebHost;
beforeEach(async () => {
  web = await startWebHost();
});
afterEach(async () => {
  await web.close();
});

const rows = '/api/datasources/main/tables/items/rows';
const patch = (headers: Record<string, string>) =>
  web.app.inject({
    method: 'PATCH',
    url: rows,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers },
    payload: { key: { id: 1 }, changes: { label: 'pwned' } },
  });
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const labelOfRow1 = () => web.data.items.find((row) => row.id === 1)?.label;

describe('cross-site protection', () => {
  it('refuses a DNS-rebinding write (Host and Origin evil.example) with 403 and changes nothing', async () => {
    const before = labelOfRow1();
    const response = await patch({ host: 'evil.example', origin: 'https://evil.example' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('NCF_HOST_NOT_ALLOWED');
    expect(labelOfRow1()).toBe(before);
  });

  it('refuses reads and pages addressed to a name the operator did not allow', async () => {
    for (const url of ['/', '/api/datasources', '/admin', '/admin/plugins']) {
      const response = await web.app.inject({ method: 'GET', url, headers: { host: 'evil.example:3000' } });
      expect(response.statusCode, url).toBe(403);
    }
  });

  it('refuses a write from another origin to an allowed host', async () => {
    const before = labelOfRow1();
    const foreign = await patch({ host: '127.0.0.1:3000', origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('NCF_CROSS_SITE_REFUSED');
    const otherPort = await patch({ host: '127.0.0.1:3000', origin: 'http://127.0.0.1:4000' });
    expect(otherPort.statusCode).toBe(403);
    const nullOrigin = await patch({ host: '127.0.0.1:3000', origin: 'null' });
    expect(nullOrigin.statusCode).toBe(403);
    const fetchSite = await patch({ host: 'localhost:3000', 'sec-fetch-site': 'cross-site' });
    expect(fetchSite.statusCode).toBe(403);
    expect(labelOfRow1()).toBe(before);
  });

  it('lets same-origin writes and loopback names through', async () => {
    const sameOrigin = await patch({ host: 'localhost:3000', origin: 'http://localhost:3000' });
    expect(sameOrigin.statusCode).toBe(200);
    expect(labelOfRow1()).toBe('pwned');
    for (const host of ['127.0.0.1:8080', '[::1]:8080', 'app.localhost']) {
      const read = await web.app.inject({
        method: 'GET',
        url: '/api/datasources',
        headers: { host, ...auth },
      });
      expect(read.statusCode, host).toBe(200);
    }
  });

  it('answers the names given as allowed hosts, and only those', async () => {
    const app = await createServer({
      host: web.host,
      datasources: ['shop://local/main'],
      adminToken: ADMIN_TOKEN,
      allowedHosts: ['Data.Example.org'],
    });
    try {
      const allowed = await app.inject({
        url: '/api/datasources',
        headers: { host: 'data.example.org', ...auth },
      });
      expect(allowed.statusCode).toBe(200);
      const other = await app.inject({ url: '/api/datasources', headers: { host: 'evil.example' } });
      expect(other.statusCode).toBe(403);
      expect(other.json().error.hint).toContain('--allowed-host evil.example');
    } finally {
      await app.close();
    }
  });

  it('reads host names from Host headers', () => {
    expect(hostName('LocalHost:3000')).toBe('localhost');
    expect(hostName('[::1]:80')).toBe('::1');
    expect(hostName('::1')).toBe('::1');
    expect(hostName('example.org')).toBe('example.org');
  });
});
