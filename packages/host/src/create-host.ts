/**
 * `createHost`: the plugin host. It discovers plugins, validates them before any of their
 * code runs, starts them in dependency order, runs their lifecycle under timeouts, isolates
 * their failures, and enables / disables / reloads them while it runs.
 *
 * This file is the facade: the plugin table, the transition table, the lifecycle and the
 * runtimes live in `lifecycle/` and `runtime/`.
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import {
  createHooks,
  Errors,
  errorMessage,
  type Logger,
  NocofloError,
  type NocofloHooks,
  type NocofloPlugin,
  type PluginInfo,
  silentLogger,
} from '@nocoflo/sdk';
import validVersion from 'semver/functions/valid.js';
import { DatasourceRegistryImpl } from './contributions/datasource-registry.js';
import { HookRegistry } from './contributions/hook-registry.js';
import { RouteRegistryImpl } from './contributions/route-registry.js';
import { ServiceRegistryImpl } from './contributions/service-registry.js';
import { ViewRegistryImpl } from './contributions/view-registry.js';
import { discover, resolvePluginDirs } from './discovery/discover.js';
import { relocate } from './discovery/relocate.js';
import type { Candidate } from './discovery/types.js';
import { installPlugin } from './install/install.js';
import { recoverInstalls } from './install/journal.js';
import { PACKAGE_REPLICA, PackageReplica } from './install/replicate.js';
import type { InstallOptions, InstallSource } from './install/types.js';
import { uninstallPlugin } from './install/uninstall.js';
import { HostLock } from './lifecycle/host-lock.js';
import { checkIsolationChange } from './lifecycle/isolation-setting.js';
import { pluginInfo } from './lifecycle/plugin-info.js';
import { PluginLifecycle, recordFrom } from './lifecycle/plugin-lifecycle.js';
import type { PluginRecord } from './lifecycle/plugin-record.js';
import { PluginStates } from './lifecycle/plugin-states.js';
import { PluginTable } from './lifecycle/plugin-table.js';
import { isHostLogger } from './logging/host-logger.js';
import { PluginDatabases } from './namespaces/plugin-databases.js';
import { RuntimeFactory } from './runtime/runtime-factory.js';
import type { IsolationLevel } from './runtime/types.js';
import { PluginConfigs, type PluginConfigView } from './secrets/plugin-configs.js';
import { redactingLogger } from './secrets/redact.js';
import { MemoryStore } from './store/memory-store.js';
import {
  type ExternalChangeKind,
  isPackageStore,
  type PermissionApproval,
  type PluginStateStore,
} from './store/types.js';
import type {
  HostEvents,
  HostOptions,
  PluginHost,
  RegisteredManifest,
  SetIsolationOptions,
} from './types.js';
import { HOST_VERSION } from './version.js';

const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;
const DEFAULT_TAP_TIMEOUT_MS = 5_000;

/**
 * Creates a host. Nothing is discovered or run until {@link PluginHost.start}.
 *
 * @example
 * ```ts
 * import { createHost } from '@nocoflo/host';
 * const host = await createHost({ root: process.cwd(), pluginDirs: ['plugins'] });
 * await host.start();
 * console.table(host.list().map(({ name, version, state }) => ({ name, version, state })));
 * await host.stop();
 * ```
 */
export async function createHost(options: HostOptions = {}): Promise<PluginHost> {
  return new Host(options);
}

class Host implements PluginHost {
  readonly version: string;
  readonly root: string;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly hooks: NocofloHooks;
  readonly views: ViewRegistryImpl;
  readonly datasources: DatasourceRegistryImpl;
  readonly routes: RouteRegistryImpl;
  readonly pluginDirs: readonly string[];

  readonly #options: HostOptions;
  readonly #store: PluginStateStore;
  readonly #databases: PluginDatabases;
  readonly #configs: PluginConfigs;
  readonly #services = new ServiceRegistryImpl();
  readonly #table = new PluginTable();
  readonly #events = new EventEmitter();
  readonly #lock = new HostLock();
  readonly #lifecycle: PluginLifecycle;
  readonly #runtimes: RuntimeFactory;
  #started = false;
  #stopped = false;
  #unsubscribeStore: (() => void) | undefined;
  /** Installs shared with the other hosts of the store (when it records packages). */
  readonly [PACKAGE_REPLICA]: PackageReplica | undefined;

  constructor(options: HostOptions) {
    this.#options = options;
    this.version = options.hostVersion ?? HOST_VERSION;
    this.root = resolve(options.root ?? process.cwd());
    this.dataDir = resolve(this.root, options.dataDir ?? '.nocoflo');
    // Secrets the host knows (opened config fields, the admin token) never reach a log line.
    // A pino host logger redacts on its own (and keeps its per-plugin children); others are wrapped.
    this.logger =
      options.logger && isHostLogger(options.logger)
        ? options.logger
        : redactingLogger(options.logger ?? silentLogger);
    this.pluginDirs = resolvePluginDirs(this.root, options.pluginDirs ?? ['plugins']);
    this.#store = options.store ?? new MemoryStore();
    this[PACKAGE_REPLICA] = isPackageStore(this.#store)
      ? new PackageReplica(this.#store, {
          pathOf: (name) => this.#table.get(name)?.location?.dir,
          pluginDir: this.pluginDirs[0],
          // Approved by the operator of the host that installed it: the approval is in the store
          // first, and the package record carries the permissions approved with it.
          install: async (data, label, permissions, fromStore) => {
            await this.#lifecycle.readTrust();
            return this.install(
              { data, filename: label },
              { ...fromStore, ...(permissions ? { approvePermissions: permissions } : {}) },
            );
          },
          uninstall: (name, fromStore) => this.uninstall(name, fromStore),
          logger: this.logger,
        })
      : undefined;
    this.#databases = new PluginDatabases(this.#store);
    this.#configs = new PluginConfigs({
      store: this.#store,
      defaults: options.config,
      keyring: options.secretKeyring,
      dataDir: this.dataDir,
    });
    const callbackTimeoutMs = options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
    this.hooks = createHooks();
    const hookRegistry = new HookRegistry(
      this.hooks,
      (plugin, hook, error) => this.#lifecycle.failLater(plugin, `its "${hook}" tap`, error),
      options.tapTimeoutMs ?? DEFAULT_TAP_TIMEOUT_MS,
    );
    this.views = new ViewRegistryImpl(
      this.hooks,
      (plugin, error) => this.#lifecycle.failLater(plugin, 'its view canHandle', error),
      callbackTimeoutMs,
    );
    this.datasources = new DatasourceRegistryImpl(
      this.hooks,
      callbackTimeoutMs,
      this.root,
      options.maxDatasourceConnections,
    );
    this.routes = new RouteRegistryImpl(() => this.#table.declaredPermissions());
    this.#events.setMaxListeners(0);
    const runtimes = new RuntimeFactory({
      ...(options.isolation ? { isolation: options.isolation } : {}),
      tapTimeoutMs: options.tapTimeoutMs ?? DEFAULT_TAP_TIMEOUT_MS,
      dialect: () => this.#databases.dialect,
      storedLevel: (name) => this.#lifecycle.trustOf(name)?.isolation,
      storedMaxHeapMb: (name) => this.#lifecycle.trustOf(name)?.maxHeapMb,
    });
    this.#runtimes = runtimes;
    this.#lifecycle = new PluginLifecycle({
      table: this.#table,
      states: new PluginStates(this.#events, this.hooks),
      lock: this.#lock,
      store: this.#store,
      configs: this.#configs,
      databases: this.#databases,
      registries: {
        hooks: hookRegistry,
        views: this.views,
        datasources: this.datasources,
        services: this.#services,
        routes: this.routes,
      },
      logger: this.logger,
      hostVersion: this.version,
      dataDir: this.dataDir,
      callbackTimeoutMs,
      createRuntime: (record, runtimeOptions) => {
        const placement = runtimes.placementOf(record);
        record.runtimeHeapMb = placement.maxHeapMb;
        return runtimes.create(record, runtimeOptions);
      },
      placementOf: (record) => runtimes.placementOf(record),
      restart: options.isolation?.restart ?? {},
      relocate: (record) =>
        record.location &&
        relocate(
          record.location,
          () =>
            discover({
              root: this.root,
              pluginDirs: this.pluginDirs,
              scanNodeModules: false,
              hostVersion: this.version,
            }).find((c) => c.name === record.name && c.location.source === 'directory')?.location,
        ),
    });
  }

  // ── Queries ───────────────────────────────────────────────────────────────

  list(): PluginInfo[] {
    const conflicts = this.datasources.conflicts();
    return this.#table
      .sorted()
      .map((record) =>
        pluginInfo(
          record,
          conflicts,
          this.#runtimes.placementOf(record),
          this.#lifecycle.trustOf(record.name),
        ),
      );
  }

  get(name: string): PluginInfo | undefined {
    const record = this.#table.get(name);
    return record ? this.info(record) : undefined;
  }

  service<T = unknown>(name: string): T | undefined {
    return this.#services.get(name) as T | undefined;
  }

  on<E extends keyof HostEvents>(event: E, listener: (payload: HostEvents[E]) => void): () => void {
    this.#events.on(event, listener);
    return () => this.#events.off(event, listener);
  }

  async getConfig(name: string): Promise<unknown> {
    return (await this.configView(name)).config ?? undefined;
  }

  async configView(name: string): Promise<PluginConfigView> {
    const record = this.#table.require(name);
    return this.#configs.view(name, configSchemaOf(record));
  }

  // ── Lifecycle commands (each holds the lock; in place when user code the lock runs calls it) ──

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    // The callback is user code: the host operations it calls run in place (no self-deadlock).
    return this.#lock.operation(() => this.#lock.userCode(fn));
  }

  async start(): Promise<void> {
    const replica = this[PACKAGE_REPLICA];
    const first = await this.#lock.operation(async () => {
      if (this.#started) return false;
      this.#started = true;
      await this.#lifecycle.readStoredStates();
      // An install the previous process did not finish is completed or undone before anything is read.
      if (this.pluginDirs[0]) await recoverInstalls(this.pluginDirs[0], this.logger);
      // A plugin another host uninstalled meanwhile is removed before its code could run.
      await replica?.removeUninstalled();
      const candidates = this.discover();
      for (const candidate of candidates) this.#table.set(recordFrom(candidate));
      for (const warning of candidates.flatMap((c) => c.warnings)) this.logger.warn(warning);
      await this.#lifecycle.startAll();
      this.#unsubscribeStore = this.#store.onExternalChange?.((change) => {
        void this.followExternalChange(change.plugin, change.kind).catch((error) =>
          this.logger.error('could not follow a change made by another host', {
            plugin: change.plugin,
            error: errorMessage(error),
          }),
        );
      });
      const enabled = this.#table
        .all()
        .filter((r) => r.state === 'enabled')
        .map((r) => r.name);
      // Taps are user code holding the lock: an operation they await runs in place.
      if (this.hooks.hostStarted.isUsed()) {
        const started = Object.freeze({ hostVersion: this.version, enabled });
        await this.#lock.userCode(() => this.hooks.hostStarted.promise(started));
      }
      return true;
    });
    // Installs other hosts made (or finished) meanwhile, through the install pipeline, which
    // takes the lifecycle lock itself.
    if (first) await replica?.reconcile();
  }

  rescan(): Promise<void> {
    return this.#lock.operation(async () => {
      const fresh = this.discover().filter((candidate) => !this.#table.has(candidate.name));
      for (const candidate of fresh) this.#table.set(recordFrom(candidate));
      if (fresh.length > 0) await this.#lifecycle.startAll();
    });
  }

  async stop(): Promise<void> {
    await this[PACKAGE_REPLICA]?.close();
    return this.#lock.operation(async () => {
      if (this.#stopped) return;
      this.#stopped = true;
      this.#lifecycle.stopRestarts();
      this.#unsubscribeStore?.();
      if (this.hooks.hostStopping.isUsed()) {
        await this.#lock
          .userCode(() => this.hooks.hostStopping.promise())
          .catch((error) => this.logger.warn('hostStopping failed', { error: errorMessage(error) }));
      }
      for (const record of this.#table.startOrder().reverse())
        await this.#lifecycle.unload(record, 'torn_down');
      await this.#runtimes.close();
      await this.#databases.closeAll();
      await this.#store.close();
    });
  }

  enable(name: string): Promise<PluginInfo> {
    return this.#lock.operation(async () => {
      const record = this.#table.require(name);
      this.#lifecycle.resetHealth(record);
      await this.#lifecycle.persistChoice(record, true);
      await this.#lifecycle.enableRecord(record, true);
      return this.info(record);
    });
  }

  disable(name: string): Promise<PluginInfo> {
    return this.#lock.operation(async () => {
      const record = this.#table.require(name);
      this.#lifecycle.resetHealth(record);
      await this.#lifecycle.persistChoice(record, false);
      await this.#lifecycle.disableRecord(record);
      return this.info(record);
    });
  }

  reload(name: string): Promise<PluginInfo> {
    return this.#lock.operation(async () => {
      const record = this.#table.require(name);
      this.#lifecycle.resetHealth(record);
      await this.#lifecycle.reloadRecord(record);
      return this.info(record);
    });
  }

  register(plugin: NocofloPlugin, manifest: RegisteredManifest): Promise<PluginInfo> {
    return this.#lock.operation(async () => {
      const existing = this.#table.get(manifest.name);
      if (existing && existing.source !== 'registered') {
        throw NocofloError.create(Errors.AmbiguousPlugin, [
          manifest.name,
          [existing.location?.dir ?? existing.name, '(registered in code)'],
        ]);
      }
      if (existing) await this.#lifecycle.unregisterRecord(existing);
      const version = manifest.version ?? '0.0.0';
      if (!validVersion(version)) {
        throw NocofloError.create(Errors.ManifestInvalid, [
          manifest.name,
          `version: "${version}" is not a valid semver version`,
        ]);
      }
      const record: PluginRecord = {
        name: manifest.name,
        version,
        source: 'registered',
        ...(manifest.path ? { location: { dir: resolve(manifest.path), source: 'directory' as const } } : {}),
        dependencies: { ...(manifest.dependencies ?? {}) },
        state: 'discovered',
        warnings: [],
        definition: plugin,
      };
      this.#table.set(record);
      if (this.#started) await this.#lifecycle.startAll();
      return this.info(record);
    });
  }

  install(source: InstallSource, options: InstallOptions = {}): Promise<PluginInfo> {
    return installPlugin(this, source, { pluginDir: this.pluginDirs[0], logger: this.logger, ...options });
  }

  approvedPermissions(name: string): PermissionApproval | undefined {
    return this.#lifecycle.trustOf(name)?.approved;
  }

  async recordPermissionApproval(name: string, approval: Omit<PermissionApproval, 'at'>): Promise<void> {
    await this.#lifecycle.persistApproval(name, approval);
  }

  setIsolation(
    name: string,
    level: IsolationLevel | null,
    options: SetIsolationOptions = {},
  ): Promise<PluginInfo> {
    return this.#lock.operation(async () => {
      const record = this.#table.require(name);
      const change = checkIsolationChange(record.name, level, options, record.source === 'registered');
      await this.#lifecycle.persistIsolation(name, change);
      this.logger.info(`${name}: isolation set to ${level ?? 'the configured default'}`, {
        plugin: name,
        ...(change.maxHeapMb !== undefined ? { maxHeapMb: change.maxHeapMb } : {}),
      });
      this.#lifecycle.resetHealth(record);
      await this.#lifecycle.applyPlacement(record, { restartFailed: true });
      return this.info(record);
    });
  }

  uninstall(name: string, options: InstallOptions = {}): Promise<void> {
    return uninstallPlugin(this, name, { pluginDir: this.pluginDirs[0], logger: this.logger, ...options });
  }

  unregister(name: string): Promise<void> {
    return this.#lock.operation(async () => this.#lifecycle.unregisterRecord(this.#table.require(name)));
  }

  setConfig(name: string, config: unknown, options: { actor?: string } = {}): Promise<PluginInfo> {
    return this.#lock.operation(async () => {
      const record = this.#table.require(name);
      await this.#configs.write(name, configSchemaOf(record), config, options.actor ?? 'api');
      await this.#lifecycle.applyConfigChange(record);
      return this.info(record);
    });
  }

  // ── Helpers ───────────────────────────────────────────────────────────────

  /** Another host sharing the store changed a plugin: do the same here, without writing back. */
  private followExternalChange(plugin: string, kind: ExternalChangeKind): Promise<void> {
    if (kind === 'package') return this[PACKAGE_REPLICA]?.follow(plugin) ?? Promise.resolve();
    // Never in place: a notification is nobody's step, it waits its turn.
    return this.#lock.run(async () => {
      const record = this.#table.get(plugin);
      if (!record || this.#stopped) return;
      // Always start from what the store says now: notifications of several kinds may interleave.
      await this.#lifecycle.readStoredStates();
      if (kind === 'config') {
        await this.#lifecycle.applyConfigChange(record);
        return;
      }
      // Another host may have moved the plugin (set-isolation): restart it at its new level here too.
      await this.#lifecycle.applyPlacement(record, { restartFailed: false });
      const wanted = this.#lifecycle.wantsEnabled(plugin);
      if (wanted && record.state !== 'enabled') await this.#lifecycle.enableRecord(record, false);
      if (!wanted && record.state === 'enabled') await this.#lifecycle.disableRecord(record);
    });
  }

  private discover(): Candidate[] {
    return discover({
      root: this.root,
      pluginDirs: this.pluginDirs,
      scanNodeModules: this.#options.scanNodeModules ?? true,
      hostVersion: this.version,
    });
  }

  private info(record: PluginRecord): PluginInfo {
    return pluginInfo(
      record,
      this.datasources.conflicts(),
      this.#runtimes.placementOf(record),
      this.#lifecycle.trustOf(record.name),
    );
  }
}

/** The config schema the host knows for a record: from its loaded code, or its registered definition. */
function configSchemaOf(record: PluginRecord) {
  return record.loaded ? record.loaded.config : record.definition?.config;
}
