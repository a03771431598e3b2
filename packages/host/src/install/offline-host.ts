/**
 * A stand-in for a running host, for the CLI working on the local folder while no server
 * runs: it knows the plugins discovery finds and the enabled/disabled choices in the
 * metadata store, and runs no plugin code. Install and uninstall work against it exactly
 * as against a live host, except that the new version is first started by the next
 * `nocoflo serve`.
 */
import { resolve } from 'node:path';
import { type Logger, type PluginInfo, silentLogger } from '@nocoflo/sdk';
import { discover, resolvePluginDirs } from '../discovery/discover.js';
import type { ValidCandidate } from '../discovery/types.js';
import { pluginInfo } from '../lifecycle/plugin-info.js';
import { recordFrom } from '../lifecycle/plugin-lifecycle.js';
import type { IsolationOptions } from '../runtime/isolation-options.js';
import { RuntimeFactory } from '../runtime/runtime-factory.js';
import type {
  PackageStore,
  PermissionApproval,
  PluginStateStore,
  StoredPluginState,
  StoredPluginTrust,
} from '../store/types.js';
import type { PluginHost } from '../types.js';
import { HOST_VERSION } from '../version.js';
import { PACKAGE_REPLICA, PackageReplica } from './replicate.js';

/** Options of {@link createOfflineHost}. */
export interface OfflineHostOptions {
  /** App folder. */
  root: string;
  /** Plugin directories, relative to `root`. Default `['plugins']`. */
  pluginDirs?: readonly string[];
  /** Whether to search `root/node_modules`. Default true. */
  scanNodeModules?: boolean;
  /** The enabled/disabled choices (read once, at creation). */
  states?: Map<string, StoredPluginState>;
  /** Isolation settings and approvals stored by operators (read once, at creation). */
  trust?: Map<string, StoredPluginTrust>;
  /** Where plugin code runs by the config file (a stored setting wins). */
  isolation?: IsolationOptions;
  /** Records an approval of a plugin's permissions (the CLI's store). */
  recordApproval?: (name: string, approval: Omit<PermissionApproval, 'at'>) => Promise<void>;
  /** Where log lines go. */
  logger?: Logger;
  /**
   * The store's installed packages: installs and uninstalls made offline are recorded there,
   * so the hosts sharing the store follow (at once on PostgreSQL, else at their next start).
   */
  packages?: PackageStore;
}

/** The subset of {@link PluginHost} that install, uninstall and the CLI use. */
export type OfflineHost = Pick<
  PluginHost,
  'version' | 'root' | 'logger' | 'list' | 'get' | 'rescan' | 'reload' | 'unregister' | 'exclusive'
> &
  Pick<PluginHost, 'approvedPermissions' | 'recordPermissionApproval'> & {
    readonly pluginDirs: readonly string[];
  };

/** Reads the stored choices of a store, for {@link createOfflineHost}. */
export async function storedStates(
  store: PluginStateStore | undefined,
): Promise<Map<string, StoredPluginState>> {
  return store ? store.readPluginStates() : new Map();
}

/**
 * A host stand-in for offline operations: `list()` and `get()` run discovery afresh each
 * time; a plugin is `enabled` or `disabled` as stored (enabled when never seen), `failed`
 * when discovery rejects it; `rescan`, `reload`, `unregister` do nothing that runs code.
 */
export function createOfflineHost(options: OfflineHostOptions): OfflineHost {
  const root = resolve(options.root);
  const pluginDirs = resolvePluginDirs(root, options.pluginDirs ?? ['plugins']);
  const states = options.states ?? new Map<string, StoredPluginState>();
  const trust = options.trust ?? new Map<string, StoredPluginTrust>();
  const placements = new RuntimeFactory({
    ...(options.isolation ? { isolation: options.isolation } : {}),
    tapTimeoutMs: 0,
    dialect: () => 'sqlite',
    storedLevel: (name) => trust.get(name)?.isolation,
    storedMaxHeapMb: (name) => trust.get(name)?.maxHeapMb,
  });
  const list = (): PluginInfo[] =>
    discover({
      root,
      pluginDirs,
      scanNodeModules: options.scanNodeModules ?? true,
      hostVersion: HOST_VERSION,
    }).map((candidate) => ({
      name: candidate.name,
      version: candidate.version,
      state: !candidate.ok
        ? 'failed'
        : states.get(candidate.name)?.enabled === false
          ? 'disabled'
          : 'enabled',
      ...(candidate.ok ? {} : { error: candidate.error }),
      source: candidate.location.source,
      path: candidate.location.dir,
      dependencies: candidate.ok ? { ...candidate.manifest.dependencies } : {},
      ...(candidate.ok && candidate.manifest.displayName
        ? { displayName: candidate.manifest.displayName }
        : {}),
      ...(candidate.ok && candidate.description ? { description: candidate.description } : {}),
      provides: candidate.ok ? [...candidate.manifest.provides] : [],
      contributions: { views: [], datasources: [], services: [], hooks: [] },
      permissions: [],
      warnings: candidate.warnings,
      ...(candidate.ok ? { runtime: offlineRuntime(candidate, placements, trust.get(candidate.name)) } : {}),
    }));
  const get = (name: string) => list().find((p) => p.name === name);
  const logger = options.logger ?? silentLogger;
  const offline = () => Promise.reject(new Error('an offline host does not follow other hosts'));
  const replica = options.packages
    ? new PackageReplica(options.packages, {
        pathOf: (name) => get(name)?.path,
        pluginDir: pluginDirs[0],
        install: offline,
        uninstall: offline,
        logger,
      })
    : undefined;
  const host: OfflineHost = {
    version: HOST_VERSION,
    root,
    pluginDirs,
    logger,
    list,
    get,
    async rescan() {},
    async reload(name: string) {
      const info = get(name);
      if (!info) throw new Error(`${name} is not installed`);
      return info;
    },
    async unregister() {},
    exclusive: (fn) => fn(),
    approvedPermissions: (name) => trust.get(name)?.approved,
    async recordPermissionApproval(name, approval) {
      await options.recordApproval?.(name, approval);
      const at = new Date().toISOString();
      trust.set(name, { ...(trust.get(name) ?? { name }), approved: { ...approval, at }, updatedAt: at });
    },
  };
  // Where install and uninstall look for it (not part of the type: an internal link).
  return Object.assign(host, { [PACKAGE_REPLICA]: replica });
}

/** What a plugin would run as at the next start: level, heap limit, permissions and approval (no restarts yet). */
function offlineRuntime(
  candidate: ValidCandidate,
  placements: RuntimeFactory,
  trust: StoredPluginTrust | undefined,
): NonNullable<PluginInfo['runtime']> {
  const record = recordFrom(candidate);
  // pluginInfo wants a record; nothing of the plugin's code is loaded or run for it.
  return pluginInfo(record, [], placements.placementOf(record), trust).runtime!;
}
