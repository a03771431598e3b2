/**
 * The public shape of a running host: what `createHost` returns and accepts.
 */
import type {
  Datasource,
  DatasourceOpenOptions,
  IsolationLevel,
  Logger,
  NocofloHooks,
  NocofloPlugin,
  PermissionDefinition,
  PluginInfo,
  PluginStateChange,
  RouteDefinition,
  TableSchema,
  ViewDefinition,
} from '@nocoflo/sdk';
import type { InstallOptions, InstallSource } from './install/types.js';
import type { IsolationOptions } from './runtime/isolation-options.js';
import type { SecretKeyring } from './secrets/keyring.js';
import type { PluginConfigView } from './secrets/plugin-configs.js';
import type { PermissionApproval, PluginStateStore } from './store/types.js';

/** Options of {@link createHost}. */
export interface HostOptions {
  /** Folder whose `node_modules` is searched for plugins. Default: `process.cwd()`. */
  root?: string;
  /** Plugin directories, relative to `root` or absolute. Default: `['plugins']`. */
  pluginDirs?: readonly string[];
  /** Whether to search `root/node_modules`. Default: true. */
  scanNodeModules?: boolean;
  /** Where enabled/disabled choices and config persist. Default: in memory. */
  store?: PluginStateStore;
  /** Per-plugin config, by plugin name (e.g. from a config file). */
  config?: Readonly<Record<string, unknown>>;
  /** Where log lines go. Default: silent. */
  logger?: Logger;
  /** Folder for host and plugin data (`ctx.dataDir` lives below it). Default: `<root>/.nocoflo`. */
  dataDir?: string;
  /** Time limit for every plugin callback (setup, enable, disable, teardown, datasource open), in ms. Default: 10,000. */
  callbackTimeoutMs?: number;
  /** Time limit for each async hook tap, in ms. Default: 5,000. */
  tapTimeoutMs?: number;
  /**
   * The most database connections all datasources opened through the host may hold
   * together (each pooling datasource's pool counts with its size). An open that finds the
   * budget spent answers `503 NCF_DATASOURCE_BUSY`. Default: 20.
   */
  maxDatasourceConnections?: number;
  /**
   * The keys secret config fields are encrypted with. Default: `NOCOFLO_SECRET_KEY`, else
   * `NOCOFLO_SECRET_KEY_FILE`, else `<dataDir>/secret.key` (generated when first needed).
   */
  secretKeyring?: SecretKeyring;
  /**
   * Where plugin code runs. Default: every plugin found on disk in a `worker` of its own;
   * `inline` only for plugins named trusted here (and plugins registered in code).
   */
  isolation?: IsolationOptions;
  /** Overrides the host version plugins' `host` ranges are checked against (tests only). */
  hostVersion?: string;
}

/** Options of {@link PluginHost.setIsolation}. */
export interface SetIsolationOptions {
  /** The operator names the plugin trusted: required for `inline`. */
  trusted?: boolean;
  /** Heap limit of its worker or process, in MB (16–65,536); `null` drops a stored limit. */
  maxHeapMb?: number | null;
}

/** A plugin given in code to {@link PluginHost.register}. */
export interface RegisteredManifest {
  /** Plugin name. */
  name: string;
  /** Plugin version. Default `0.0.0`. */
  version?: string;
  /** Plugin dependencies: name → semver range. */
  dependencies?: Readonly<Record<string, string>>;
  /** Folder the plugin's data and assets are relative to. */
  path?: string;
}

/** A view able to show a table, as {@link ViewRegistry.forTable} returns it. */
export interface ResolvedView {
  /** View name. */
  name: string;
  /** Switcher label. */
  title: string;
  /** Plugin providing it. */
  plugin: string;
  /** Folder of the providing plugin (for its assets), when it has one. */
  pluginPath?: string;
  /** Its score for the table. */
  score: number;
  /** The view definition (render runs under the host's timeout). */
  definition: ViewDefinition;
}

/** The host's views. */
export interface ViewRegistry {
  /** Views that can show the table, best first (score, then priority, then name). */
  forTable(table: TableSchema): ResolvedView[];
  /** Every registered view. */
  list(): ResolvedView[];
}

/** A datasource factory and the plugin that registered it. */
export interface RegisteredDatasource {
  /** Factory name. */
  name: string;
  /** Plugin providing it. */
  plugin: string;
  /** URL schemes. */
  schemes: readonly string[];
  /** Description. */
  description?: string;
}

/** Options of {@link DatasourceRegistry.open}. */
export interface OpenDatasourceOptions extends DatasourceOpenOptions {
  /** Use this plugin's factory when several claim the scheme. */
  plugin?: string;
}

/** The host's datasources. */
export interface DatasourceRegistry {
  /**
   * Opens a URL with the datasource registered for its scheme. The returned datasource
   * runs every read and write through the host's data hooks, and is closed when the
   * providing plugin is disabled.
   */
  open(url: string, options?: OpenDatasourceOptions): Promise<Datasource>;
  /** Registered factories. */
  list(): RegisteredDatasource[];
  /** Schemes claimed by more than one plugin, with the claimants. */
  conflicts(): {
    /** The URL scheme. */
    scheme: string;
    /** The plugins claiming it. */
    plugins: string[];
  }[];
}

/** A plugin route as the HTTP server dispatches it. */
export interface RegisteredRoute {
  /** Owning plugin. */
  plugin: string;
  /** Route definition. */
  route: RouteDefinition;
}

/** The routes plugins registered. */
export interface RouteRegistry {
  /** The route of `plugin` matching method and path (below `/plugins/<plugin>`), with its path parameters. */
  match(
    plugin: string,
    method: string,
    path: string,
  ):
    | {
        /** The matching route. */
        route: RegisteredRoute;
        /** Path parameters (`/items/:id` → `{ id }`). */
        params: Record<string, string>;
      }
    | undefined;
  /** Every registered route. */
  list(): RegisteredRoute[];
  /** Every permission declared by an enabled plugin. */
  permissions(): (PermissionDefinition & {
    /** The plugin declaring the permission. */
    plugin: string;
  })[];
}

/** Events a host emits. */
export interface HostEvents {
  /** A plugin changed lifecycle state. */
  stateChange: PluginStateChange;
}

/** A running nocoflo host. */
export interface PluginHost {
  /** The host's version. */
  readonly version: string;
  /** The root folder. */
  readonly root: string;
  /** The data folder. */
  readonly dataDir: string;
  /** The plugin directories, resolved; plugins are installed into the first. */
  readonly pluginDirs: readonly string[];
  /** Where log lines go. */
  readonly logger: Logger;
  /** The typed tapable hooks, for the host's own calls. */
  readonly hooks: NocofloHooks;
  /** Views contributed by enabled plugins. */
  readonly views: ViewRegistry;
  /** Datasources contributed by enabled plugins. */
  readonly datasources: DatasourceRegistry;
  /** Routes contributed by enabled plugins. */
  readonly routes: RouteRegistry;
  /** The service provided under `name` by an enabled plugin. */
  service<T = unknown>(name: string): T | undefined;
  /** Discovers, validates, orders, loads, sets up and enables every plugin. */
  start(): Promise<void>;
  /** Disables and tears down every plugin (reverse start order); closes the store. */
  stop(): Promise<void>;
  /** Finds plugins again (new folders, changed package.json) and starts new ones. */
  rescan(): Promise<void>;
  /** Every known plugin. */
  list(): PluginInfo[];
  /** One plugin, or undefined. */
  get(name: string): PluginInfo | undefined;
  /** Enables a plugin (and dependents it held back); persists the choice. */
  enable(name: string): Promise<PluginInfo>;
  /** Disables a plugin (and, first, its enabled dependents); persists the choice. */
  disable(name: string): Promise<PluginInfo>;
  /** Tears a plugin down and loads its code again from disk. */
  reload(name: string): Promise<PluginInfo>;
  /** Adds a plugin given in code, and starts it. */
  register(plugin: NocofloPlugin, manifest: RegisteredManifest): Promise<PluginInfo>;
  /**
   * Installs a plugin from an npm spec, an `npm pack` tarball path (`{ tarball }`) or
   * tarball bytes (`{ data }`) into the first plugin directory, validating it before it
   * replaces anything, and starts it (an upgrade reloads the running version).
   */
  install(source: InstallSource, options?: InstallOptions): Promise<PluginInfo>;
  /**
   * Sets where a plugin's code runs and persists it in the store (it wins over the config
   * file and the default); a running plugin restarts at the new level at once, a failed one
   * is started again. `null` drops the stored level (the config file's or the default
   * applies again). `inline` needs `{ trusted: true }`.
   *
   * @throws NocofloError `NCF_ISOLATION_REFUSED` (inline without trust, a plugin registered
   * in code, a heap limit out of range), `NCF_PLUGIN_NOT_FOUND`.
   */
  setIsolation(
    name: string,
    level: IsolationLevel | null,
    options?: SetIsolationOptions,
  ): Promise<PluginInfo>;
  /** The operator's stored approval of a plugin's manifest permissions, if any. */
  approvedPermissions(name: string): PermissionApproval | undefined;
  /** Stores an approval of a plugin's manifest permissions (install does this once approved). */
  recordPermissionApproval(name: string, approval: Omit<PermissionApproval, 'at'>): Promise<void>;
  /** Removes an installed plugin; refuses while enabled plugins depend on it, and lists them. */
  uninstall(name: string, options?: InstallOptions): Promise<void>;
  /** Removes a plugin from the host (tears it down). Used by uninstall. */
  unregister(name: string): Promise<void>;
  /**
   * Validates and stores a plugin's config; reloads the plugin when it is running. Secret
   * fields (marked with `secret()`) are stored encrypted; one left out keeps its stored value.
   * The change is recorded with `actor` (default `api`) and the time.
   *
   * @throws NocofloError `NCF_CONFIG_INVALID` with `details.issues` (each problem's path and message).
   */
  setConfig(name: string, config: unknown, options?: { actor?: string }): Promise<PluginInfo>;
  /** The plugin's effective config (stored, else from host options), without secret values. */
  getConfig(name: string): Promise<unknown>;
  /** The plugin's config for an editor: values without secrets, which secrets are set, and its JSON Schema. */
  configView(name: string): Promise<PluginConfigView>;
  /** Subscribes to a host event; returns the unsubscribe function. */
  on<E extends keyof HostEvents>(event: E, listener: (payload: HostEvents[E]) => void): () => void;
  /**
   * Runs `fn` while holding the host's lifecycle lock, so it does not interleave with
   * enable / disable / reload / install of any plugin. Operations wait their turn in the
   * order they were asked for; a `fn` that throws releases the lock.
   *
   * The host operations `fn` calls (and awaits) run in place, inside the same hold, instead
   * of waiting for the lock `fn` holds: `await host.reload(name)` in `fn` does not deadlock.
   * Work `fn` leaves running after it returned waits its turn like any other caller.
   *
   * @example
   * ```ts
   * import { rename } from 'node:fs/promises';
   * import { createHost } from '@nocoflo/host';
   *
   * const host = await createHost({ root: '.' });
   * await host.start();
   * // Swap a plugin's folder and start the new version, with no other operation in between.
   * await host.exclusive(async () => {
   *   await rename('plugins/audit', 'plugins/.old-audit');
   *   await rename('staging/audit', 'plugins/audit');
   *   await host.reload('@acme/audit');
   * });
   * ```
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}
