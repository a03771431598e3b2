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
  readPackageMarker,
  replicaOf,
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

/**
 * A SQLite store whose calls are counted, and whose next `readPluginTrust` (the first step of
 * an install applied from the store) can be held until the test lets it go.
 */
function observedStore(store: SqliteMetadataStore) {
  const calls: string[] = [];
  let hold: { reached: () => void; release: Promise<void> } | undefined;
  const proxy = new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        const held = key === 'readPluginTrust' ? hold : undefined;
        if (!held) return value.apply(target, args);
        hold = undefined;
        held.reached();
        return held.release.then(() => value.apply(target, args));
      };
    },
  });
  return {
    store: proxy,
    calls,
    /** Holds the next trust read; resolves once it is reached, with the function that lets it go. */
    holdNextTrustRead(): Promise<() => void> {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      return new Promise((resolve) => {
        hold = { reached: () => resolve(release), release: released };
      });
    },
  };
}

describe("changes applied from the store, beside the operator's own on the same host", () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let sqlite: SqliteMetadataStore;
  let host: PluginHost;
  let observed: ReturnType<typeof observedStore>;

  beforeEach(async () => {
    dir = await tempDir();
    await mkdir(join(dir.path, 'app', 'plugins'), { recursive: true });
    sqlite = await SqliteMetadataStore.open(join(dir.path, 'metadata.db'));
    observed = observedStore(sqlite);
    host = await createHost({
      root: join(dir.path, 'app'),
      scanNodeModules: false,
      store: observed.store,
      isolation: { default: 'inline' },
    });
    await host.start();
  });
  afterEach(async () => {
    await host.stop();
    await dir.cleanup();
  });

  /** Records a package as another host sharing the store would. */
  const recordElsewhere = (bytes: Buffer, name: string, version: string) =>
    sqlite.writeInstalledPackage({
      name,
      version,
      integrity: packageIntegrity(bytes),
      size: bytes.length,
      tarball: bytes,
    });

  it('an install made here while one from the store is applied is recorded, and the host ends at the stored version', async () => {
    const replica = replicaOf(host);
    if (!replica) throw new Error('a SQLite store records installed packages: the host has a replica');
    const v1 = goodPluginTarball('@ops/race', '1.0.0');
    const v2 = goodPluginTarball('@ops/race', '1.1.0');
    await recordElsewhere(v1, '@ops/race', '1.0.0');

    // Another host's 1.0.0 is being applied here (held at its first step) when the operator
    // installs 1.1.0 on this host.
    const held = observed.holdNextTrustRead();
    const following = replica.follow('@ops/race');
    const release = await held;
    try {
      const local = await host.install({ data: v2 });
      expect(local.version).toBe('1.1.0');
      // Recorded, so the other hosts follow this one (it used to be dropped, as if applied from the store).
      expect((await sqlite.readInstalledPackage('@ops/race'))?.version).toBe('1.1.0');
    } finally {
      // The held install then goes on with the 1.0.0 it read, and finds the store moved on:
      // the host ends where the store is, not a version behind it.
      release();
      await following;
    }
    expect(`${host.get('@ops/race')?.version}:${host.get('@ops/race')?.state}`).toBe('1.1.0:enabled');
    const marker = await readPackageMarker(join(dir.path, 'app', 'plugins', '@ops+race'));
    expect(marker?.integrity).toBe(packageIntegrity(v2));
    expect((await sqlite.readInstalledPackage('@ops/race'))?.integrity).toBe(packageIntegrity(v2));
  });

  it('an install and an uninstall applied from the store write nothing back to it', async () => {
    const replica = replicaOf(host);
    if (!replica) throw new Error('a SQLite store records installed packages: the host has a replica');
    await recordElsewhere(goodPluginTarball('@ops/followed', '1.0.0'), '@ops/followed', '1.0.0');
    observed.calls.length = 0;
    await replica.follow('@ops/followed');
    expect(host.get('@ops/followed')?.state).toBe('enabled');
    expect(observed.calls).not.toContain('writeInstalledPackage');

    // Another host uninstalls it; by the time this host follows, the store may record a new
    // install of the same name, which a delete written back would wipe out for every host.
    await sqlite.deleteInstalledPackage('@ops/followed');
    observed.calls.length = 0;
    await replica.follow('@ops/followed');
    expect(host.get('@ops/followed')).toBeUndefined();
    expect(existsSync(join(dir.path, 'app', 'plugins', '@ops+followed'))).toBe(false);
    expect(observed.calls).not.toContain('deleteInstalledPackage');
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
