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
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Errors, errorMessage, type Logger, NocofloError, type PluginPermissions } from '@nocoflo/sdk';
import type { PackageStore } from '../store/types.js';
import { syncDir, WORK_DIR } from './journal.js';
import type { InstallOptions } from './types.js';
import { enterWorkDir, leaveWorkDir } from './work-dir.js';

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
   * `options` marks the install as applied from the store ({@link fromStoreOptions}).
   */
  install(
    data: Uint8Array,
    label: string,
    permissions: PluginPermissions | undefined,
    options: FromStoreOptions,
  ): Promise<unknown>;
  /** Uninstalls a plugin with the local pipeline; `options` as for `install`. */
  uninstall(name: string, options: FromStoreOptions): Promise<void>;
  /** Where warnings and errors go. */
  readonly logger: Logger;
}

/**
 * Marks an install or uninstall as one a host applies from the store (another host made
 * it): it is not recorded back. A property of the call, not of the plugin's name: an
 * operator's own install of the same plugin, made while one is being applied, is recorded.
 */
export const FROM_STORE: unique symbol = Symbol('nocoflo.appliedFromStore');

/** Install / uninstall options carrying the {@link FROM_STORE} mark. */
export interface FromStoreOptions extends InstallOptions {
  /** Set on installs and uninstalls applied from the store. */
  readonly [FROM_STORE]: true;
}

/** The options mark of an install or uninstall applied from the store. */
export const fromStoreOptions: FromStoreOptions = Object.freeze({ [FROM_STORE]: true as const });

/** Whether install / uninstall options carry the mark of a change applied from the store. */
export function appliedFromStore(options: object): boolean {
  return (options as Partial<FromStoreOptions>)[FROM_STORE] === true;
}

/**
 * How many times one follow applies the store's record before it gives up for now: each
 * application re-reads the store after it, as an operator's install on this host may
 * have recorded a newer version meanwhile (the store notifies only the other hosts).
 */
const MAX_APPLICATIONS = 3;

/**
 * Keeps a host's installed plugins equal to a store's installed packages: records local
 * installs and uninstalls, and applies the ones other hosts made, one at a time.
 */
export class PackageReplica {
  readonly #store: PackageStore;
  readonly #host: ReplicaHost;
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
   * Records a local install, before it commits (installs applied from the store are not
   * recorded: see {@link appliedFromStore}). Other hosts hear of it once the record commits.
   */
  async record(
    pkg: { name: string; version: string },
    tarball: Uint8Array,
    integrity: string,
    permissions?: PluginPermissions,
  ): Promise<void> {
    await this.#store.writeInstalledPackage({
      name: pkg.name,
      version: pkg.version,
      integrity,
      size: tarball.byteLength,
      tarball,
      ...(permissions ? { permissions } : {}),
    });
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
      await enterWorkDir(workDir);
      try {
        const trash = join(workDir, `trash-uninstalled-${entry.name}-${Date.now().toString(36)}`);
        await rename(dir, trash);
        await syncDir(pluginDir);
        await rm(trash, { recursive: true, force: true });
      } finally {
        await leaveWorkDir(workDir);
      }
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
    for (let applied = 0; applied < MAX_APPLICATIONS; applied++) {
      if (this.#closed || !(await this.#applyOnce(name))) return;
    }
    this.#host.logger.warn(
      `${name}: the shared store's record kept changing while it was applied; the next change brings it in line`,
      { plugin: name },
    );
  }

  /** Applies what the store records for `name` once; resolves whether anything changed. */
  async #applyOnce(name: string): Promise<boolean> {
    const path = this.#host.pathOf(name);
    const local = path ? await readPackageMarker(path) : undefined;
    const listed = (await this.#store.listInstalledPackages()).find((p) => p.name === name);
    if (listed) {
      if (local?.integrity === listed.integrity) return false;
      const stored = await this.#store.readInstalledPackage(name);
      if (!stored || this.#closed) return false; // uninstalled meanwhile: the next notification says so
      const label = `${stored.name}@${stored.version} (from the shared store)`;
      if (packageIntegrity(stored.tarball) !== stored.integrity) {
        throw NocofloError.create(Errors.InstallRejected, [
          label,
          `the stored tarball does not match its integrity ${stored.integrity}`,
        ]);
      }
      await this.#host.install(stored.tarball, label, stored.permissions, fromStoreOptions);
      this.#host.logger.info(`${name}@${stored.version}: installed as another host did`, { plugin: name });
      return true;
    }
    if (local && local.store === (await this.storeId())) {
      await this.#host.uninstall(name, fromStoreOptions);
      this.#host.logger.info(`${name}: uninstalled as another host did`, { plugin: name });
      return true;
    }
    return false;
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
