// Issue #12, item 4: no request stalls the event loop. An upload that is a valid plugin tar
// followed by far more zeros than the limits allow, inside the gzip, is decompressed as a
// stream off the event loop and refused as soon as it passes the byte budget, while the host
// answers other requests. Asserted structurally: how many bytes were decompressed before the
// refusal, and that requests sent during the upload are answered before it is refused.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createHost, type PluginHost, registerAdminApi } from '@nocoflo/host';
import fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { goodPluginTarball } from '../fixtures/tarball.js';
import { tempDir } from '../helpers.js';

const TOKEN = 'bomb-admin-token';
const LIMITS = { maxUnpackedBytes: 1024 * 1024, maxEntries: 16 };
const BUDGET = LIMITS.maxUnpackedBytes + (LIMITS.maxEntries + 2) * 1024;

describe('a decompression bomb uploaded to the install endpoint', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let host: PluginHost;
  let app: FastifyInstance;
  beforeEach(async () => {
    dir = await tempDir();
    await mkdir(join(dir.path, 'plugins'));
    host = await createHost({ root: dir.path, pluginDirs: ['plugins'], scanNodeModules: false });
    await host.start();
    app = fastify();
    await registerAdminApi(app, {
      host,
      adminToken: TOKEN,
      install: { ...LIMITS, installDependencies: false },
    });
  });
  afterEach(async () => {
    await app.close();
    await host.stop();
    await dir.cleanup();
  });

  it('is refused after decompressing at most the budget, and other requests are answered meanwhile', async () => {
    const tar = gunzipSync(goodPluginTarball('@ops/bomb', '1.0.0'));
    const bomb = gzipSync(Buffer.concat([tar, Buffer.alloc(96 * 1024 * 1024)]));
    expect(bomb.length).toBeLessThan(LIMITS.maxUnpackedBytes); // small on the wire

    const order: string[] = [];
    const install = app
      .inject({
        method: 'POST',
        url: '/admin/plugins/install',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/gzip' },
        payload: bomb,
      })
      .then((response) => {
        order.push('install');
        return response;
      });
    const others = Array.from({ length: 5 }, (_, i) =>
      app
        .inject({ method: 'GET', url: '/admin/plugins', headers: { authorization: `Bearer ${TOKEN}` } })
        .then((response) => {
          order.push(`list-${i}`);
          return response.statusCode;
        }),
    );
    const response = await install;
    expect(await Promise.all(others)).toEqual([200, 200, 200, 200, 200]);
    expect(response.statusCode).toBe(400);
    const error = response.json().error;
    expect(error.code).toBe('NCF_INSTALL_REJECTED');
    expect(error.message).toMatch(/decompresses to more than/);
    // Stopped as soon as the budget was passed: one stream chunk past it at most.
    expect(error.details.decompressedBytes).toBeGreaterThan(BUDGET);
    expect(error.details.decompressedBytes).toBeLessThanOrEqual(BUDGET + 256 * 1024);
    // The event loop kept turning: the other requests were answered before the refusal.
    expect(order.indexOf('install')).toBe(order.length - 1);
    expect(host.get('@ops/bomb')).toBeUndefined();
  });

  it('still installs a valid archive within the limits', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/admin/plugins/install',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/gzip' },
      payload: goodPluginTarball('@ops/fine', '1.0.0'),
    });
    expect(response.statusCode).toBe(201);
  });
});
