// `nocoflo plugins set-isolation` and the permission approval of `nocoflo plugins install`,
// run as a real process (no terminal: a prompt cannot be answered, so only the flag approves),
// against the local store and against a running server.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createHost } from '@nocoflo/host';
import fastify from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerAdminApi } from '../../../src/server/admin-api/index.js';
import { openMetadataStore } from '../../../src/store/index.js';
import { resolvableTempRoot, runChild } from '../fixtures/child-process.js';
import { writePluginDir } from '../fixtures/plugin-dirs.js';
import { goodPluginTarball } from '../fixtures/tarball.js';

const NO_TOKEN = { NOCOFLO_ADMIN_TOKEN: undefined };
const ASKS = { entry: './index.js', host: '>=0.0.0', permissions: { env: ['TZ'], fsRead: ['/srv/maps'] } };

describe('nocoflo plugins set-isolation and install approval (local)', () => {
  let root: string;
  const cli = (...args: string[]) => runChild('cli', ['plugins', ...args, '--root', root], NO_TOKEN);
  const trust = async () => {
    const store = await openMetadataStore(join(root, '.nocoflo', 'metadata.db'));
    try {
      return await store.readPluginTrust();
    } finally {
      await store.close();
    }
  };

  beforeEach(async () => {
    root = resolvableTempRoot();
    await mkdir(join(root, 'plugins'), { recursive: true });
    writePluginDir(join(root, 'plugins'), 'alpha', 'ops-alpha');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores the level; inline needs --trusted; default drops it; info shows it', async () => {
    const set = await cli('set-isolation', 'ops-alpha', 'process', '--max-heap-mb', '128', '--json');
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout).runtime).toMatchObject({
      isolation: 'process',
      isolationSource: 'operator',
      maxHeapMb: 128,
    });
    expect((await trust()).get('ops-alpha')).toMatchObject({ isolation: 'process', maxHeapMb: 128 });
    const info = await cli('info', 'ops-alpha');
    expect(info.stdout).toMatch(/isolation\s+process \(set with set-isolation\), heap limit 128 MB/);

    const refused = await cli('set-isolation', 'ops-alpha', 'inline');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/NCF_ISOLATION_REFUSED.*trusted/);
    expect((await trust()).get('ops-alpha')?.isolation).toBe('process');
    expect((await cli('set-isolation', 'ops-alpha', 'inline', '--trusted')).code).toBe(0);
    expect((await trust()).get('ops-alpha')?.isolation).toBe('inline');

    // The config file names a level; the stored one wins until dropped.
    await writeFile(
      join(root, 'nocoflo.config.json'),
      JSON.stringify({ isolation: { plugins: { 'ops-alpha': 'worker' } } }),
    );
    expect(JSON.parse((await cli('info', 'ops-alpha', '--json')).stdout).plugin.runtime.isolation).toBe(
      'inline',
    );
    const dropped = await cli('set-isolation', 'ops-alpha', 'default', '--max-heap-mb', 'default', '--json');
    expect(JSON.parse(dropped.stdout).runtime).toMatchObject({
      isolation: 'worker',
      isolationSource: 'config',
    });
    expect((await trust()).get('ops-alpha')?.isolation).toBeUndefined();

    const unknown = await cli('set-isolation', 'ops-nope', 'worker');
    expect(unknown.code).toBe(3);
  });

  it('installs a plugin asking for permissions only with --approve-permissions, and stores the approval', async () => {
    const tarball = join(root, 'maps.tgz');
    await writeFile(tarball, goodPluginTarball('@ops/maps', '1.0.0', { manifest: ASKS }));
    const refused = await cli('install', tarball);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/NCF_PERMISSIONS_NOT_APPROVED.*read \/srv\/maps, env TZ/);
    expect(existsSync(join(root, 'plugins', '@ops+maps'))).toBe(false);

    const approved = await cli('install', tarball, '--approve-permissions');
    expect(approved.code).toBe(0);
    // What it asks for is shown, then approved.
    expect(approved.stderr).toMatch(/asks for:\n {2}- read \/srv\/maps\n {2}- env TZ/);
    expect(existsSync(join(root, 'plugins', '@ops+maps', 'package.json'))).toBe(true);
    expect((await trust()).get('@ops/maps')?.approved).toMatchObject({
      by: 'cli',
      version: '1.0.0',
      permissions: { env: ['TZ'], fsRead: ['/srv/maps'], addons: false },
    });
    const info = await cli('info', '@ops/maps');
    expect(info.stdout).toMatch(/approved\s+by cli at .* \(version 1\.0\.0\)/);
    expect(info.stdout).toMatch(/asks for\s+reads \/srv\/maps; env TZ/);
  });
});

describe('nocoflo plugins set-isolation and install approval --url (a running server)', () => {
  const TOKEN = 'cli-isolation-token';
  let root: string;
  let url: string;
  let close: () => Promise<void>;
  let hostRef: Awaited<ReturnType<typeof createHost>>;

  beforeAll(async () => {
    root = resolvableTempRoot();
    await mkdir(join(root, 'plugins'), { recursive: true });
    writePluginDir(join(root, 'plugins'), 'alpha', 'ops-alpha');
    hostRef = await createHost({ root, pluginDirs: ['plugins'], scanNodeModules: false });
    await hostRef.start();
    const app = fastify();
    await registerAdminApi(app, {
      host: hostRef,
      adminToken: TOKEN,
      install: { installDependencies: false },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    close = async () => {
      await app.close();
      await hostRef.stop();
      await rm(root, { recursive: true, force: true });
    };
  });
  afterAll(() => close());

  const remote = (...args: string[]) =>
    runChild('cli', ['plugins', ...args, '--url', url], { NOCOFLO_ADMIN_TOKEN: TOKEN });

  it('moves a running plugin at once', async () => {
    expect(hostRef.get('ops-alpha')?.runtime?.isolation).toBe('worker');
    const moved = await remote('set-isolation', 'ops-alpha', 'process');
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/ops-alpha runs at the process level.*enabled/);
    expect(hostRef.get('ops-alpha')).toMatchObject({ state: 'enabled', runtime: { isolation: 'process' } });
    const refused = await remote('set-isolation', 'ops-alpha', 'inline');
    expect(refused.code).toBe(2);
    expect(hostRef.get('ops-alpha')?.runtime?.isolation).toBe('process');
  });

  it('installs through the admin API once the permissions the server reports are approved', async () => {
    const tarball = join(root, 'maps.tgz');
    await writeFile(tarball, goodPluginTarball('@ops/maps', '1.0.0', { manifest: ASKS }));
    const refused = await remote('install', tarball);
    expect(refused.code).toBe(4);
    expect(refused.stderr).toMatch(/NCF_PERMISSIONS_NOT_APPROVED/);
    expect(hostRef.get('@ops/maps')).toBeUndefined();

    const approved = await remote('install', tarball, '--yes', '--json');
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({
      name: '@ops/maps',
      state: 'enabled',
      runtime: { approval: { version: '1.0.0', by: 'admin-token' } },
    });
  });
});
