/**
 * Installs shared by the hosts of one metadata store. Every install or upgrade records the
 * package's tarball and sha512 integrity in the store before it commits, and every
 * uninstall removes the record; the store notifies the other hosts (PostgreSQL NOTIFY),
 * which apply the change from the stored tarball through the same pipeline as a local
 * install (checksum, archive checks, validation, staging, journal, atomic swap). At start a
 * host reconciles its plugin folder with the store, so a host that was down, or killed
 * half-way through, converges.
 *
 * Each folder installed this way holds a marker file ({@link PACKAGE_MARKER}) naming the
 * package, its integrity and the store it came from: a host only ever removes folders
 * carrying the marker of its own store, never a plugin an operator put there by hand.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Errors, errorMessage, type Logger, NocofloError, type PluginPermissions } from '@nocoflo/sdk';
import type { PackageStore } from '../store/types.js';
import { syncDir, WORK_DIR } from './journal.js';

/** The file, inside an installed plugin folder, that says which stored package it is. */
export const PACKAGE_MARKER = '.nocoflo-package.json';

/** What {@link PACKAGE_MARKER} holds. */
export interface PackageMarker {
  /** Package name. */
  name: string;
  /** Package version. */
  version: string;
  /** `sha512-<base64>` of the tarball it was unpacked from. */
  integrity: string;
  /** Id of the store that recorded it (see {@link PackageStore.storeId}). */
  store: string;
}

/** npm's integrity notation of a tarball: `sha512-<base64>`. */
export function packageIntegrity(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** Reads the marker of an installed folder, or undefined when it has none (or an unreadable one). */
export async function readPackageMarker(dir: string): Promise<PackageMarker | undefined> {
  try {
    const marker = JSON.parse(await readFile(join(dir, PACKAGE_MARKER), 'utf8')) as Partial<PackageMarker>;
    if (
      typeof marker.name === 'string' &&
      typeof marker.version === 'string' &&
      typeof marker.integrity === 'string' &&
      typeof marker.store === 'string'
    ) {
      return marker as PackageMarker;
    }
  } catch {
    // no marker: not installed from a store
  }
  return undefined;
}

/** What the replica needs of its host: where a plugin lives, and install / uninstall. */
export interface ReplicaHost {
  /** The folder a known plugin lives in, or undefined. */
  pathOf(name: string): string | undefined;
  /** The plugin directory installs go to. */
  readonly pluginDir: string | undefined;
  /**
   * Installs tarball bytes with the local pipeline, the permissions recorded with them
   * counting as approved (the operator of the host that installed them approved them).
   */
  install(data: Uint8Array, label: string, permissions: PluginPermissions | undefined): Promise<unknown>;
  /** Uninstalls a plugin with the local pipeline. */
  uninstall(name: string): Promise<void>;
  /** Where warnings and errors go. */
  readonly logger: Logger;
}

/**
 * Keeps a host's installed plugins equal to a store's installed packages: records local
 * installs and uninstalls, and applies the ones other hosts made, one at a time.
 */
export class PackageReplica {
  readonly #store: PackageStore;
  readonly #host: ReplicaHost;
  /** Packages being applied from the store right now: their install is not recorded back. */
  readonly #applying = new Set<string>();
  #queue: Promise<void> = Promise.resolve();
  #storeId: Promise<string> | undefined;
  #closed = false;

  constructor(store: PackageStore, host: ReplicaHost) {
    this.#store = store;
    this.#host = host;
  }

  /** The store's id, read (or created) once. */
  storeId(): Promise<string> {
    this.#storeId ??= this.#store.storeId();
    return this.#storeId;
  }

  /** Writes the marker into a staged package folder, before it is swapped in. */
  async stage(staging: string, pkg: { name: string; version: string }, integrity: string): Promise<void> {
    const marker: PackageMarker = {
      name: pkg.name,
      version: pkg.version,
      integrity,
      store: await this.storeId(),
    };
    await writeFile(join(staging, PACKAGE_MARKER), `${JSON.stringify(marker, null, 2)}\n`);
  }

  /**
   * Records an install that started, before it commits (unless it came from the store).
   * Other hosts hear of it once the record commits.
   */
  async record(
    pkg: { name: string; version: string },
    tarball: Uint8Array,
    integrity: string,
    permissions?: PluginPermissions,
  ): Promise<void> {
    if (this.#applying.has(pkg.name)) return;
    await this.#store.writeInstalledPackage({
      name: pkg.name,
      version: pkg.version,
      integrity,
      size: tarball.byteLength,
      tarball,
      ...(permissions ? { permissions } : {}),
    });
  }

  /** Whether the install of `name` under way is one applied from the store (not to be recorded again). */
  applying(name: string): boolean {
    return this.#applying.has(name);
  }

  /** Records an uninstall; other hosts hear of it once it commits. */
  async forget(name: string): Promise<void> {
    await this.#store.deleteInstalledPackage(name);
  }

  /**
   * Before discovery at start: removes every folder of `pluginDir` installed from this store
   * whose package the store no longer records (it was uninstalled while this host was down),
   * so its code never runs. Moves each aside atomically, then deletes it.
   */
  async removeUninstalled(): Promise<string[]> {
    const pluginDir = this.#host.pluginDir;
    if (!pluginDir || !existsSync(pluginDir)) return [];
    const [storeId, packages] = await Promise.all([this.storeId(), this.#store.listInstalledPackages()]);
    const recorded = new Set(packages.map((p) => p.name));
    const removed: string[] = [];
    for (const entry of await readdir(pluginDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name === WORK_DIR) continue;
      const dir = join(pluginDir, entry.name);
      const marker = await readPackageMarker(dir);
      if (!marker || marker.store !== storeId || recorded.has(marker.name)) continue;
      const workDir = join(pluginDir, WORK_DIR);
      await mkdir(workDir, { recursive: true });
      const trash = join(workDir, `trash-uninstalled-${entry.name}-${Date.now().toString(36)}`);
      await rename(dir, trash);
      await syncDir(pluginDir);
      await rm(trash, { recursive: true, force: true });
      await rmdir(workDir).catch(() => {});
      this.#host.logger.warn(
        `${marker.name}: removed (uninstalled by another host while this one was down)`,
        {
          plugin: marker.name,
        },
      );
      removed.push(marker.name);
    }
    return removed;
  }

  /** Brings one plugin to what the store records, after the ones already queued. */
  follow(name: string): Promise<void> {
    const next = this.#queue.then(() => this.#converge(name));
    this.#queue = next.catch(() => {});
    return next;
  }

  /**
   * Brings every recorded package, and every folder installed from this store, to what the
   * store records. Errors are logged per plugin; the others go on.
   */
  async reconcile(): Promise<void> {
    const pluginDir = this.#host.pluginDir;
    const names = new Set((await this.#store.listInstalledPackages()).map((p) => p.name));
    if (pluginDir && existsSync(pluginDir)) {
      const storeId = await this.storeId();
      for (const entry of await readdir(pluginDir, { withFileTypes: true })) {
        if (!entry.isDirectory() || entry.name === WORK_DIR) continue;
        const marker = await readPackageMarker(join(pluginDir, entry.name));
        if (marker?.store === storeId) names.add(marker.name);
      }
    }
    await Promise.all(
      [...names].sort().map((name) =>
        this.follow(name).catch((error) =>
          this.#host.logger.error(`${name}: could not apply the install recorded in the shared store`, {
            plugin: name,
            error: errorMessage(error),
          }),
        ),
      ),
    );
  }

  /** Stops following; waits for the change being applied. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
  }

  async #converge(name: string): Promise<void> {
    if (this.#closed) return;
    const path = this.#host.pathOf(name);
    const local = path ? await readPackageMarker(path) : undefined;
    const listed = (await this.#store.listInstalledPackages()).find((p) => p.name === name);
    if (listed) {
      if (local?.integrity === listed.integrity) return;
      const stored = await this.#store.readInstalledPackage(name);
      if (!stored || this.#closed) return; // uninstalled meanwhile: the next notification says so
      const label = `${stored.name}@${stored.version} (from the shared store)`;
      if (packageIntegrity(stored.tarball) !== stored.integrity) {
        throw NocofloError.create(Errors.InstallRejected, [
          label,
          `the stored tarball does not match its integrity ${stored.integrity}`,
        ]);
      }
      this.#applying.add(name);
      try {
        await this.#host.install(stored.tarball, label, stored.permissions);
      } finally {
        this.#applying.delete(name);
      }
      this.#host.logger.info(`${name}@${stored.version}: installed as another host did`, { plugin: name });
      return;
    }
    if (local && local.store === (await this.storeId())) {
      await this.#host.uninstall(name);
      this.#host.logger.info(`${name}: uninstalled as another host did`, { plugin: name });
    }
  }
}

/** The replica a host carries, where install and uninstall look for it. */
export const PACKAGE_REPLICA: unique symbol = Symbol.for('nocoflo.packageReplica');

/** A host that may carry a {@link PackageReplica}. */
export interface ReplicatedHost {
  /** The host's replica, when its store records installed packages. */
  readonly [PACKAGE_REPLICA]?: PackageReplica | undefined;
}

/** The replica of a host, if it has one. */
export function replicaOf(host: object): PackageReplica | undefined {
  return (host as ReplicatedHost)[PACKAGE_REPLICA];
}
