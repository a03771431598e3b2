/**
 * Installs a plugin while the host runs, from an npm spec or a tarball: fetched and
 * unpacked into a staging folder beside the plugins, validated, then swapped in with
 * atomic renames under the host's lifecycle lock. The previous version is kept until the
 * new one has started; if it fails, the previous version is put back and started again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  Errors,
  errorMessage,
  isNocofloError,
  type Logger,
  NocofloError,
  type PluginInfo,
  type PluginPermissions,
  silentLogger,
} from '@nocoflo/sdk';
import {
  describePermissions,
  normalizePermissions,
  permissionsBeyond,
} from '../lifecycle/permission-approval.js';
import { crashPoint } from '../store/crash-point.js';
import type { PluginHost } from '../types.js';
import { discard, type InstallJournal, removeJournal, syncDir, WORK_DIR, writeJournal } from './journal.js';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from './limits.js';
import { appliedFromStore, packageIntegrity, replicaOf } from './replicate.js';
import type { InstallOptions, InstallSource, PermissionRequest } from './types.js';
import { enterWorkDir, leaveWorkDir } from './work-dir.js';

export type {
  InstallOptions,
  InstallSource,
  PermissionApprover,
  PermissionRequest,
} from './types.js';

import { installMissingDependencies, npmPack } from './npm.js';
import { extractArchive } from './tarball.js';
import { validatePluginPackage } from './validate.js';

/** What install and uninstall need of a host: a running {@link PluginHost}, or the CLI's offline stand-in. */
export type InstallHost = Pick<
  PluginHost,
  'version' | 'root' | 'logger' | 'list' | 'get' | 'rescan' | 'reload' | 'unregister' | 'exclusive'
> &
  Partial<Pick<PluginHost, 'approvedPermissions' | 'recordPermissionApproval'>> & {
    /** The host's plugin directories; installs go to the first. */
    readonly pluginDirs?: readonly string[];
  };

/**
 * Checks the permissions a package's manifest asks for against the last approval and the
 * operator's answer; returns what to record once the install succeeded.
 *
 * @throws NocofloError `NCF_PERMISSIONS_NOT_APPROVED` with `details.permissions` (what it asks for) and `details.beyond`.
 */
async function checkPermissions(
  host: InstallHost,
  name: string,
  version: string,
  manifestPermissions: Partial<PluginPermissions> | undefined,
  options: InstallOptions,
): Promise<PluginPermissions> {
  const permissions = normalizePermissions(manifestPermissions);
  const previous = host.approvedPermissions?.(name);
  const beyond = permissionsBeyond(permissions, previous?.permissions);
  if (beyond.length === 0) return permissions;
  const answer = options.approvePermissions;
  const request: PermissionRequest = {
    plugin: name,
    version,
    permissions,
    asks: describePermissions(permissions),
    beyond,
    ...(previous ? { previous } : {}),
  };
  const approved =
    typeof answer === 'function'
      ? await answer(request)
      : answer !== undefined && permissionsBeyond(permissions, normalizePermissions(answer)).length === 0;
  if (!approved) {
    throw NocofloError.create(Errors.PermissionsNotApproved, [`${name}@${version}`, beyond], {
      details: { plugin: name, version, permissions, beyond },
    });
  }
  return permissions;
}

/** The folder name a package is installed under: `@acme/audit` → `@acme+audit` (as pnpm does). */
export function pluginFolderName(name: string): string {
  return name.replace('/', '+');
}

/** The plugin directory installs go to: the option, else the host's first plugin directory, else `<root>/plugins`. */
export function installDirectory(
  host: Pick<PluginHost, 'root'> & { readonly pluginDirs?: readonly string[] },
  options: InstallOptions = {},
): string {
  return resolve(host.root, options.pluginDir ?? host.pluginDirs?.[0] ?? 'plugins');
}

/** Whether two paths name the same folder (symlinks resolved, e.g. /tmp on macOS). */
function sameDir(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(resolve(p));
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}

const TARBALL = /\.(tgz|tar\.gz|tar)$/i;

/** Turns the source into a tarball file in `downloadDir`; returns it and a label for messages. */
async function acquire(
  source: InstallSource,
  downloadDir: string,
  appDir: string,
  limits: ArchiveLimits,
): Promise<{ file: string; label: string }> {
  await mkdir(downloadDir, { recursive: true });
  if (typeof source === 'object' && 'data' in source) {
    const label = source.filename ? basename(source.filename) : 'the uploaded archive';
    if (source.data.byteLength > limits.maxBytes) {
      throw NocofloError.create(Errors.InstallRejected, [
        label,
        `the archive is ${source.data.byteLength} bytes, over the limit of ${limits.maxBytes} bytes`,
      ]);
    }
    const file = join(downloadDir, 'upload.tgz');
    await writeFile(file, source.data);
    return { file, label };
  }
  const path = typeof source === 'object' ? source.tarball : source;
  if (typeof source === 'object' || (TARBALL.test(path) && existsSync(resolve(appDir, path)))) {
    const file = resolve(appDir, path);
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) throw NocofloError.create(Errors.InstallRejected, [path, 'no such tarball file']);
    return { file, label: basename(file) };
  }
  return { file: await npmPack(path, appDir, downloadDir), label: path };
}

/** Runs `fn`; on failure returns the error instead of throwing. */
async function attempt<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await fn() };
  } catch (error) {
    return { error };
  }
}

/**
 * Installs (or upgrades) a plugin from an npm spec or a tarball, while the host runs.
 *
 * 1. fetch (`npm pack <spec>` in the app folder) or take the tarball;
 * 2. check every archive entry and unpack into a staging folder (nothing outside it);
 * 3. validate manifest, host range, plugin dependencies, entry file;
 * 4. journal, then swap folders by atomic renames under `host.exclusive`;
 * 5. start the new version (`rescan`, `reload`); if it fails, put the previous one back;
 * 6. when the host's store records installed packages, record the tarball and its sha512
 *    integrity there (the commit point the other hosts sharing the store follow), then commit.
 *
 * @example
 * ```ts
 * import { createHost, installPlugin } from '@nocoflo/host';
 *
 * const host = await createHost({ root: '.' });
 * await host.start();
 * await installPlugin(host, '@acme/audit@^1.2.0');
 * await installPlugin(host, { tarball: './acme-audit-1.2.0.tgz' });
 * ```
 * @returns The plugin as the host reports it after the install.
 * @throws NocofloError `NCF_INSTALL_REJECTED` (unsafe or broken archive), a manifest /
 * host-range / dependency error, or `NCF_INSTALL_FAILED` (npm failed, or the new version
 * failed to start: the previous one runs again). In every case nothing else changed.
 */
export async function installPlugin(
  host: InstallHost,
  source: InstallSource,
  options: InstallOptions = {},
): Promise<PluginInfo> {
  const logger = options.logger ?? host.logger ?? silentLogger;
  const limits: ArchiveLimits = {
    maxBytes: options.maxBytes ?? DEFAULT_ARCHIVE_LIMITS.maxBytes,
    maxUnpackedBytes: options.maxUnpackedBytes ?? DEFAULT_ARCHIVE_LIMITS.maxUnpackedBytes,
    maxEntries: options.maxEntries ?? DEFAULT_ARCHIVE_LIMITS.maxEntries,
  };
  const pluginDir = installDirectory(host, options);
  const workDir = join(pluginDir, WORK_DIR);
  const id = randomBytes(6).toString('hex');
  const downloadDir = join(workDir, `download-${id}`);
  const staging = join(workDir, `staging-${id}`);
  await enterWorkDir(workDir);

  try {
    const { file, label } = await acquire(source, downloadDir, host.root, limits);
    // Hosts sharing a store install the very bytes this host installed: keep them.
    const replica = replicaOf(host);
    const tarball = replica ? new Uint8Array(await readFile(file)) : undefined;
    const integrity = tarball ? packageIntegrity(tarball) : undefined;
    await extractArchive(file, staging, label, limits);
    crashPoint('install:after-extract');
    const pkg = await validatePluginPackage(staging, {
      hostVersion: host.version,
      plugins: host.list(),
    });
    const existing = host.get(pkg.name);
    if (existing?.source === 'registered') {
      throw NocofloError.create(Errors.InstallRejected, [
        label,
        `${pkg.name} is registered in code by the host application`,
      ]);
    }
    const target =
      existing?.source === 'directory' && existing.path && sameDir(dirname(existing.path), pluginDir)
        ? resolve(existing.path)
        : join(pluginDir, pluginFolderName(pkg.name));
    // The operator approves what the plugin asks for (or what an upgrade asks for anew) before anything changes.
    const permissions = await checkPermissions(
      host,
      pkg.name,
      pkg.version,
      pkg.packageJson.nocoflo.permissions,
      options,
    );
    if (existsSync(target) && existing?.path === undefined) {
      const occupant = await readFile(join(target, 'package.json'), 'utf8').then(
        (text) => (JSON.parse(text) as { name?: string }).name,
        () => undefined,
      );
      if (occupant !== undefined && occupant !== pkg.name) {
        throw NocofloError.create(Errors.InstallRejected, [
          label,
          `the folder ${target} already holds ${occupant}`,
        ]);
      }
    }
    if (options.installDependencies !== false) {
      const deps = (pkg.packageJson as { dependencies?: Record<string, string> }).dependencies ?? {};
      const installed = await installMissingDependencies(staging, target, deps, pkg.name);
      if (installed.length) logger.info(`${pkg.name}: installed npm dependencies ${installed.join(', ')}`);
    }

    if (replica && integrity) await replica.stage(staging, pkg, integrity);

    const journal: InstallJournal = {
      id,
      plugin: pkg.name,
      target,
      backup: join(workDir, `backup-${id}`),
      staging,
      hadPrevious: existsSync(target),
      phase: 'prepared',
    };
    await writeJournal(workDir, journal);
    await host.exclusive(async () => {
      if (journal.hadPrevious) await rename(target, journal.backup);
      crashPoint('install:after-backup');
      await rename(staging, target);
      await syncDir(pluginDir);
      crashPoint('install:after-swap');
    });

    const started = await attempt(async () => {
      await host.rescan();
      return existing ? host.reload(pkg.name) : host.get(pkg.name);
    });
    const info = started.value;
    if (started.error !== undefined || info === undefined || info.state === 'failed') {
      const reason =
        started.error !== undefined
          ? errorMessage(started.error)
          : (info?.error?.message ?? 'it was not found after the install');
      const previous = await rollBack(host, journal, workDir, existing !== undefined, logger);
      // Said, not hidden: the previous version is back, but may refuse data the new one migrated.
      const after =
        previous?.state === 'failed' && previous.error
          ? `; the previous version ${previous.version} was put back but does not run: ${previous.error.message}`
          : '';
      throw NocofloError.create(
        Errors.InstallFailed,
        [`${pkg.name}@${pkg.version}`, `the new version did not start: ${reason}${after}`],
        {
          cause: started.error,
          details: {
            plugin: pkg.name,
            ...(info?.error ? { error: info.error } : {}),
            ...(previous?.error ? { previousError: previous.error } : {}),
          },
        },
      );
    }
    // Recorded before the replica record, so hosts sharing the store find the approval when they
    // follow; a host applying an install from the store finds it recorded by the host that made it.
    const previous = host.approvedPermissions?.(pkg.name);
    const fromStore = appliedFromStore(options);
    if (
      !fromStore &&
      (previous?.version !== pkg.version || permissionsBeyond(permissions, previous.permissions).length > 0)
    ) {
      await host.recordPermissionApproval?.(pkg.name, {
        permissions,
        version: pkg.version,
        by: options.approvedBy ?? 'api',
      });
    }
    if (replica && tarball && integrity && !fromStore) {
      // The store's record is the commit point other hosts follow: recorded before the local
      // journal commits, so a crash in between undoes the install here and the restart
      // re-applies it from the store (no host keeps an install the store does not know).
      const recorded = await attempt(() => replica.record(pkg, tarball, integrity, permissions));
      if (recorded.error !== undefined) {
        await rollBack(host, journal, workDir, existing !== undefined, logger);
        throw NocofloError.create(
          Errors.InstallFailed,
          [
            `${pkg.name}@${pkg.version}`,
            `it could not be recorded in the shared store: ${errorMessage(recorded.error)}`,
          ],
          { cause: recorded.error },
        );
      }
      crashPoint('install:after-record');
    }
    await writeJournal(workDir, { ...journal, phase: 'committed' });
    await rm(journal.backup, { recursive: true, force: true });
    await removeJournal(workDir, id);
    logger.info(`installed ${pkg.name}@${pkg.version} into ${target}`, { plugin: pkg.name });
    return host.get(pkg.name) ?? info;
  } catch (error) {
    if (isNocofloError(error)) throw error;
    throw NocofloError.create(
      Errors.InstallFailed,
      [typeof source === 'string' ? source : 'the archive', errorMessage(error)],
      {
        cause: error,
      },
    );
  } finally {
    await rm(downloadDir, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
    // Leave no empty work folder behind (once no other install or uninstall is using it).
    await leaveWorkDir(workDir);
  }
}

/** Puts the previous version back after the new one failed to start, starts it again, and says how it is. */
async function rollBack(
  host: InstallHost,
  journal: InstallJournal,
  workDir: string,
  wasKnown: boolean,
  logger: Logger,
): Promise<PluginInfo | undefined> {
  await host.exclusive(async () => {
    await discard(journal.target, workDir, journal.id);
    if (journal.hadPrevious) await rename(journal.backup, journal.target);
    await syncDir(dirname(journal.target));
  });
  await removeJournal(workDir, journal.id);
  const restarted = await attempt(async () => {
    if (wasKnown) {
      await host.rescan();
      await host.reload(journal.plugin);
    } else {
      await host.unregister(journal.plugin);
    }
  });
  if (restarted.error !== undefined) {
    logger.error(`${journal.plugin}: could not restart the previous version after a failed install`, {
      error: errorMessage(restarted.error),
    });
  }
  return wasKnown ? host.get(journal.plugin) : undefined;
}
