import { HOST_VERSION } from '../version.js';
import { discover } from './discover.js';

/** One plugin discovery found, with its validation outcome. No plugin code has run. */
export interface DiscoveredPlugin {
  /** Package name. */
  name: string;
  /** Package version. */
  version: string;
  /** Where it was found. */
  source: 'node_modules' | 'directory';
  /** Its folder. */
  path: string;
  /** Whether the manifest is valid and the host range admits this host. */
  valid: boolean;
  /** Why not, when `valid` is false. */
  error?: {
    /** Stable error code, e.g. `NCF_MANIFEST_INVALID`. */
    code: string;
    /** What is wrong. */
    message: string;
    /** What to do about it. */
    hint: string;
  };
  /** Notes such as "found twice; using …". */
  warnings: string[];
}

/**
 * Finds the plugins a host with these options would see, reading package.json files only:
 * no plugin code runs. Used by `nocoflo plugins validate` and by tools.
 *
 * @example
 * ```ts
 * import { discoverPlugins } from '@nocoflo/host';
 * for (const plugin of discoverPlugins({ root: process.cwd() })) {
 *   console.log(plugin.name, plugin.valid ? 'ok' : plugin.error?.message);
 * }
 * ```
 */
export function discoverPlugins(options: {
  root?: string;
  pluginDirs?: readonly string[];
  scanNodeModules?: boolean;
  hostVersion?: string;
}): DiscoveredPlugin[] {
  return discover({
    root: options.root ?? process.cwd(),
    pluginDirs: options.pluginDirs ?? ['plugins'],
    scanNodeModules: options.scanNodeModules ?? true,
    hostVersion: options.hostVersion ?? HOST_VERSION,
  }).map((candidate) => ({
    name: candidate.name,
    version: candidate.version,
    source: candidate.location.source,
    path: candidate.location.dir,
    valid: candidate.ok,
    ...(candidate.ok
      ? {}
      : {
          error: { code: candidate.error.code, message: candidate.error.message, hint: candidate.error.hint },
        }),
    warnings: candidate.warnings,
  }));
}
