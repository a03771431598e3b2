// `nocoflo plugins …` run as a real process: output, JSON and exit codes, against the local
// store and against a running server.
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
import { goodPluginTarball, makeTarball, pluginPackageJson } from '../fixtures/tarball.js';

const NO_TOKEN = { NOCOFLO_ADMIN_TOKEN: undefined };
const CONFIGURED_ENTRY = `import { z } from 'zod';
export default {
  [Symbol.for('nocoflo.plugin')]: true,
  config: z.object({ table: z.string(), limit: z.number().int().positive().default(10) }),
  permissions: [{ key: 'cfg.read', description: 'Read' }],
};
`;

// Each case spawns the CLI a few times; on a loaded machine a spawn takes seconds.
describe('nocoflo plugins (local)', () => {
  let root: string;
  const cli = (...args: string[]) => runChild('cli', ['plugins', ...args, '--root', root], NO_TOKEN);

  beforeEach(async () => {
    root = resolvableTempRoot();
    const plugins = join(root, 'plugins');
    await mkdir(plugins, { recursive: true });
    writePluginDir(plugins, 'alpha', 'ops-alpha', { version: '1.2.3' });
    writePluginDir(plugins, 'beta', 'ops-beta', { manifest: { dependencies: { 'ops-alpha': '^1.0.0' } } });
    writePluginDir(plugins, 'cfg', 'ops-cfg', {
      files: { 'migrations/0001_init.sql': 'CREATE TABLE cfg_t (id INTEGER);' },
    });
    await writeFile(join(plugins, 'cfg', 'index.js'), CONFIGURED_ENTRY);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('lists plugins as a table and as JSON', async () => {
    const table = await cli('list');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+STATE\s+SOURCE\s+NOTE$/);
    expect(table.stdout).toMatch(/ops-alpha\s+1\.2\.3\s+enabled\s+directory/);
    const json = await cli('list', '--json');
    expect(JSON.parse(json.stdout).map((p: { name: string }) => p.name)).toEqual([
      'ops-alpha',
      'ops-beta',
      'ops-cfg',
    ]);
  });

  it('exits 1 when a plugin is invalid, with the reason in the table', async () => {
    await mkdir(join(root, 'plugins', 'broken'));
    await writeFile(
      join(root, 'plugins', 'broken', 'package.json'),
      pluginPackageJson('ops-broken', '1.0.0', { nocoflo: { host: 'not a range' } }),
    );
    const result = await cli('list');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/ops-broken\s+1\.0\.0\s+failed\s+directory\s+.*host/);
  });

  it('disables and enables in the metadata store; an unknown name exits 3', async () => {
    expect((await cli('disable', 'ops-alpha')).code).toBe(0);
    const store = await openMetadataStore(join(root, '.nocoflo', 'metadata.db'));
    expect((await store.readPluginStates()).get('ops-alpha')).toMatchObject({
      enabled: false,
      version: '1.2.3',
    });
    await store.close();
    expect(JSON.parse((await cli('list', '--json')).stdout)[0].state).toBe('disabled');
    expect((await cli('enable', 'ops-alpha')).code).toBe(0);

    const unknown = await cli('disable', 'ops-nope');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/NCF_PLUGIN_NOT_FOUND.*ops-nope/);
    const asJson = await cli('disable', 'ops-nope', '--json');
    expect(JSON.parse(asJson.stdout).error.code).toBe('NCF_PLUGIN_NOT_FOUND');
  });

  it('validates a plugin folder; a broken one exits 2 with the reason', async () => {
    const good = await runChild('cli', ['plugins', 'validate', join(root, 'plugins', 'cfg'), '--json']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({
      valid: true,
      name: 'ops-cfg',
      config: true,
      permissions: ['cfg.read'],
      migrations: ['0001_init'],
    });

    await writeFile(join(root, 'plugins', 'alpha', 'package.json'), '{ "name": "ops-alpha", ');
    const bad = await runChild('cli', ['plugins', 'validate', join(root, 'plugins', 'alpha')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NCF_PACKAGE_JSON_UNREADABLE/);
  });

  it("validates config with the plugin's schema: an invalid value exits 2 with path and reason and is not stored", async () => {
    const bad = await cli('config', 'ops-cfg', '{"table":"orders","limit":0}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/NCF_CONFIG_INVALID.*limit: /);
    expect(JSON.parse((await cli('config', 'ops-cfg')).stdout)).toBeNull();

    const notJson = await cli('config', 'ops-cfg', '{table:');
    expect(notJson.code).toBe(2);

    expect((await cli('config', 'ops-cfg', '{"table":"orders"}')).code).toBe(0);
    expect(JSON.parse((await cli('config', 'ops-cfg')).stdout)).toEqual({ table: 'orders' });
    expect((await cli('config', 'ops-cfg', '--unset')).code).toBe(0);
    expect(JSON.parse((await cli('config', 'ops-cfg')).stdout)).toBeNull();
  });

  it('reads a config value from the config file when none is stored', async () => {
    await writeFile(
      join(root, 'nocoflo.config.json'),
      JSON.stringify({ plugins: { 'ops-cfg': { table: 'from-file' } } }),
    );
    expect(JSON.parse((await cli('config', 'ops-cfg')).stdout)).toEqual({ table: 'from-file' });
  });

  it('installs a tarball and uninstalls it; a bad tarball exits 2 and changes nothing', async () => {
    const tarball = join(root, 'hello.tgz');
    await writeFile(tarball, goodPluginTarball('@ops/hello', '1.0.0'));
    const installed = await cli('install', tarball, '--json');
    expect(installed.code).toBe(0);
    expect(JSON.parse(installed.stdout)).toMatchObject({ name: '@ops/hello', version: '1.0.0' });
    expect(existsSync(join(root, 'plugins', '@ops+hello', 'package.json'))).toBe(true);

    const evil = join(root, 'evil.tgz');
    await writeFile(evil, makeTarball([{ path: 'package/../../../evil.js', content: 'x' }]));
    const refused = await cli('install', evil);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/NCF_INSTALL_REJECTED/);
    expect(existsSync(join(root, 'evil.js'))).toBe(false);

    const dependents = await cli('uninstall', 'ops-alpha');
    expect(dependents.code).toBe(5);
    expect(dependents.stderr).toMatch(/NCF_HAS_DEPENDENTS.*ops-beta/);
    expect((await cli('uninstall', '@ops/hello')).code).toBe(0);
    expect(existsSync(join(root, 'plugins', '@ops+hello'))).toBe(false);
  });

  it('reload needs a running server: exits 2 without --url', async () => {
    const result = await cli('reload', 'ops-alpha');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--url/);
  });
});

describe('nocoflo plugins --url (a running server)', () => {
  const TOKEN = 'cli-remote-token';
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
    await registerAdminApi(app, { host: hostRef, adminToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    close = async () => {
      await app.close();
      await hostRef.stop();
      await rm(root, { recursive: true, force: true });
    };
  });
  afterAll(() => close());

  const remote = (token: string | undefined, ...args: string[]) =>
    runChild('cli', ['plugins', ...args, '--url', url], { NOCOFLO_ADMIN_TOKEN: token });

  it('lists and disables through the admin API', async () => {
    const list = await remote(TOKEN, 'list', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ name: 'ops-alpha', state: 'enabled' });
    const disabled = await remote(TOKEN, 'disable', 'ops-alpha');
    expect(disabled.code).toBe(0);
    expect(hostRef.get('ops-alpha')?.state).toBe('disabled');
    expect((await remote(TOKEN, 'reload', 'ops-alpha')).code).toBe(0);
    expect((await remote(TOKEN, 'enable', 'ops-alpha')).code).toBe(0);
    expect(hostRef.get('ops-alpha')?.state).toBe('enabled');
  });

  it('exits 4 without the token or with a wrong one, changing nothing', async () => {
    const missing = await remote(undefined, 'disable', 'ops-alpha');
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/NOCOFLO_ADMIN_TOKEN/);
    const wrong = await remote('not-the-token', 'disable', 'ops-alpha');
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/NCF_UNAUTHORIZED/);
    expect(hostRef.get('ops-alpha')?.state).toBe('enabled');
  });

  it('exits 3 for an unknown plugin and 6 when the server cannot be reached', async () => {
    expect((await remote(TOKEN, 'info', 'ops-nope')).code).toBe(3);
    const unreachable = await runChild('cli', ['plugins', 'list', '--url', 'http://127.0.0.1:1'], {
      NOCOFLO_ADMIN_TOKEN: TOKEN,
    });
    expect(unreachable.code).toBe(6);
    expect(unreachable.stderr).toMatch(/NCF_CONNECTION_FAILED/);
  });
});
