/**
 * `createHost`: the plugin host. It discovers plugins, validates them before any of their
 * code runs, starts them in dependency order, runs their lifecycle under timeouts, isolates
 * their failures, and enables / disables / reloads them while it runs.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import {
  createHooks,
  Errors,
  errorMessage,
  formatIssues,
  isNocofloError,
  type Logger,
  NocofloError,
  type NocofloHooks,
  type NocofloPlugin,
  type PermissionDefinition,
  type PluginInfo,
  type PluginState,
  type PluginStateChange,
  type SerializedNocofloError,
  silentLogger,
} from '@nocoflo/sdk';
import semver from 'semver';
import { DatasourceRegistryImpl } from './contributions/datasource-registry.js';
import { HookRegistry } from './contributions/hook-registry.js';
import { RouteRegistryImpl } from './contributions/route-registry.js';
import { ServiceRegistryImpl } from './contributions/service-registry.js';
import { ViewRegistryImpl } from './contributions/view-registry.js';
import { discover, resolvePluginDirs } from './discovery/discover.js';
import { readCandidate } from './discovery/read-candidate.js';
import type { Candidate } from './discovery/types.js';
import { type InstallOptions, type InstallSource, installPlugin } from './install/install.js';
import { recoverInstalls } from './install/journal.js';
import { uninstallPlugin } from './install/uninstall.js';
import { loadEntry } from './lifecycle/load-entry.js';
import { dependentsOf, type OrderNode, orderPlugins } from './lifecycle/order.js';
import type { PluginRecord } from './lifecycle/plugin-record.js';
import { PluginRuntime } from './lifecycle/plugin-runtime.js';
import { TimeoutError, withTimeout } from './lifecycle/timeout.js';
import { applyPluginMigrations } from './migrations/apply.js';
import { pluginDataDir } from './namespaces/plugin-data-dir.js';
import { PluginDatabases } from './namespaces/plugin-databases.js';
import { PluginConfigs, type PluginConfigView } from './secrets/plugin-configs.js';
import { redactingLogger, secretRedactor } from './secrets/redact.js';
import { crashPoint } from './store/crash-point.js';
import { MemoryStore } from './store/memory-store.js';
import type { PluginStateStore, StoredPluginState } from './store/types.js';
import type { HostEvents, HostOptions, PluginHost, RegisteredManifest } from './types.js';
import { HOST_VERSION } from './version.js';

const DEFAULT_CALLBACK_TIMEOUT_MS = 10_000;
const DEFAULT_TAP_TIMEOUT_MS = 5_000;

type LifecycleCallbackName = 'setup' | 'enable' | 'disable' | 'teardown';

const toJson = (error: NocofloError) => error.toJSON();

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
  readonly #callbackTimeoutMs: number;
  readonly #hookRegistry: HookRegistry;
  readonly #services = new ServiceRegistryImpl();
  readonly #records = new Map<string, PluginRecord>();
  readonly #events = new EventEmitter();
  readonly #lock = new AsyncLocalStorage<true>();
  #queue: Promise<unknown> = Promise.resolve();
  #storedStates = new Map<string, StoredPluginState>();
  #started = false;
  #stopped = false;
  #unsubscribeStore: (() => void) | undefined;

  constructor(options: HostOptions) {
    this.#options = options;
    this.version = options.hostVersion ?? HOST_VERSION;
    this.root = resolve(options.root ?? process.cwd());
    this.dataDir = resolve(this.root, options.dataDir ?? '.nocoflo');
    // Secrets the host knows (opened config fields, the admin token) never reach a log line.
    this.logger = redactingLogger(options.logger ?? silentLogger);
    this.pluginDirs = resolvePluginDirs(this.root, options.pluginDirs ?? ['plugins']);
    this.#store = options.store ?? new MemoryStore();
    this.#databases = new PluginDatabases(this.#store);
    this.#configs = new PluginConfigs({
      store: this.#store,
      defaults: options.config,
      keyring: options.secretKeyring,
      dataDir: this.dataDir,
    });
    this.#callbackTimeoutMs = options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS;
    this.hooks = createHooks();
    this.#hookRegistry = new HookRegistry(
      this.hooks,
      (plugin, hook, error) => this.failLater(plugin, `its "${hook}" tap`, error),
      options.tapTimeoutMs ?? DEFAULT_TAP_TIMEOUT_MS,
    );
    this.views = new ViewRegistryImpl(
      this.hooks,
      (plugin, error) => this.failLater(plugin, 'its view canHandle', error),
      this.#callbackTimeoutMs,
    );
    this.datasources = new DatasourceRegistryImpl(
      this.hooks,
      this.#callbackTimeoutMs,
      this.root,
      options.maxDatasourceConnections,
    );
    this.routes = new RouteRegistryImpl(() => this.declaredPermissions());
    this.#events.setMaxListeners(0);
  }

  // ── Queries ───────────────────────────────────────────────────────────────

  list(): PluginInfo[] {
    const conflicts = this.datasources.conflicts();
    return [...this.#records.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((record) => this.info(record, conflicts));
  }

  get(name: string): PluginInfo | undefined {
    const record = this.#records.get(name);
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
    const record = this.require(name);
    return this.#configs.view(name, record.definition?.config);
  }

  // ── Lifecycle commands (each holds the lock) ──────────────────────────────

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#lock.getStore()) return fn(); // already inside: run in place (no self-deadlock)
    const run = this.#queue.then(() => this.#lock.run(true, fn));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  start(): Promise<void> {
    return this.exclusive(async () => {
      if (this.#started) return;
      this.#started = true;
      this.#storedStates = await this.#store.readPluginStates();
      // An install the previous process did not finish is completed or undone before anything is read.
      if (this.pluginDirs[0]) await recoverInstalls(this.pluginDirs[0], this.logger);
      const candidates = this.discover();
      for (const candidate of candidates) this.#records.set(candidate.name, this.recordFrom(candidate));
      for (const warning of candidates.flatMap((c) => c.warnings)) this.logger.warn(warning);
      await this.startAll();
      this.#unsubscribeStore = this.#store.onExternalChange?.((change) => {
        void this.followExternalChange(change.plugin, change.kind).catch((error) =>
          this.logger.error('could not follow a change made by another host', {
            plugin: change.plugin,
            error: errorMessage(error),
          }),
        );
      });
      const enabled = [...this.#records.values()].filter((r) => r.state === 'enabled').map((r) => r.name);
      if (this.hooks.hostStarted.isUsed())
        await this.hooks.hostStarted.promise(Object.freeze({ hostVersion: this.version, enabled }));
    });
  }

  rescan(): Promise<void> {
    return this.exclusive(async () => {
      const candidates = this.discover();
      const fresh = candidates.filter((candidate) => !this.#records.has(candidate.name));
      for (const candidate of fresh) this.#records.set(candidate.name, this.recordFrom(candidate));
      if (fresh.length > 0) await this.startAll();
    });
  }

  stop(): Promise<void> {
    return this.exclusive(async () => {
      if (this.#stopped) return;
      this.#stopped = true;
      this.#unsubscribeStore?.();
      if (this.hooks.hostStopping.isUsed()) {
        await this.hooks.hostStopping
          .promise()
          .catch((error) => this.logger.warn('hostStopping failed', { error: errorMessage(error) }));
      }
      for (const record of this.startOrder().reverse()) await this.unload(record, 'torn_down');
      await this.#databases.closeAll();
      await this.#store.close();
    });
  }

  enable(name: string): Promise<PluginInfo> {
    return this.exclusive(async () => {
      const record = this.require(name);
      await this.persistChoice(record, true);
      await this.enableRecord(record, true);
      return this.info(record);
    });
  }

  disable(name: string): Promise<PluginInfo> {
    return this.exclusive(async () => {
      const record = this.require(name);
      await this.persistChoice(record, false);
      await this.disableRecord(record);
      return this.info(record);
    });
  }

  reload(name: string): Promise<PluginInfo> {
    return this.exclusive(async () => {
      const record = this.require(name);
      await this.reloadRecord(record);
      return this.info(record);
    });
  }

  register(plugin: NocofloPlugin, manifest: RegisteredManifest): Promise<PluginInfo> {
    return this.exclusive(async () => {
      const existing = this.#records.get(manifest.name);
      if (existing && existing.source !== 'registered') {
        throw NocofloError.create(Errors.AmbiguousPlugin, [
          manifest.name,
          [existing.location?.dir ?? existing.name, '(registered in code)'],
        ]);
      }
      if (existing) await this.unregisterRecord(existing);
      const version = manifest.version ?? '0.0.0';
      if (!semver.valid(version)) {
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
      this.#records.set(record.name, record);
      if (this.#started) await this.startAll();
      return this.info(record);
    });
  }

  install(source: InstallSource, options: InstallOptions = {}): Promise<PluginInfo> {
    return installPlugin(this, source, { pluginDir: this.pluginDirs[0], logger: this.logger, ...options });
  }

  uninstall(name: string, options: InstallOptions = {}): Promise<void> {
    return uninstallPlugin(this, name, { pluginDir: this.pluginDirs[0], logger: this.logger, ...options });
  }

  unregister(name: string): Promise<void> {
    return this.exclusive(async () => this.unregisterRecord(this.require(name)));
  }

  setConfig(name: string, config: unknown, options: { actor?: string } = {}): Promise<PluginInfo> {
    return this.exclusive(async () => {
      const record = this.require(name);
      await this.#configs.write(name, record.definition?.config, config, options.actor ?? 'api');
      await this.applyConfigChange(record);
      return this.info(record);
    });
  }

  // ── Transitions (callers hold the lock) ───────────────────────────────────

  /** Orders every not-yet-started plugin and brings each up, dependencies first. */
  private async startAll(): Promise<void> {
    const records = [...this.#records.values()];
    const { order, failed } = orderPlugins(records.map((record) => this.orderNode(record)));
    for (const [name, error] of failed) {
      const record = this.#records.get(name)!;
      if (record.state === 'failed' && record.error?.code === error.code) continue;
      if (record.runtime || record.state === 'enabled') continue; // already running: not re-judged here
      if (error.code === Errors.DependencyFailed.code) record.blockedBy = this.firstFailedDependency(record);
      this.setState(record, 'failed', error);
    }
    for (const name of order) {
      const record = this.#records.get(name)!;
      if (record.state === 'discovered') await this.bringUp(record);
    }
  }

  /** Loads, sets up and enables a plugin, or leaves it disabled / held back / failed with the reason. */
  private async bringUp(record: PluginRecord): Promise<void> {
    const blocker = this.blockingDependency(record);
    if (blocker) {
      record.blockedBy = blocker.name;
      if (blocker.state === 'failed') {
        const chain = [record.name, blocker.name];
        this.setState(
          record,
          'failed',
          toJson(
            NocofloError.create(Errors.DependencyFailed, [
              record.name,
              chain,
              blocker.error?.message ?? 'it failed',
            ]),
          ),
        );
      } else {
        this.setState(record, 'disabled');
      }
      return;
    }
    record.blockedBy = undefined;
    const stored = this.#storedStates.get(record.name);
    if (!stored || stored.version !== record.version)
      await this.persistChoice(record, stored?.enabled ?? true);
    if (!(this.#storedStates.get(record.name)?.enabled ?? true)) {
      this.setState(record, 'disabled');
      return;
    }
    try {
      if (!record.runtime) await this.loadAndSetup(record);
      await this.activate(record);
    } catch (error) {
      await this.failRecord(record, error);
    }
  }

  private async loadAndSetup(record: PluginRecord): Promise<void> {
    if (!record.definition) {
      if (!record.location || !record.manifest) throw new Error('plugin has neither code nor a location');
      record.definition = await loadEntry(record.name, record.location.dir, record.manifest.entry);
    }
    if (record.state !== 'loaded') this.setState(record, 'loaded');
    const config = await this.validatedConfig(record);
    const dataDir = pluginDataDir(this.dataDir, record.name);
    if (record.location) {
      // Pending SQL migrations run before setup; a changed or failing one fails this plugin only.
      const migrated = await applyPluginMigrations({
        store: this.#store,
        plugin: {
          name: record.name,
          version: record.version,
          path: record.location.dir,
          ...(record.manifest?.migrations ? { migrations: record.manifest.migrations } : {}),
        },
        openNamespace: () => this.#databases.namespace(record.name, dataDir),
        logger: this.logger,
      });
      if (migrated.applied.length > 0) crashPoint('plugin:after-migrations');
    }
    const runtime: PluginRuntime = new PluginRuntime({
      name: record.name,
      version: record.version,
      hostVersion: this.version,
      ...(record.location ? { path: record.location.dir } : {}),
      dataDir,
      config,
      logger: pluginLogger(this.logger, record.name),
      database: this.#databases.databaseFor(record.name, dataDir, (): boolean => record.runtime === runtime),
      definition: record.definition,
      registries: {
        hooks: this.#hookRegistry,
        views: this.views,
        datasources: this.datasources,
        services: this.#services,
        routes: this.routes,
      },
      callbackTimeoutMs: this.#callbackTimeoutMs,
      onError: (error) => this.failLater(record.name, 'a timer callback', error),
    });
    record.runtime = runtime;
    await runtime.inSetupPhase(() => this.callback(record, 'setup'));
    this.setState(record, 'setup');
  }

  private async activate(record: PluginRecord): Promise<void> {
    const runtime = record.runtime!;
    runtime.activate();
    await this.callback(record, 'enable');
    this.setState(record, 'enabled');
    record.error = undefined;
  }

  /** Enables a plugin, then the dependents it was holding back. */
  private async enableRecord(record: PluginRecord, explicit: boolean): Promise<void> {
    if (record.state === 'enabled') return;
    if (record.state === 'failed' || record.state === 'torn_down') {
      await this.reloadRecord(record);
      return;
    }
    const blocker = this.blockingDependency(record);
    if (blocker && explicit) {
      if (blocker.state === 'failed') {
        throw NocofloError.create(Errors.DependencyFailed, [
          record.name,
          [record.name, blocker.name],
          blocker.error?.message ?? 'it failed',
        ]);
      }
      throw NocofloError.create(Errors.DependencyDisabled, [record.name, blocker.name]);
    }
    await this.bringUp(record);
    if (isEnabled(record)) await this.releaseDependents(record);
  }

  /** Brings back plugins that were held back only by `record`, in start order. */
  private async releaseDependents(record: PluginRecord): Promise<void> {
    for (const dependent of this.startOrder()) {
      if (dependent.blockedBy !== record.name) continue;
      if (dependent.state === 'failed' && dependent.error?.code !== Errors.DependencyFailed.code) continue;
      if (dependent.state === 'failed')
        this.setState(dependent, dependent.runtime ? 'disabled' : 'discovered');
      await this.bringUp(dependent);
      if (isEnabled(dependent)) await this.releaseDependents(dependent);
    }
  }

  /** Disables a plugin; its enabled dependents are disabled first and held back until it returns. */
  private async disableRecord(record: PluginRecord): Promise<void> {
    await this.holdBackDependents(record);
    if (record.state === 'enabled') await this.deactivate(record);
    else if (record.state !== 'failed' && record.state !== 'disabled') this.setState(record, 'disabled');
  }

  /**
   * Disables the enabled plugins that depend on `record` (dependents first), each held
   * back by its direct dependency on the way to `record`, so they return with it.
   */
  private async holdBackDependents(record: PluginRecord): Promise<PluginRecord[]> {
    const dependents = this.enabledDependents(record);
    const affected = new Set([record.name, ...dependents.map((d) => d.name)]);
    for (const dependent of [...dependents].reverse()) {
      await this.deactivate(dependent);
      dependent.blockedBy = Object.keys(dependent.dependencies)
        .sort()
        .find((name) => affected.has(name));
    }
    return dependents;
  }

  /** The dependency chain from `record` down to `target`, both included. */
  private chainDown(record: PluginRecord, target: string): string[] {
    const chain = [record.name];
    let current: PluginRecord | undefined = record;
    while (current && current.name !== target && chain.length <= this.#records.size) {
      const next: string = current.blockedBy ?? target;
      chain.push(next);
      current = this.#records.get(next);
    }
    return chain;
  }

  private async deactivate(record: PluginRecord): Promise<void> {
    const runtime = record.runtime;
    if (!runtime || record.state !== 'enabled') return;
    await runtime.deactivate();
    try {
      await this.callback(record, 'disable');
      this.setState(record, 'disabled');
    } catch (error) {
      await this.failRecord(record, error);
    }
  }

  private async reloadRecord(record: PluginRecord): Promise<void> {
    await this.holdBackDependents(record);
    await this.unload(record, 'torn_down');
    record.error = undefined;
    record.blockedBy = undefined;
    if (record.source === 'directory' && record.location) {
      // A plugin folder that is a symlink may point somewhere else now (a replaced link):
      // follow it, so the reload loads the code the link names today, not the old target.
      const now = discover({
        root: this.root,
        pluginDirs: this.pluginDirs,
        scanNodeModules: false,
        hostVersion: this.version,
      }).find((c) => c.name === record.name && c.location.source === 'directory');
      if (now) record.location = now.location;
    }
    if (record.source !== 'registered' && record.location) {
      const candidate = readCandidate(record.location, this.version);
      if (!candidate) {
        this.setState(
          record,
          'failed',
          toJson(
            NocofloError.create(Errors.ManifestInvalid, [
              record.name,
              'the package no longer has the "nocoflo-plugin" keyword',
            ]),
          ),
        );
        return;
      }
      Object.assign(record, this.recordFrom(candidate), { state: record.state });
      record.definition = undefined;
      if (!candidate.ok) {
        this.setState(record, 'failed', candidate.error);
        return;
      }
    }
    const dependencyError = orderPlugins(
      [...this.#records.values()].map((r) => this.orderNode(r)),
    ).failed.get(record.name);
    if (dependencyError && dependencyError.code !== Errors.DependencyFailed.code) {
      this.setState(record, 'failed', dependencyError);
      return;
    }
    this.setState(record, 'discovered');
    await this.bringUp(record);
    if (isEnabled(record)) await this.releaseDependents(record);
  }

  /** Tears a plugin down: detach everything, run its teardown, forget its code. */
  private async unload(record: PluginRecord, finalState: PluginState): Promise<void> {
    const runtime = record.runtime;
    if (!runtime) return;
    if (record.state === 'enabled') await this.deactivate(record);
    if (record.state !== 'failed') {
      try {
        await this.callback(record, 'teardown');
      } catch (error) {
        this.logger.warn(`${record.name}'s teardown failed`, { error: errorMessage(error) });
      }
    }
    await runtime.dispose();
    record.runtime = undefined;
    if (record.state !== 'failed') this.setState(record, finalState);
  }

  private async unregisterRecord(record: PluginRecord): Promise<void> {
    const dependents = this.enabledDependents(record).map((r) => r.name);
    if (dependents.length > 0)
      throw NocofloError.create(Errors.HasEnabledDependents, [record.name, 'remove', dependents]);
    await this.unload(record, 'torn_down');
    this.#records.delete(record.name);
    await this.#databases.close(record.name);
  }

  /** Fails a plugin: its contributions are removed, its cleanups run, its dependents are held back. */
  private async failRecord(record: PluginRecord, error: unknown): Promise<void> {
    const failure = isNocofloError(error)
      ? error
      : NocofloError.create(Errors.PluginCallbackFailed, [record.name, 'a callback', errorMessage(error)], {
          cause: error,
        });
    this.logger.error(failure.message, { plugin: record.name, code: failure.code });
    for (const dependent of await this.holdBackDependents(record)) {
      const chain = this.chainDown(dependent, record.name);
      this.setState(
        dependent,
        'failed',
        toJson(NocofloError.create(Errors.DependencyFailed, [dependent.name, chain, failure.message])),
      );
    }
    const runtime = record.runtime;
    record.runtime = undefined;
    this.setState(record, 'failed', failure.toJSON());
    if (runtime) await runtime.dispose();
  }

  /** Fails a plugin from outside a lifecycle call (a tap or timer threw), once the current operation is done. */
  private failLater(plugin: string, where: string, error: unknown): void {
    const failure =
      error instanceof TimeoutError
        ? NocofloError.create(Errors.PluginCallbackTimeout, [plugin, where, error.ms])
        : NocofloError.create(Errors.PluginCallbackFailed, [plugin, where, errorMessage(error)], {
            cause: error,
          });
    this.#lock.exit(() => {
      void this.exclusive(async () => {
        const record = this.#records.get(plugin);
        if (record && record.state !== 'failed' && record.runtime) await this.failRecord(record, failure);
      });
    });
  }

  /** Runs a lifecycle callback under the timeout, turning throws, rejections and hangs into catalog errors. */
  private async callback(record: PluginRecord, name: LifecycleCallbackName): Promise<void> {
    const fn = record.definition?.[name];
    const runtime = record.runtime;
    if (!fn || !runtime) return;
    try {
      await withTimeout(() => fn(runtime.context as never), this.#callbackTimeoutMs);
    } catch (error) {
      if (error instanceof TimeoutError)
        throw NocofloError.create(Errors.PluginCallbackTimeout, [record.name, name, error.ms]);
      if (isNocofloError(error)) throw error;
      throw NocofloError.create(Errors.PluginCallbackFailed, [record.name, name, errorMessage(error)], {
        cause: error,
      });
    }
  }

  private async validatedConfig(record: PluginRecord): Promise<unknown> {
    const raw = await this.#configs.effective(record.name);
    const schema = record.definition?.config;
    if (!schema) return raw ?? {};
    const parsed = schema.safeParse(raw ?? {});
    if (!parsed.success)
      throw NocofloError.create(Errors.PluginConfigInvalid, [record.name, formatIssues(parsed.error)]);
    return parsed.data;
  }

  private async persistChoice(record: PluginRecord, enabled: boolean): Promise<void> {
    await this.#store.writePluginState(record.name, record.version, enabled);
    const now = new Date().toISOString();
    const previous = this.#storedStates.get(record.name);
    this.#storedStates.set(record.name, {
      name: record.name,
      version: record.version,
      enabled,
      firstSeenAt: previous?.firstSeenAt ?? now,
      updatedAt: now,
    });
  }

  /**
   * A plugin's config changed: a running (or failed) plugin is reloaded with it; a disabled
   * one drops its old runtime, so its next enable sets it up with the new config.
   */
  private async applyConfigChange(record: PluginRecord): Promise<void> {
    if (record.state === 'enabled' || record.state === 'failed') await this.reloadRecord(record);
    else if (record.runtime) await this.unload(record, record.state);
  }

  /** Another host sharing the store changed a plugin: do the same here, without writing back. */
  private followExternalChange(plugin: string, kind: 'state' | 'config'): Promise<void> {
    return this.exclusive(async () => {
      const record = this.#records.get(plugin);
      if (!record || this.#stopped) return;
      // Always start from what the store says now: notifications of several kinds may interleave.
      this.#storedStates = await this.#store.readPluginStates();
      if (kind === 'config') {
        await this.applyConfigChange(record);
        return;
      }
      const wanted = this.#storedStates.get(plugin)?.enabled ?? true;
      if (wanted && record.state !== 'enabled') await this.enableRecord(record, false);
      if (!wanted && record.state === 'enabled') await this.disableRecord(record);
    });
  }

  // ── Helpers ───────────────────────────────────────────────────────────────

  private discover(): Candidate[] {
    return discover({
      root: this.root,
      pluginDirs: this.pluginDirs,
      scanNodeModules: this.#options.scanNodeModules ?? true,
      hostVersion: this.version,
    });
  }

  private setState(record: PluginRecord, to: PluginState, error?: SerializedNocofloError): void {
    const from = record.state;
    if (from === to && to !== 'failed') return; // not a change: no event
    record.state = to;
    if (to === 'failed') record.error = error && secretRedactor.redactError(error);
    else if (to === 'enabled') record.error = undefined;
    const change: PluginStateChange = Object.freeze({
      plugin: record.name,
      from,
      to,
      ...(record.error && to === 'failed' ? { error: record.error } : {}),
    });
    this.#events.emit('stateChange', change);
    if (this.hooks.pluginStateChanged.isUsed()) this.hooks.pluginStateChanged.call(change);
  }

  private recordFrom(candidate: Candidate): PluginRecord {
    const record: PluginRecord = {
      name: candidate.name,
      version: candidate.version,
      source: candidate.location.source,
      location: candidate.location,
      dependencies: candidate.ok ? { ...candidate.manifest.dependencies } : {},
      state: 'discovered',
      warnings: [...candidate.warnings],
    };
    if (candidate.ok) {
      record.manifest = candidate.manifest;
      if (candidate.description) record.description = candidate.description;
    } else {
      record.error = candidate.error;
    }
    return record;
  }

  private orderNode(record: PluginRecord): OrderNode {
    const running = record.state === 'enabled' || record.runtime !== undefined;
    const discoveryError = record.state === 'discovered' || running ? record.error : undefined;
    return {
      name: record.name,
      version: record.version,
      dependencies: record.dependencies,
      ...(discoveryError
        ? { error: discoveryError }
        : record.state === 'failed' && record.error
          ? { error: record.error }
          : {}),
    };
  }

  /** A dependency that is not enabled (failed or disabled), if any. */
  private blockingDependency(record: PluginRecord): PluginRecord | undefined {
    for (const name of Object.keys(record.dependencies).sort()) {
      const dependency = this.#records.get(name);
      if (dependency && dependency.state !== 'enabled') return dependency;
    }
    return undefined;
  }

  private firstFailedDependency(record: PluginRecord): string | undefined {
    return Object.keys(record.dependencies).sort()[0];
  }

  private enabledDependents(record: PluginRecord): PluginRecord[] {
    const nodes = [...this.#records.values()].map((r) => ({
      name: r.name,
      version: r.version,
      dependencies: r.dependencies,
    }));
    const names = new Set(dependentsOf(record.name, nodes));
    return this.startOrder().filter((r) => names.has(r.name) && r.state === 'enabled');
  }

  /** Every record in dependency order. */
  private startOrder(): PluginRecord[] {
    const records = [...this.#records.values()];
    const { order } = orderPlugins(
      records.map((r) => ({ name: r.name, version: r.version, dependencies: r.dependencies })),
    );
    const rest = records
      .filter((r) => !order.includes(r.name))
      .map((r) => r.name)
      .sort();
    return [...order, ...rest].map((name) => this.#records.get(name)!);
  }

  private require(name: string): PluginRecord {
    const record = this.#records.get(name);
    if (!record) throw NocofloError.create(Errors.PluginNotFound, [name, [...this.#records.keys()].sort()]);
    return record;
  }

  private declaredPermissions(): (PermissionDefinition & { plugin: string })[] {
    return [...this.#records.values()]
      .filter((record) => record.state === 'enabled')
      .flatMap((record) =>
        (record.definition?.permissions ?? []).map((permission) => ({ ...permission, plugin: record.name })),
      );
  }

  private info(record: PluginRecord, conflicts = this.datasources.conflicts()): PluginInfo {
    const contributions = {
      views: [] as string[],
      datasources: [] as string[],
      services: [] as string[],
      hooks: [] as string[],
    };
    for (const contribution of record.runtime?.attachedContributions() ?? []) {
      if (contribution.kind === 'view') contributions.views.push(contribution.name);
      else if (contribution.kind === 'datasource') contributions.datasources.push(contribution.name);
      else if (contribution.kind === 'service') contributions.services.push(contribution.name);
      else if (contribution.kind === 'tap') contributions.hooks.push(contribution.name);
    }
    const warnings = [...record.warnings];
    if (record.blockedBy && record.state === 'disabled')
      warnings.push(`held back: its dependency ${record.blockedBy} is not enabled`);
    for (const conflict of conflicts) {
      if (conflict.plugins.includes(record.name))
        warnings.push(
          NocofloError.create(Errors.SchemeConflict, [conflict.scheme, conflict.plugins]).message,
        );
    }
    return {
      name: record.name,
      version: record.version,
      state: record.state,
      ...(record.state === 'failed' && record.error ? { error: record.error } : {}),
      source: record.source,
      ...(record.location ? { path: record.location.dir } : {}),
      dependencies: { ...record.dependencies },
      ...(record.manifest?.displayName ? { displayName: record.manifest.displayName } : {}),
      ...(record.description ? { description: record.description } : {}),
      provides: [...(record.manifest?.provides ?? [])],
      contributions,
      permissions: [...(record.definition?.permissions ?? [])],
      warnings,
    };
  }
}

/** Reads the state afresh (TypeScript would keep a narrowing from before an await). */
function isEnabled(record: PluginRecord): boolean {
  return record.state === 'enabled';
}

/** A logger whose lines carry the plugin name. */
function pluginLogger(logger: Logger, plugin: string): Logger {
  return {
    debug: (message, data) => logger.debug(message, { plugin, ...data }),
    info: (message, data) => logger.info(message, { plugin, ...data }),
    warn: (message, data) => logger.warn(message, { plugin, ...data }),
    error: (message, data) => logger.error(message, { plugin, ...data }),
  };
}
