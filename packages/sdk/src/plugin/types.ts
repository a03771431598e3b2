/**
 * Plugin lifecycle states and the public description of a plugin the host reports.
 */
import type { SerializedNocofloError } from '../errors/nocoflo-error.js';

/**
 * Where a plugin is in its lifecycle:
 *
 * ```
 * discovered ─► loaded ─► setup ─► enabled ⇄ disabled ─► torn_down
 *       \__________\________\_________\________\──────► failed (from any state)
 * ```
 */
export type PluginState = 'discovered' | 'loaded' | 'setup' | 'enabled' | 'disabled' | 'torn_down' | 'failed';

/** Every {@link PluginState}. */
export const PLUGIN_STATES: readonly PluginState[] = [
  'discovered',
  'loaded',
  'setup',
  'enabled',
  'disabled',
  'torn_down',
  'failed',
];

/** Where the host found a plugin. */
export type PluginSource = 'node_modules' | 'directory' | 'registered';

/** What the host reports about one plugin. Plain data. */
export interface PluginInfo {
  /** Package name. */
  name: string;
  /** Package version. */
  version: string;
  /** Lifecycle state. */
  state: PluginState;
  /** Why it failed, when `state` is `failed`. */
  error?: SerializedNocofloError;
  /** Where it was found. */
  source: PluginSource;
  /** Folder holding its package.json (absent for plugins registered in code). */
  path?: string;
  /** Declared plugin dependencies: name → semver range. */
  dependencies: Record<string, string>;
  /** Human-friendly name, from the manifest. */
  displayName?: string;
  /** Package description. */
  description?: string;
  /** What it contributes, as declared. */
  provides: readonly string[];
  /** Names of views, datasources and services it currently contributes. */
  contributions: {
    /** Names of the views it registered. */
    views: string[];
    /** Names of the datasource factories it registered. */
    datasources: string[];
    /** Names of the services it provides. */
    services: string[];
    /** Names of the hooks it taps. */
    hooks: string[];
  };
  /** Permissions it declares. */
  permissions: readonly PermissionDefinition[];
  /** Notes a person should see (e.g. "directory copy overrides node_modules copy"). */
  warnings: readonly string[];
  /** Where its code runs and how that went (absent for a plugin the host has not placed yet). */
  runtime?: PluginRuntimeInfo;
}

/** Where a plugin's code runs: `inline` (the host's realm), `worker` (a thread of its own), `process` (a process of its own). */
export type IsolationLevel = 'inline' | 'worker' | 'process';

/** How a plugin runs, as {@link PluginInfo.runtime} reports it. */
export interface PluginRuntimeInfo {
  /** Its isolation level. */
  isolation: IsolationLevel;
  /**
   * Where the level comes from: `operator` (stored with `nocoflo plugins set-isolation`),
   * `config` (the config file or the host's options), `default` (`worker`), or `code` (a
   * plugin registered in code, which always runs inline).
   */
  isolationSource?: 'operator' | 'config' | 'default' | 'code';
  /** Heap limit of its worker or process, in MB (isolated levels only). */
  maxHeapMb?: number;
  /** The operator's last approval of its manifest permissions, when one is stored. */
  approval?: {
    /** The version whose manifest asked for them. */
    version: string;
    /** Who approved (`cli`, `admin-token`, …). */
    by: string;
    /** When (ISO 8601). */
    at: string;
  };
  /** What its manifest asks for beyond the stored approval (e.g. changed on disk since the install). */
  unapproved?: readonly string[];
  /** How often the host started it again after a crash since an operator last acted. */
  restarts: number;
  /** The last crash or missed deadline, if any (kept after a restart). */
  lastError?: SerializedNocofloError;
  /** Whether the host gave up restarting it (too many failures in the window). */
  crashLoop?: boolean;
  /** What its manifest asks for when isolated. */
  permissions: {
    /** Native addons allowed. */
    addons: boolean;
    /** Extra readable paths. */
    fsRead: readonly string[];
    /** Environment variables it sees. */
    env: readonly string[];
  };
}

/** A permission a plugin declares; its routes may require it. */
export interface PermissionDefinition {
  /** Key, e.g. `audit.read`. Prefixed by convention with the plugin's short name. */
  key: string;
  /** What it allows, for the admin page. */
  description: string;
}

/** The logger a plugin gets: messages go to the host's log, tagged with the plugin. */
export interface Logger {
  /** Detail for debugging. */
  debug(message: string, data?: Record<string, unknown>): void;
  /** Normal operation. */
  info(message: string, data?: Record<string, unknown>): void;
  /** Something unexpected that the plugin handled. */
  warn(message: string, data?: Record<string, unknown>): void;
  /** Something failed. */
  error(message: string, data?: Record<string, unknown>): void;
}
