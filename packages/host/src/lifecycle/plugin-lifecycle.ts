/**
 * The plugin lifecycle: brings plugins up in dependency order, takes them down, fails them
 * alone, and holds back / releases their dependents. Callers hold the host lock.
 */
import {
  Errors,
  errorMessage,
  formatIssues,
  isNocofloError,
  type Logger,
  NocofloError,
  type PluginState,
} from '@nocoflo/sdk';
import { readCandidate } from '../discovery/read-candidate.js';
import type { Candidate, PluginLocation } from '../discovery/types.js';
import { isHostLogger } from '../logging/host-logger.js';
import { applyPluginMigrations } from '../migrations/apply.js';
import { pluginDataDir } from '../namespaces/plugin-data-dir.js';
import type { PluginDatabases } from '../namespaces/plugin-databases.js';
import { type RestartOptions, systemRestartClock } from '../runtime/isolation-options.js';
import type { RuntimeRegistries } from '../runtime/plugin-scope.js';
import type { IsolationLevel, LoadedPlugin, PluginRuntime, RuntimeOptions } from '../runtime/types.js';
import type { PluginConfigs } from '../secrets/plugin-configs.js';
import { crashPoint } from '../store/crash-point.js';
import { withApproval, withIsolationChange } from '../store/trust.js';
import type {
  PermissionApproval,
  PluginIsolationChange,
  PluginStateStore,
  StoredPluginState,
  StoredPluginTrust,
} from '../store/types.js';
import { bootConcurrency, Limiter } from './boot-limiter.js';
import type { HostLock } from './host-lock.js';
import type { PluginRecord } from './plugin-record.js';
import type { PluginStates } from './plugin-states.js';
import type { PluginTable } from './plugin-table.js';
import { freshHealth, nextRestart } from './restart-policy.js';
import { TimeoutError } from './timeout.js';

/** What the lifecycle works with. */
export interface LifecycleOptions {
  table: PluginTable;
  states: PluginStates;
  lock: HostLock;
  store: PluginStateStore;
  configs: PluginConfigs;
  databases: PluginDatabases;
  registries: RuntimeRegistries;
  logger: Logger;
  hostVersion: string;
  /** The host's data folder; each plugin's `dataDir` is below it. */
  dataDir: string;
  callbackTimeoutMs: number;
  /** Creates the runtime a record's code runs in (its isolation level is the factory's choice). */
  createRuntime(record: PluginRecord, options: RuntimeOptions): PluginRuntime;
  /** Where a record's code runs: its level and, isolated, its heap limit. */
  placementOf(record: PluginRecord): { level: IsolationLevel; maxHeapMb?: number };
  /** How crashed isolated plugins are restarted. */
  restart: RestartOptions;
  /** Where a directory plugin's folder is now (a symlinked folder may point elsewhere since it was found). */
  relocate(record: PluginRecord): PluginLocation | undefined;
}

const toJson = (error: NocofloError) => error.toJSON();

/** An isolated plugin's code, loading ahead of its turn in the start order. */
interface Preload {
  readonly runtime: PluginRuntime;
  readonly loaded: Promise<LoadedPlugin>;
}

/** Failures a restart may cure (a crash, a missed deadline); a bad manifest or config is not retried. */
const RESTARTABLE = new Set<string>([Errors.PluginCallbackFailed.code, Errors.PluginCallbackTimeout.code]);

/** Drives records through their states. */
export class PluginLifecycle {
  #storedStates = new Map<string, StoredPluginState>();
  #trust = new Map<string, StoredPluginTrust>();
  #stopped = false;
  readonly #preloads = new Map<PluginRecord, Preload>();

  constructor(private readonly o: LifecycleOptions) {}

  /** Reads the enabled/disabled choices, isolation settings and approvals from the store. */
  async readStoredStates(): Promise<void> {
    this.#storedStates = await this.o.store.readPluginStates();
    await this.readTrust();
  }

  /** Reads the isolation settings and approvals from the store. */
  async readTrust(): Promise<void> {
    // A store without trust records (a custom one) keeps the settings made in this process.
    if (this.o.store.readPluginTrust) this.#trust = await this.o.store.readPluginTrust();
  }

  /** The operator's stored isolation setting and approval for `name`. */
  trustOf(name: string): StoredPluginTrust | undefined {
    return this.#trust.get(name);
  }

  /** Stores an isolation setting (in the store when it keeps them, in this host regardless). */
  async persistIsolation(name: string, change: PluginIsolationChange): Promise<void> {
    await this.o.store.writePluginIsolation?.(name, change);
    this.#trust.set(name, withIsolationChange(this.#trust.get(name), name, change));
  }

  /** Stores an approval of a plugin's manifest permissions. */
  async persistApproval(name: string, approval: Omit<PermissionApproval, 'at'>): Promise<void> {
    await this.o.store.writePermissionApproval?.(name, approval);
    this.#trust.set(name, withApproval(this.#trust.get(name), name, approval));
  }

  /**
   * The plugin's placement may have changed (an operator set its level or heap limit): code
   * running elsewhere than it should now is restarted there, without a host restart; a
   * failed plugin is given its new start (the operator acted); a disabled one drops its old
   * runtime so that its next enable starts at the new level.
   */
  async applyPlacement(record: PluginRecord, options: { restartFailed: boolean }): Promise<void> {
    const want = this.o.placementOf(record);
    const runtime = record.runtime;
    const moved =
      runtime !== undefined &&
      (runtime.level !== want.level || (want.level !== 'inline' && record.runtimeHeapMb !== want.maxHeapMb));
    if (record.state === 'failed' && options.restartFailed) await this.reloadRecord(record);
    else if (moved) await this.applyConfigChange(record);
  }

  /** Whether the operator wants `name` enabled (the default). */
  wantsEnabled(name: string): boolean {
    return this.#storedStates.get(name)?.enabled ?? true;
  }

  /** Orders every not-yet-started plugin and brings each up, dependencies first. */
  async startAll(): Promise<void> {
    const { table, states } = this.o;
    const { order, failed } = table.order();
    for (const [name, error] of failed) {
      const record = table.get(name)!;
      if (record.state === 'failed' && record.error?.code === error.code) continue;
      if (record.runtime || record.state === 'enabled') continue; // already running: not re-judged here
      if (error.code === Errors.DependencyFailed.code)
        record.blockedBy = Object.keys(record.dependencies).sort()[0];
      states.move(record, 'failed', error);
    }
    const queue = order.map((name) => table.get(name)!);
    // Isolated plugins boot their worker or process, and load their code there, ahead of
    // their turn (a few at a time) as soon as every dependency is enabled: booting is most of
    // an isolated start and runs on other threads. Setup and enable still run one plugin at
    // a time in start order, so contributions register in the same order as inline.
    const limiter = new Limiter(bootConcurrency());
    try {
      for (let i = 0; i < queue.length; i++) {
        for (let j = i; j < queue.length; j++) this.preload(queue[j]!, limiter);
        const record = queue[i]!;
        if (record.state === 'discovered') await this.bringUp(record);
      }
    } finally {
      await this.dropPreloads();
    }
  }

  /** Starts loading `record`'s isolated code ahead of its turn, when it is sure to be loaded. */
  private preload(record: PluginRecord, limiter: Limiter): void {
    if (this.#preloads.has(record) || record.runtime || record.state !== 'discovered') return;
    if (this.o.placementOf(record).level === 'inline' || !this.wantsEnabled(record.name)) return;
    // Every dependency must already be enabled: a dependent of a failed plugin runs no code.
    for (const dependency of Object.keys(record.dependencies))
      if (this.o.table.get(dependency)?.state !== 'enabled') return;
    const runtime = this.createRuntime(record);
    const loaded = limiter.run(() => runtime.load());
    // Collected (and its failure handled) at the plugin's turn.
    loaded.catch(() => undefined);
    this.#preloads.set(record, { runtime, loaded });
  }

  /** Ends preloaded code whose turn never came (the start stopped early). */
  private async dropPreloads(): Promise<void> {
    const left = [...this.#preloads.values()];
    this.#preloads.clear();
    await Promise.all(left.map(({ runtime }) => runtime.dispose()));
  }

  /** Loads, sets up and enables a plugin, or leaves it disabled / held back / failed with the reason. */
  async bringUp(record: PluginRecord): Promise<void> {
    const { table, states } = this.o;
    const blocker = table.blockingDependency(record);
    if (blocker) {
      record.blockedBy = blocker.name;
      if (blocker.state === 'failed') {
        const chain = [record.name, blocker.name];
        states.move(
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
        states.move(record, 'disabled');
      }
      return;
    }
    record.blockedBy = undefined;
    const stored = this.#storedStates.get(record.name);
    if (!stored || stored.version !== record.version)
      await this.persistChoice(record, stored?.enabled ?? true);
    if (!this.wantsEnabled(record.name)) {
      states.move(record, 'disabled');
      return;
    }
    try {
      if (!record.runtime) await this.loadAndSetup(record);
      await this.activate(record);
    } catch (error) {
      await this.failRecord(record, error);
    }
  }

  /** A runtime for `record` at its level, not yet loaded. */
  private createRuntime(record: PluginRecord): PluginRuntime {
    const dataDir = pluginDataDir(this.o.dataDir, record.name);
    const runtime: PluginRuntime = this.o.createRuntime(record, {
      name: record.name,
      version: record.version,
      hostVersion: this.o.hostVersion,
      ...(record.location ? { path: record.location.dir } : {}),
      dataDir,
      logger: pluginLogger(this.o.logger, record.name),
      database: this.o.databases.databaseFor(record.name, dataDir, (): boolean => record.runtime === runtime),
      registries: this.o.registries,
      callbackTimeoutMs: this.o.callbackTimeoutMs,
      onFailure: (where, error) => this.failLater(record.name, where, error),
    });
    return runtime;
  }

  private async loadAndSetup(record: PluginRecord): Promise<void> {
    const { states, databases, configs } = this.o;
    const dataDir = pluginDataDir(this.o.dataDir, record.name);
    const preloaded = this.#preloads.get(record);
    this.#preloads.delete(record);
    const runtime = preloaded?.runtime ?? this.createRuntime(record);
    record.runtime = runtime;
    record.loaded = await (preloaded?.loaded ?? runtime.load());
    if (record.state !== 'loaded') states.move(record, 'loaded');
    const config = await validatedConfig(record, await configs.effective(record.name));
    if (record.location) {
      // Pending SQL migrations run before setup; a changed or failing one fails this plugin only.
      const migrated = await applyPluginMigrations({
        store: this.o.store,
        plugin: {
          name: record.name,
          version: record.version,
          path: record.location.dir,
          // The manifest was read (and validated) for this load: its folder, or null for the
          // default one, so the migrations step does not read package.json again.
          ...(record.manifest ? { migrations: record.manifest.migrations ?? null } : {}),
        },
        openNamespace: () => databases.namespace(record.name, dataDir),
        logger: this.o.logger,
      });
      if (migrated.applied.length > 0) crashPoint('plugin:after-migrations');
    }
    await runtime.setup(config);
    states.move(record, 'setup');
  }

  private async activate(record: PluginRecord): Promise<void> {
    await record.runtime!.enable();
    this.o.states.move(record, 'enabled');
    record.error = undefined;
  }

  /** Enables a plugin, then the dependents it was holding back. */
  async enableRecord(record: PluginRecord, explicit: boolean): Promise<void> {
    if (record.state === 'enabled') return;
    if (record.state === 'failed' || record.state === 'torn_down') {
      await this.reloadRecord(record);
      return;
    }
    const blocker = this.o.table.blockingDependency(record);
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
    if (!this.o.table.holdsBack(record.name)) return; // no start order to compute
    for (const dependent of this.o.table.startOrder()) {
      if (dependent.blockedBy !== record.name) continue;
      if (dependent.state === 'failed' && dependent.error?.code !== Errors.DependencyFailed.code) continue;
      if (dependent.state === 'failed')
        this.o.states.move(dependent, dependent.runtime ? 'disabled' : 'discovered');
      await this.bringUp(dependent);
      if (isEnabled(dependent)) await this.releaseDependents(dependent);
    }
  }

  /** Disables a plugin; its enabled dependents are disabled first and held back until it returns. */
  async disableRecord(record: PluginRecord): Promise<void> {
    await this.holdBackDependents(record);
    if (record.state === 'enabled') await this.deactivate(record);
    else if (record.state !== 'failed' && record.state !== 'disabled') this.o.states.move(record, 'disabled');
  }

  /**
   * Disables the enabled plugins that depend on `record` (dependents first), each held
   * back by its direct dependency on the way to `record`, so they return with it.
   */
  private async holdBackDependents(record: PluginRecord): Promise<PluginRecord[]> {
    const dependents = this.o.table.enabledDependents(record);
    const affected = new Set([record.name, ...dependents.map((d) => d.name)]);
    for (const dependent of [...dependents].reverse()) {
      await this.deactivate(dependent);
      dependent.blockedBy = Object.keys(dependent.dependencies)
        .sort()
        .find((name) => affected.has(name));
    }
    return dependents;
  }

  private async deactivate(record: PluginRecord): Promise<void> {
    const runtime = record.runtime;
    if (!runtime || record.state !== 'enabled') return;
    try {
      await runtime.disable();
      this.o.states.move(record, 'disabled');
    } catch (error) {
      await this.failRecord(record, error);
    }
  }

  /** Tears a plugin down and brings it up again from disk (or from its registered definition). */
  async reloadRecord(record: PluginRecord): Promise<void> {
    const { table, states } = this.o;
    await this.holdBackDependents(record);
    await this.unload(record, 'torn_down');
    record.error = undefined;
    record.blockedBy = undefined;
    if (record.source === 'directory' && record.location) {
      // A plugin folder that is a symlink may point somewhere else now (a replaced link):
      // follow it, so the reload loads the code the link names today, not the old target.
      const now = this.o.relocate(record);
      if (now) record.location = now;
    }
    if (record.source !== 'registered' && record.location) {
      const candidate = readCandidate(record.location, this.o.hostVersion);
      if (!candidate) {
        states.move(
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
      Object.assign(record, recordFrom(candidate), { state: record.state });
      record.definition = undefined;
      record.loaded = undefined;
      if (!candidate.ok) {
        states.move(record, 'failed', candidate.error);
        return;
      }
    }
    // Only a plugin with dependencies can be missing one or sit in a cycle: the others need
    // no ordering of the whole table (a reload of one plugin stays O(1) in the plugins).
    const hasDependencies = Object.keys(record.dependencies).length > 0;
    const dependencyError = hasDependencies ? table.order().failed.get(record.name) : undefined;
    if (dependencyError && dependencyError.code !== Errors.DependencyFailed.code) {
      states.move(record, 'failed', dependencyError);
      return;
    }
    states.move(record, 'discovered');
    await this.bringUp(record);
    if (isEnabled(record)) await this.releaseDependents(record);
  }

  /** Tears a plugin down: detach everything, run its teardown, forget its code. */
  async unload(record: PluginRecord, finalState: PluginState): Promise<void> {
    const runtime = record.runtime;
    if (!runtime) return;
    if (record.state === 'enabled') await this.deactivate(record);
    if (record.state !== 'failed') {
      try {
        await runtime.teardown();
      } catch (error) {
        this.o.logger.warn(`${record.name}'s teardown failed`, { error: errorMessage(error) });
      }
    }
    await runtime.dispose();
    record.runtime = undefined;
    if (record.state !== 'failed') this.o.states.move(record, finalState);
  }

  /** Removes a plugin from the host; refuses while enabled plugins depend on it. */
  async unregisterRecord(record: PluginRecord): Promise<void> {
    const dependents = this.o.table.enabledDependents(record).map((r) => r.name);
    if (dependents.length > 0)
      throw NocofloError.create(Errors.HasEnabledDependents, [record.name, 'remove', dependents]);
    await this.unload(record, 'torn_down');
    this.o.table.delete(record.name);
    await this.o.databases.close(record.name);
  }

  /** Fails a plugin: its contributions are removed, its cleanups run, its dependents are held back. */
  async failRecord(record: PluginRecord, error: unknown): Promise<void> {
    const failure = isNocofloError(error)
      ? error
      : NocofloError.create(Errors.PluginCallbackFailed, [record.name, 'a callback', errorMessage(error)], {
          cause: error,
        });
    this.o.logger.error(failure.message, { plugin: record.name, code: failure.code });
    for (const dependent of await this.holdBackDependents(record)) {
      const chain = this.o.table.chainDown(dependent, record.name);
      this.o.states.move(
        dependent,
        'failed',
        toJson(NocofloError.create(Errors.DependencyFailed, [dependent.name, chain, failure.message])),
      );
    }
    const runtime = record.runtime;
    record.runtime = undefined;
    this.o.states.move(record, 'failed', failure.toJSON());
    if (runtime) await runtime.dispose();
  }

  /** Fails a plugin from outside a lifecycle call (a tap or timer threw), once the current operation is done. */
  failLater(plugin: string, where: string, error: unknown): void {
    const failure =
      error instanceof TimeoutError
        ? NocofloError.create(Errors.PluginCallbackTimeout, [plugin, where, error.ms])
        : isNocofloError(error) && error.code === Errors.PluginCallbackTimeout.code
          ? error
          : NocofloError.create(Errors.PluginCallbackFailed, [plugin, where, errorMessage(error)], {
              cause: error,
            });
    // Queued, never in place: it may be called from inside an operation, which goes on first.
    void this.o.lock
      .run(async () => {
        const record = this.o.table.get(plugin);
        if (!record || record.state === 'failed' || !record.runtime) return;
        const isolated = record.runtime.level !== 'inline';
        await this.failRecord(record, failure);
        if (isolated) this.scheduleRestart(record);
      })
      .catch((error) =>
        this.o.logger.error(`could not fail ${plugin}`, { plugin, error: errorMessage(error) }),
      );
  }

  /** Restarts a crashed isolated plugin after a backoff, unless it is in a crash loop. */
  private scheduleRestart(record: PluginRecord): void {
    const clock = this.o.restart.clock ?? systemRestartClock;
    record.health ??= freshHealth();
    const health = record.health;
    const delay = nextRestart(
      health,
      record.error ?? { code: 'unknown', title: '', message: '', hint: '' },
      this.o.restart,
      clock.now(),
    );
    if (delay === undefined) {
      this.o.logger.error(
        `${record.name} failed ${health.failures.length} times in a row: it stays failed until an operator enables or reloads it`,
        { plugin: record.name },
      );
      return;
    }
    if (record.restartTimer !== undefined) clock.clearTimeout(record.restartTimer);
    record.restartTimer = clock.setTimeout(() => {
      record.restartTimer = undefined;
      void this.o.lock
        .run(async () => {
          if (record.state !== 'failed' || this.#stopped || !this.o.table.has(record.name)) return;
          health.restarts++;
          this.o.logger.warn(`restarting ${record.name} (restart ${health.restarts})`, {
            plugin: record.name,
          });
          await this.reloadRecord(record);
          // A restart that fails again (its setup crashed, its worker died while starting)
          // counts as another failure: the backoff goes on, up to the crash-loop limit.
          if (
            record.state === 'failed' &&
            record.health === health &&
            !this.#stopped &&
            RESTARTABLE.has(record.error?.code ?? '')
          )
            this.scheduleRestart(record);
        })
        .catch((error) =>
          this.o.logger.error(`could not restart ${record.name}`, { error: errorMessage(error) }),
        );
    }, delay);
  }

  /** An operator acted on the plugin: the crash count starts again (the last error stays visible). */
  resetHealth(record: PluginRecord): void {
    if (record.restartTimer !== undefined)
      (this.o.restart.clock ?? systemRestartClock).clearTimeout(record.restartTimer);
    record.restartTimer = undefined;
    if (record.health)
      record.health = {
        ...freshHealth(),
        ...(record.health.lastError ? { lastError: record.health.lastError } : {}),
      };
  }

  /** No more restarts (the host stops). */
  stopRestarts(): void {
    this.#stopped = true;
    const clock = this.o.restart.clock ?? systemRestartClock;
    for (const record of this.o.table.all()) {
      if (record.restartTimer !== undefined) clock.clearTimeout(record.restartTimer);
      record.restartTimer = undefined;
    }
  }

  /** Writes the operator's enabled/disabled choice. */
  async persistChoice(record: PluginRecord, enabled: boolean): Promise<void> {
    await this.o.store.writePluginState(record.name, record.version, enabled);
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
  async applyConfigChange(record: PluginRecord): Promise<void> {
    if (record.state === 'enabled' || record.state === 'failed') await this.reloadRecord(record);
    else if (record.runtime) await this.unload(record, record.state);
  }
}

/** A fresh record for a discovered candidate. */
export function recordFrom(candidate: Candidate): PluginRecord {
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

/** The config a plugin is set up with: `raw` parsed by its schema, or a catalog error listing the issues. */
async function validatedConfig(record: PluginRecord, raw: unknown): Promise<unknown> {
  const schema = record.loaded?.config;
  if (!schema) return raw ?? {};
  const parsed = await schema.safeParseAsync(raw ?? {});
  if (!parsed.success)
    throw NocofloError.create(Errors.PluginConfigInvalid, [record.name, formatIssues(parsed.error)]);
  return parsed.data;
}

/** Reads the state afresh (TypeScript would keep a narrowing from before an await). */
function isEnabled(record: PluginRecord): boolean {
  return record.state === 'enabled';
}

/** A logger whose lines carry the plugin name: a pino child when the host logs through pino. */
function pluginLogger(logger: Logger, plugin: string): Logger {
  if (isHostLogger(logger)) return logger.child({ plugin });
  return {
    debug: (message, data) => logger.debug(message, { plugin, ...data }),
    info: (message, data) => logger.info(message, { plugin, ...data }),
    warn: (message, data) => logger.warn(message, { plugin, ...data }),
    error: (message, data) => logger.error(message, { plugin, ...data }),
  };
}
