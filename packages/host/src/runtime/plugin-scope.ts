/**
 * One loaded plugin's scope in the host: its context, and everything it contributed
 * through that context. Every runtime (inline, worker, process) records contributions here,
 * so detaching them works the same whatever side of a boundary the plugin's code is on.
 *
 * The context is the only door between plugin and host. It hands out no host objects:
 * registrations are recorded as {@link Contribution}s so the host can detach all of them
 * on disable, and re-attach the ones made in `setup` on the next enable.
 */
import { mkdirSync } from 'node:fs';
import {
  type CleanupFn,
  type DatasourceDefinition,
  type Disposer,
  Errors,
  HOOK_NAMES,
  type HookName,
  isHookName,
  type Logger,
  NocofloError,
  type NocofloPlugin,
  type PluginContext,
  type PluginDatabase,
  type RouteDefinition,
  type TapOptions,
  type ViewDefinition,
} from '@nocoflo/sdk';
import type { DatasourceRegistryImpl } from '../contributions/datasource-registry.js';
import type { HookRegistry, TapRecord } from '../contributions/hook-registry.js';
import type { RouteRegistryImpl } from '../contributions/route-registry.js';
import type { ServiceRegistryImpl } from '../contributions/service-registry.js';
import type { ViewRegistryImpl } from '../contributions/view-registry.js';
import type { Contribution } from '../lifecycle/contribution.js';
import { assetProblem } from '../lifecycle/view-assets.js';
import { addCleanup, deepFreeze, runCleanups, startTimer } from './context-parts.js';

/** The host parts a runtime registers into. */
export interface RuntimeRegistries {
  hooks: HookRegistry;
  views: ViewRegistryImpl;
  datasources: DatasourceRegistryImpl;
  services: ServiceRegistryImpl;
  routes: RouteRegistryImpl;
}

/** What a scope needs to know about its plugin and host. */
export interface ScopeOptions {
  name: string;
  version: string;
  hostVersion: string;
  path?: string;
  dataDir: string;
  config: unknown;
  logger: Logger;
  /** The plugin's own database (`ctx.database`), built by `namespaces/plugin-databases.ts`. */
  database: PluginDatabase;
  /** The contributions the plugin declares in its definition (views, datasources, hooks). */
  definition: Pick<NocofloPlugin, 'views' | 'datasources' | 'hooks'>;
  registries: RuntimeRegistries;
  callbackTimeoutMs: number;
  /** Called when a timer callback of the plugin throws: the host fails the plugin. */
  onError(error: unknown): void;
}

/**
 * Where registrations go:
 * - `setup`: kept, attached at every enable;
 * - `active`: attached now, dropped at the next disable;
 * - `inactive` / `disposed`: refused with `NCF_CONTEXT_DISPOSED`.
 */
type Mode = 'setup' | 'active' | 'inactive' | 'disposed';

/** A loaded plugin's context and contributions. */
export class PluginScope {
  readonly context: PluginContext;
  #mode: Mode = 'inactive';
  readonly #persistent: Contribution[] = [];
  #ephemeral: Contribution[] = [];
  #attached = new Set<Contribution>();
  readonly #setupCleanups: CleanupFn[] = [];
  #enableCleanups: CleanupFn[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  /**
   * The controller of `ctx.signal`, made when the plugin first reads it in the current
   * activation: most plugins never do, and making and aborting one on every reload (an
   * EventTarget, an abort event) costs more than all the rest of deactivating a plugin.
   */
  #abort: AbortController | undefined;
  /** Whether the current activation's signal is aborted (deactivated), made or not. */
  #aborted = false;

  constructor(private readonly options: ScopeOptions) {
    this.context = this.createContext();
    this.addDeclared(options.definition);
  }

  /** The contributions currently reachable, for `PluginInfo`. */
  attachedContributions(): readonly Contribution[] {
    return [...this.#attached];
  }

  /** Runs with registrations recorded as persistent (the `setup` phase). */
  async inSetupPhase<T>(fn: () => Promise<T>): Promise<T> {
    this.#mode = 'setup';
    try {
      return await fn();
    } finally {
      if (this.#mode === 'setup') this.#mode = 'inactive';
    }
  }

  /** Attaches every persistent contribution; later registrations attach at once. Throws on conflicts (after undoing). */
  activate(): void {
    if (this.#aborted) {
      this.#abort = undefined;
      this.#aborted = false;
    }
    this.#mode = 'active';
    try {
      for (const contribution of this.#persistent) this.attach(contribution);
    } catch (error) {
      void this.detachAll();
      this.#mode = 'inactive';
      throw error;
    }
  }

  /** `ctx.signal`: made on first use, and aborted already when read after a deactivation. */
  signal(): AbortSignal {
    if (!this.#abort) {
      this.#abort = new AbortController();
      if (this.#aborted) this.#abort.abort(abortReason());
    }
    return this.#abort.signal;
  }

  /** Detaches everything, clears timers, aborts the signal and runs enable-phase cleanups. */
  async deactivate(): Promise<void> {
    this.#mode = 'inactive';
    // Once only: dispose() after disable comes here again.
    if (!this.#aborted) {
      this.#aborted = true;
      this.#abort?.abort(abortReason());
    }
    this.clearTimers();
    await this.detachAll();
    this.#ephemeral = [];
    const cleanups = this.#enableCleanups.reverse();
    this.#enableCleanups = [];
    await runCleanups(cleanups, this.options.logger, this.options.callbackTimeoutMs);
  }

  /** Final cleanup: everything of {@link deactivate}, plus setup-phase cleanups. Afterwards the context refuses all calls. */
  async dispose(): Promise<void> {
    await this.deactivate();
    this.#mode = 'disposed';
    await runCleanups(this.#setupCleanups.reverse(), this.options.logger, this.options.callbackTimeoutMs);
    this.#setupCleanups.length = 0;
  }

  private attach(contribution: Contribution): void {
    if (this.#attached.has(contribution)) return;
    contribution.attach();
    this.#attached.add(contribution);
  }

  private async detachAll(): Promise<void> {
    const attached = [...this.#attached].reverse();
    this.#attached = new Set();
    for (const contribution of attached) await contribution.detach();
  }

  private clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  /**
   * Records a registration according to the current mode; returns its disposer. Throws
   * `NCF_CONTEXT_DISPOSED` outside setup and enable.
   */
  register(contribution: Contribution, operation: string): Disposer {
    switch (this.#mode) {
      case 'setup':
        this.#persistent.push(contribution);
        return () => {
          const index = this.#persistent.indexOf(contribution);
          if (index !== -1) this.#persistent.splice(index, 1);
          if (this.#attached.delete(contribution)) void contribution.detach();
        };
      case 'active':
        this.attach(contribution);
        this.#ephemeral.push(contribution);
        return () => {
          if (this.#attached.delete(contribution)) void contribution.detach();
        };
      default:
        throw NocofloError.create(Errors.ContextDisposed, [this.options.name, operation]);
    }
  }

  private addDeclared(definition: ScopeOptions['definition']): void {
    for (const view of definition.views ?? []) this.#persistent.push(this.viewContribution(view));
    for (const datasource of definition.datasources ?? [])
      this.#persistent.push(this.datasourceContribution(datasource));
    for (const [hook, fn] of Object.entries(definition.hooks ?? {})) {
      if (typeof fn === 'function')
        this.#persistent.push(this.tapContribution(hook, fn as (...args: unknown[]) => unknown, {}));
    }
  }

  private tapContribution(
    hook: string,
    fn: (...args: unknown[]) => unknown,
    options: TapOptions,
  ): Contribution {
    const { name, registries } = this.options;
    if (!isHookName(hook)) {
      throw NocofloError.create(Errors.UnknownHook, [name, hook, HOOK_NAMES]);
    }
    let record: TapRecord | undefined;
    return {
      kind: 'tap',
      name: hook,
      attach: () => {
        record = registries.hooks.attach(name, hook as HookName, fn, options);
      },
      detach: () => {
        if (record) registries.hooks.detach(record);
        record = undefined;
      },
    };
  }

  private viewContribution(view: ViewDefinition): Contribution {
    const { name, path, registries } = this.options;
    // A declared asset the package cannot serve fails the plugin at load, not in the browser.
    if (path !== undefined) {
      for (const asset of view.assets ?? []) {
        const problem = assetProblem(path, asset);
        if (problem) throw NocofloError.create(Errors.ViewAssetInvalid, [name, view.name, asset, problem]);
      }
    }
    return {
      kind: 'view',
      name: view.name,
      attach: () => registries.views.add(name, view, path),
      detach: () => registries.views.remove(name, view),
    };
  }

  private datasourceContribution(datasource: DatasourceDefinition): Contribution {
    const { name, registries } = this.options;
    return {
      kind: 'datasource',
      name: datasource.name,
      attach: () => registries.datasources.add(name, datasource),
      detach: () => registries.datasources.remove(name, datasource),
    };
  }

  private createContext(): PluginContext {
    const runtime = this;
    const { name, version, hostVersion, registries, logger } = this.options;
    const config = deepFreeze(this.options.config) as Readonly<unknown>;
    let dataDirReady = false;
    const track = (fn: () => void, ms: number, repeat: boolean): Disposer => {
      if (runtime.#mode === 'disposed' || runtime.#mode === 'inactive') {
        throw NocofloError.create(Errors.ContextDisposed, [name, repeat ? 'setInterval' : 'setTimeout']);
      }
      return startTimer(runtime.#timers, fn, ms, repeat, (error) => runtime.options.onError(error));
    };
    return Object.freeze({
      name,
      version,
      hostVersion,
      config,
      logger,
      database: this.options.database,
      get dataDir() {
        if (!dataDirReady) {
          mkdirSync(runtime.options.dataDir, { recursive: true });
          dataDirReady = true;
        }
        return runtime.options.dataDir;
      },
      get signal() {
        return runtime.signal();
      },
      tap(hook: string, fn: (...args: unknown[]) => unknown, options?: TapOptions) {
        return runtime.register(runtime.tapContribution(hook, fn, options ?? {}), `tap("${hook}")`);
      },
      registerView(view: ViewDefinition) {
        return runtime.register(runtime.viewContribution(view), 'registerView');
      },
      registerDatasource(datasource: DatasourceDefinition) {
        return runtime.register(runtime.datasourceContribution(datasource), 'registerDatasource');
      },
      registerRoute(route: RouteDefinition) {
        return runtime.register(
          {
            kind: 'route',
            name: `${route.method} ${route.path}`,
            attach: () => registries.routes.add(name, route),
            detach: () => registries.routes.remove(name, route),
          },
          'registerRoute',
        );
      },
      services: Object.freeze({
        provide(serviceName: string, service: unknown) {
          return runtime.register(
            {
              kind: 'service',
              name: serviceName,
              attach: () => registries.services.add(name, serviceName, service),
              detach: () => registries.services.remove(name, serviceName),
            },
            'services.provide',
          );
        },
        get(serviceName: string) {
          return registries.services.get(serviceName);
        },
      }),
      onDispose(fn: CleanupFn) {
        if (runtime.#mode === 'disposed')
          throw NocofloError.create(Errors.ContextDisposed, [name, 'onDispose']);
        return addCleanup(runtime.#mode === 'active' ? runtime.#enableCleanups : runtime.#setupCleanups, fn);
      },
      setTimeout(fn: () => void, ms: number) {
        return track(fn, ms, false);
      },
      setInterval(fn: () => void, ms: number) {
        return track(fn, ms, true);
      },
    }) as unknown as PluginContext;
  }
}

/**
 * The reason `abort()` gives a signal (an `AbortError` DOMException, same name, message and
 * code), without its stack trace: it would show the host's frames, not the plugin's, and
 * capturing it was most of an abort's cost (~30 µs per reload).
 */
function abortReason(): DOMException {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new DOMException('This operation was aborted', 'AbortError');
  } finally {
    Error.stackTraceLimit = limit;
  }
}
