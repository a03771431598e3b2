// Installs shared by the hosts of one metadata store: the tarball and its integrity are
// recorded in the store, and every other host applies them from there (PostgreSQL: at once,
// through NOTIFY; any store: at its next start).
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHost, type PluginHost } from '@nocoflo/host';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createOfflineHost,
  installPlugin,
  PACKAGE_MARKER,
  packageIntegrity,
  uninstallPlugin,
} from '../../../src/install/index.js';
import { PostgresMetadataStore, SqliteMetadataStore } from '../../../src/store/index.js';
import { goodPluginTarball } from '../fixtures/tarball.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, tempDir, uniqueSchema, waitFor } from '../helpers.js';

const hasPostgres = await postgresAvailable();

describe('installed packages in the store', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('a SQLite store keeps tarball and integrity; a restarted host re-applies what its folder lost', async () => {
    const storePath = join(dir.path, 'metadata.db');
    const root = join(dir.path, 'app');
    await mkdir(join(root, 'plugins'), { recursive: true });
    const bytes = goodPluginTarball('@ops/kept', '1.0.0');
    const open = async () =>
      createHost({
        root,
        scanNodeModules: false,
        store: await SqliteMetadataStore.open(storePath),
        isolation: { default: 'inline' },
      });
    let host = await open();
    await host.start();
    await host.install({ data: bytes });
    await host.stop();

    const store = await SqliteMetadataStore.open(storePath);
    const stored = await store.readInstalledPackage('@ops/kept');
    expect(stored?.version).toBe('1.0.0');
    expect(stored?.integrity).toBe(packageIntegrity(bytes));
    expect(Buffer.from(stored?.tarball ?? []).equals(bytes)).toBe(true);
    expect(await store.listInstalledPackages()).toEqual([
      expect.objectContaining({ name: '@ops/kept', size: bytes.length }),
    ]);
    // Writing the same bytes again changes nothing (and so notifies no one).
    expect(
      await store.writeInstalledPackage({
        name: '@ops/kept',
        version: '1.0.0',
        integrity: packageIntegrity(bytes),
        size: bytes.length,
        tarball: bytes,
      }),
    ).toBe(false);
    await store.close();

    // The folder disappears (a fresh machine, a wiped disk): the store brings it back.
    await rm(join(root, 'plugins', '@ops+kept'), { recursive: true });
    host = await open();
    await host.start();
    expect(host.get('@ops/kept')?.state).toBe('enabled');
    const marker = JSON.parse(await readFile(join(root, 'plugins', '@ops+kept', PACKAGE_MARKER), 'utf8'));
    expect(marker.integrity).toBe(packageIntegrity(bytes));
    await host.uninstall('@ops/kept');
    await host.stop();

    const after = await SqliteMetadataStore.open(storePath);
    expect(await after.listInstalledPackages()).toEqual([]);
    await after.close();
  });

  it('an install and uninstall made offline (the CLI) are recorded in the store too', async () => {
    const store = await SqliteMetadataStore.open(join(dir.path, 'metadata.db'));
    try {
      const host = createOfflineHost({
        root: join(dir.path, 'app'),
        packages: store,
        scanNodeModules: false,
      });
      await installPlugin(host, { data: goodPluginTarball('@ops/offline', '1.2.0') });
      expect((await store.listInstalledPackages()).map((p) => `${p.name}@${p.version}`)).toEqual([
        '@ops/offline@1.2.0',
      ]);
      await uninstallPlugin(host, '@ops/offline');
      expect(await store.listInstalledPackages()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a plugin put in the folder by hand is never removed by reconciling', async () => {
    const storePath = join(dir.path, 'metadata.db');
    const root = join(dir.path, 'app');
    const { writePluginDir } = await import('../fixtures/plugin-dirs.js');
    writePluginDir(join(root, 'plugins'), 'by-hand', 'ops-by-hand');
    const host = await createHost({
      root,
      scanNodeModules: false,
      store: await SqliteMetadataStore.open(storePath),
      isolation: { default: 'inline' },
    });
    await host.start();
    expect(host.get('ops-by-hand')?.state).toBe('enabled');
    await host.stop();
    expect(existsSync(join(root, 'plugins', 'by-hand'))).toBe(true);
  });
});

describe.skipIf(!hasPostgres)('hosts sharing a PostgreSQL store install as one', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let schema: string;
  const hosts: PluginHost[] = [];
  const roots: string[] = [];

  const startHost = async (index: number) => {
    const root = join(dir.path, `host-${index}`);
    await mkdir(join(root, 'plugins'), { recursive: true });
    roots[index] = root;
    const store = await PostgresMetadataStore.open(POSTGRES_URL, { schema });
    const host = await createHost({ root, scanNodeModules: false, store, isolation: { default: 'inline' } });
    await host.start();
    await store.listening();
    hosts[index] = host;
    return host;
  };

  beforeEach(async () => {
    dir = await tempDir();
    schema = uniqueSchema('ncf_repl');
    for (let i = 0; i < 3; i++) await startHost(i);
  });

  afterEach(async () => {
    for (const host of hosts.splice(0)) await host?.stop();
    await dropSchema(schema);
    await dir.cleanup();
  });

  const versions = (name: string) =>
    hosts.map((host) => `${host.get(name)?.version}:${host.get(name)?.state}`);

  it('install, upgrade and uninstall on one host happen on every host', async () => {
    const [a, b] = hosts as [PluginHost, PluginHost, PluginHost];
    await a.install({ data: goodPluginTarball('@ops/shared', '1.0.0') });
    await waitFor(() => versions('@ops/shared').every((v) => v === '1.0.0:enabled'));

    await b.install({ data: goodPluginTarball('@ops/shared', '1.1.0') });
    await waitFor(() => versions('@ops/shared').every((v) => v === '1.1.0:enabled'));
    for (const root of roots) {
      const pkg = JSON.parse(await readFile(join(root, 'plugins', '@ops+shared', 'package.json'), 'utf8'));
      expect(pkg.version).toBe('1.1.0');
    }

    await a.uninstall('@ops/shared');
    await waitFor(() =>
      hosts.every(
        (host, i) =>
          host.get('@ops/shared') === undefined &&
          !existsSync(join(roots[i] as string, 'plugins', '@ops+shared')),
      ),
    );
  });

  it('an install whose permissions one operator approved is followed everywhere, with the approval', async () => {
    const [a, b] = hosts as [PluginHost, PluginHost, PluginHost];
    const asks = { env: ['TZ'] };
    await a.install(
      { data: goodPluginTarball('@ops/asking', '1.0.0', { manifest: { permissions: asks } }) },
      { approvePermissions: { addons: false, fsRead: [], env: ['TZ'] } },
    );
    await waitFor(() => versions('@ops/asking').every((v) => v === '1.0.0:enabled'));
    const store = await PostgresMetadataStore.open(POSTGRES_URL, { schema });
    try {
      expect((await store.readInstalledPackage('@ops/asking'))?.permissions).toEqual({
        addons: false,
        fsRead: [],
        env: ['TZ'],
      });
    } finally {
      await store.close();
    }
    expect(b.approvedPermissions('@ops/asking')?.permissions.env).toEqual(['TZ']);
  });

  it('a host that was down catches up at start: installs made and uninstalls done meanwhile', async () => {
    const [a] = hosts as [PluginHost, PluginHost, PluginHost];
    await a.install({ data: goodPluginTarball('@ops/gone', '1.0.0') });
    await waitFor(() => versions('@ops/gone').every((v) => v === '1.0.0:enabled'));
    await hosts[2]?.stop();
    await a.uninstall('@ops/gone');
    await a.install({ data: goodPluginTarball('@ops/new', '2.0.0') });
    const late = await startHost(2);
    expect(late.get('@ops/gone')).toBeUndefined();
    expect(existsSync(join(roots[2] as string, 'plugins', '@ops+gone'))).toBe(false);
    expect(late.get('@ops/new')?.version).toBe('2.0.0');
    expect(late.get('@ops/new')?.state).toBe('enabled');
  });

  it('a stored tarball that does not match its integrity is refused, and nothing changes', async () => {
    const [a, b] = hosts as [PluginHost, PluginHost, PluginHost];
    await a.install({ data: goodPluginTarball('@ops/tampered', '1.0.0') });
    await waitFor(() => versions('@ops/tampered').every((v) => v === '1.0.0:enabled'));
    // Someone with write access to the store swaps the bytes of a new version in.
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const good = goodPluginTarball('@ops/tampered', '1.1.0');
      const evil = goodPluginTarball('@ops/tampered', '1.1.0', { entry: 'export default 42;' });
      await admin.query(
        `UPDATE "${schema}".installed_packages SET version = '1.1.0', integrity = $1, tarball = $2 WHERE name = '@ops/tampered'`,
        [packageIntegrity(good), evil],
      );
      await admin.query('SELECT pg_notify($1, $2)', [
        `nocoflo:${schema}`,
        JSON.stringify({ origin: 'test', plugin: '@ops/tampered', kind: 'package' }),
      ]);
    } finally {
      await admin.end();
    }
    // A marker notification after the forged one tells us b has handled it.
    await a.install({ data: goodPluginTarball('@ops/marker', '1.0.0') });
    await waitFor(() => b.get('@ops/marker')?.state === 'enabled');
    expect(b.get('@ops/tampered')?.version).toBe('1.0.0');
  });
});
