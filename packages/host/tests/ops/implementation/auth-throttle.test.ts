// Issue #12, item 9: guessing the admin token is throttled. Failed authentications are
// counted per client address (the rate-limit plugin); over the limit the address gets 429
// NCF_RATE_LIMITED with Retry-After, even for the right token, and it is logged. Other
// addresses and requests without a credential are not affected.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, createServer, type PluginHost } from '@nocoflo/host';
import type { Logger } from '@nocoflo/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const TOKEN = 'throttle-admin-token';

describe('failed admin authentications are rate-limited per client address', () => {
  let root: string;
  let host: PluginHost;
  let app: Awaited<ReturnType<typeof createServer>>;
  const warnings: { message: string; data?: Record<string, unknown> }[] = [];
  beforeEach(async () => {
    warnings.length = 0;
    root = mkdtempSync(join(tmpdir(), 'ncf-throttle-'));
    const logger: Logger = {
      debug: () => {},
      info: () => {},
      warn: (message, data) => warnings.push({ message, ...(data ? { data } : {}) }),
      error: () => {},
    };
    host = await createHost({ root, pluginDirs: [], scanNodeModules: false, logger });
    await host.start();
    app = await createServer({
      host,
      adminToken: TOKEN,
      datasources: [],
      authRateLimit: { max: 5, timeWindowMs: 60_000 },
    });
  });
  afterEach(async () => {
    await app.close();
    await host.stop();
    rmSync(root, { recursive: true, force: true });
  });

  const admin = (token: string, remoteAddress = '203.0.113.7') =>
    app.inject({
      method: 'GET',
      url: '/admin/plugins',
      headers: { authorization: `Bearer ${token}` },
      remoteAddress,
    });

  it('answers 401 up to the limit, then 429 with Retry-After even for the right token; logs it', async () => {
    for (let i = 0; i < 5; i++) expect((await admin(`guess-${i}`)).statusCode).toBe(401);
    const throttled = await admin('guess-5');
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('NCF_RATE_LIMITED');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // The right token is not confirmed from a throttled address…
    expect((await admin(TOKEN)).statusCode).toBe(429);
    // …but works from another one, and guesses there are counted on their own.
    expect((await admin(TOKEN, '198.51.100.2')).statusCode).toBe(200);
    expect((await admin('wrong', '198.51.100.2')).statusCode).toBe(401);
    // Requests without a credential are not guesses.
    for (let i = 0; i < 8; i++) {
      expect(
        (await app.inject({ method: 'GET', url: '/api/datasources', remoteAddress: '203.0.113.7' }))
          .statusCode,
      ).not.toBe(429);
    }
    expect(
      warnings.filter((w) => w.message === 'failed authentication' && w.data?.ip === '203.0.113.7').length,
    ).toBe(6);
    expect(
      warnings.some((w) => w.message === 'throttling failed authentications' && w.data?.ip === '203.0.113.7'),
    ).toBe(true);
  });

  it('never throttles the right token from an address that did not fail', async () => {
    for (let i = 0; i < 20; i++) expect((await admin(TOKEN, '192.0.2.1')).statusCode).toBe(200);
  });
});
