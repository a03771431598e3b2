/**
 * Uninstalls a directory plugin while the host runs: refused while enabled plugins depend
 * on it; otherwise it is torn down, then its folder is moved aside atomically and deleted.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { PluginHost } from '../types.js';
import type { InstallHost, InstallOptions } from './install.js';
import { syncDir, WORK_DIR } from './journal.js';
import { appliedFromStore, replicaOf } from './replicate.js';
import { enterWorkDir, leaveWorkDir } from './work-dir.js';

/** Enabled plugins that declare a dependency on `name`. */
export function enabledDependents(host: Pick<PluginHost, 'list'>, name: string): string[] {
  return host
    .list()
    .filter((p) => p.state === 'enabled' && p.name !== name && Object.hasOwn(p.dependencies, name))
    .map((p) => p.name)
    .sort();
}

/**
 * Removes a plugin installed in a plugin directory (and its record in the host's store, so
 * the other hosts sharing the store remove it too).
 *
 * @throws NocofloError `NCF_PLUGIN_NOT_FOUND`; `NCF_HAS_DEPENDENTS` naming the enabled
 * plugins that depend on it; `NCF_UNINSTALL_REFUSED` for plugins registered in code or
 * installed with npm in the app's node_modules.
 */
export async function uninstallPlugin(
  host: InstallHost,
  name: string,
  options: InstallOptions = {},
): Promise<void> {
  const info = host.get(name);
  if (!info) {
    throw NocofloError.create(Errors.PluginNotFound, [name, host.list().map((p) => p.name)]);
  }
  if (info.source === 'registered' || info.path === undefined) {
    throw NocofloError.create(Errors.UninstallRefused, [
      name,
      'it is registered in code by the host application',
    ]);
  }
  if (info.source === 'node_modules') {
    throw NocofloError.create(Errors.UninstallRefused, [
      name,
      `it is an npm dependency of the app (${info.path}); run \`npm uninstall ${name}\` in ${host.root}`,
    ]);
  }
  const dependents = enabledDependents(host, name);
  if (dependents.length > 0) {
    throw NocofloError.create(Errors.HasEnabledDependents, [name, 'uninstall', dependents], {
      details: { plugin: name, dependents },
    });
  }
  await host.unregister(name);
  // Other hosts sharing the store uninstall it too once this commits; a crash before the
  // folder is gone is finished at the next start (the folder's package is no longer recorded).
  // An uninstall applied from the store writes nothing back: by now the store may record a
  // new install of the same plugin, made by another host after the uninstall this follows.
  if (!appliedFromStore(options)) await replicaOf(host)?.forget(name);
  const workDir = join(dirname(info.path), WORK_DIR);
  await enterWorkDir(workDir);
  try {
    const trash = join(workDir, `trash-${randomBytes(6).toString('hex')}`);
    await host.exclusive(async () => {
      await rename(info.path as string, trash);
      await syncDir(dirname(info.path as string));
    });
    await rm(trash, { recursive: true, force: true });
  } finally {
    await leaveWorkDir(workDir);
  }
  (options.logger ?? host.logger).info(`uninstalled ${name}`, { plugin: name });
}
