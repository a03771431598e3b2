/**
 * The plugin's context on the plugin's side of the boundary. It looks and behaves like the
 * inline context (same `PluginContext` type): registrations are recorded here (the function
 * stays on this side, named by an id) and announced to the host, which attaches a proxy.
 * Timers, cleanups and the abort signal live here, next to the code they belong to.
 */
import { mkdirSync } from 'node:fs';
import type {
  CleanupFn,
  DatasourceDefinition,
  Disposer,
  Logger,
  PluginContext,
  PluginDatabase,
  RouteDefinition,
  TapOptions,
  ViewDefinition,
} from '@nocoflo/sdk';
import { addCleanup, deepFreeze, runCleanups, startTimer } from '../../context-parts.js';
import type { ContributionWire, HostFunctions, LoadRequest } from '../protocol.js';
import { toWireError } from '../protocol.js';

/** Where registrations go (mirrors the host side's scope). */
export type ChildMode = 'setup' | 'active' | 'inactive' | 'disposed';

/** The SDK parts the child needs (loaded with the plugin, never before). */
export interface ChildSdk {
  Errors: typeof import('@nocoflo/sdk').Errors;
  NocofloError: typeof import('@nocoflo/sdk').NocofloError;
  HOOK_NAMES: readonly string[];
}

/** One registered function (or object), by id. */
export type Registered =
  | { kind: 'tap'; fn: (...args: unknown[]) => unknown }
  | { kind: 'view'; view: ViewDefinition }
  | { kind: 'datasource'; datasource: DatasourceDefinition }
  | { kind: 'route'; route: RouteDefinition }
  | { kind: 'service'; service: Record<string, unknown> };

/** The child's registrations, timers and cleanups. */
export class ChildScope {
  mode: ChildMode = 'inactive';
  readonly registered = new Map<number, Registered>();
  /** Registrations made while enabled: dropped at the next disable. */
  #ephemeral = new Set<number>();
  #nextId = 1;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #setupCleanups: CleanupFn[] = [];
  #enableCleanups: CleanupFn[] = [];
  #abort = new AbortController();
  readonly context: PluginContext;

  constructor(
    private readonly request: LoadRequest,
    private readonly host: HostFunctions,
    private readonly sdk: ChildSdk,
    config: unknown,
  ) {
    this.context = this.createContext(config);
  }

  /** A fresh id for a declared contribution. */
  nextId(): number {
    return this.#nextId++;
  }

  /** Waits for the host to have recorded every announced registration; rethrows the first refusal. */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) {
      const batch = [...this.#pending];
      this.#pending.clear();
      await Promise.all(batch);
    }
  }

  /** Enabled: a fresh signal. */
  activate(): void {
    if (this.#abort.signal.aborted) this.#abort = new AbortController();
    this.mode = 'active';
  }

  /** Disabled: the signal aborts, timers stop, enable-time registrations go, enable-time cleanups run. */
  async deactivate(timeoutMs: number): Promise<void> {
    this.mode = 'inactive';
    this.#abort.abort();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const id of this.#ephemeral) this.registered.delete(id);
    this.#ephemeral = new Set();
    const cleanups = this.#enableCleanups.reverse();
    this.#enableCleanups = [];
    await runCleanups(cleanups, this.logger, timeoutMs);
  }

  /** Torn down: setup-time cleanups run; the context refuses everything afterwards. */
  async dispose(timeoutMs: number): Promise<void> {
    if (this.mode === 'active') await this.deactivate(timeoutMs);
    this.mode = 'disposed';
    await runCleanups(this.#setupCleanups.reverse(), this.logger, timeoutMs);
    this.#setupCleanups.length = 0;
  }

  /** Announces a registration to the host and records it here; returns the disposer the plugin gets. */
  register(wire: ContributionWire, entry: Registered, operation: string): Disposer {
    if (this.mode === 'inactive' || this.mode === 'disposed')
      throw this.sdk.NocofloError.create(this.sdk.Errors.ContextDisposed, [this.request.name, operation]);
    this.registered.set(wire.id, entry);
    if (this.mode === 'active') this.#ephemeral.add(wire.id);
    this.track(this.host.register(wire));
    let disposed = false;
    return () => {
      if (disposed) return;
      disposed = true;
      this.registered.delete(wire.id);
      this.#ephemeral.delete(wire.id);
      this.track(this.host.unregister(wire.id));
    };
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.finally(() => this.#pending.delete(tracked));
    // A refusal is reported by settle(); until then it must not count as unhandled.
    tracked.catch(() => undefined);
    this.#pending.add(tracked);
  }

  readonly logger: Logger = {
    debug: (message, data) => this.host.log('debug', String(message), plain(data)),
    info: (message, data) => this.host.log('info', String(message), plain(data)),
    warn: (message, data) => this.host.log('warn', String(message), plain(data)),
    error: (message, data) => this.host.log('error', String(message), plain(data)),
  };

  private createContext(config: unknown): PluginContext {
    const scope = this;
    const { name, version, hostVersion, dataDir } = this.request;
    const { sdk, host } = this;
    let dataDirReady = false;
    const track = (fn: () => void, ms: number, repeat: boolean): Disposer => {
      if (scope.mode === 'disposed' || scope.mode === 'inactive')
        throw sdk.NocofloError.create(sdk.Errors.ContextDisposed, [
          name,
          repeat ? 'setInterval' : 'setTimeout',
        ]);
      return startTimer(scope.#timers, fn, ms, repeat, (error) =>
        host.failure('a timer callback', toWireError(error)),
      );
    };
    const database: PluginDatabase = Object.freeze({
      dialect: this.request.dialect,
      query: (sql: string, params?: readonly unknown[]) => host.query(sql, (params ?? []) as never) as never,
      transaction: (statements: readonly { sql: string; params?: readonly unknown[] }[]) =>
        host.transaction(statements as never),
    }) as PluginDatabase;
    return Object.freeze({
      name,
      version,
      hostVersion,
      config: deepFreeze(config),
      logger: this.logger,
      database,
      get dataDir() {
        if (!dataDirReady) {
          mkdirSync(dataDir, { recursive: true });
          dataDirReady = true;
        }
        return dataDir;
      },
      get signal() {
        return scope.#abort.signal;
      },
      tap(hook: string, fn: (...args: unknown[]) => unknown, options?: TapOptions) {
        if (!sdk.HOOK_NAMES.includes(hook))
          throw sdk.NocofloError.create(sdk.Errors.UnknownHook, [name, hook, sdk.HOOK_NAMES as never]);
        const id = scope.nextId();
        return scope.register(
          { kind: 'tap', id, hook, ...(options?.stage === undefined ? {} : { stage: options.stage }) },
          { kind: 'tap', fn },
          `tap("${hook}")`,
        );
      },
      registerView(view: ViewDefinition) {
        return scope.register(viewWire(scope.nextId(), view), { kind: 'view', view }, 'registerView');
      },
      registerDatasource(datasource: DatasourceDefinition) {
        return scope.register(
          datasourceWire(scope.nextId(), datasource),
          { kind: 'datasource', datasource },
          'registerDatasource',
        );
      },
      registerRoute(route: RouteDefinition) {
        return scope.register(
          {
            kind: 'route',
            id: scope.nextId(),
            method: route.method,
            path: route.path,
            ...(route.permission ? { permission: route.permission } : {}),
          },
          { kind: 'route', route },
          'registerRoute',
        );
      },
      services: Object.freeze({
        provide(serviceName: string, service: unknown) {
          const object = (service ?? {}) as Record<string, unknown>;
          const methods = methodNames(object);
          const callable = typeof service === 'function';
          return scope.register(
            {
              kind: 'service',
              id: scope.nextId(),
              name: serviceName,
              methods,
              ...(callable ? { callable } : {}),
            },
            { kind: 'service', service: object },
            'services.provide',
          );
        },
        get(serviceName: string) {
          return serviceProxy(host, serviceName);
        },
      }),
      onDispose(fn: CleanupFn) {
        if (scope.mode === 'disposed')
          throw sdk.NocofloError.create(sdk.Errors.ContextDisposed, [name, 'onDispose']);
        return addCleanup(scope.mode === 'active' ? scope.#enableCleanups : scope.#setupCleanups, fn);
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

/** The wire form of a view. */
export function viewWire(id: number, view: ViewDefinition): ContributionWire {
  return {
    kind: 'view',
    id,
    name: view.name,
    title: view.title,
    ...(view.priority === undefined ? {} : { priority: view.priority }),
    ...(view.assets ? { assets: [...view.assets] } : {}),
  };
}

/** The wire form of a datasource factory. */
export function datasourceWire(id: number, datasource: DatasourceDefinition): ContributionWire {
  return {
    kind: 'datasource',
    id,
    name: datasource.name,
    schemes: [...datasource.schemes],
    ...(datasource.description ? { description: datasource.description } : {}),
  };
}

/** Own and prototype method names of a service object. */
function methodNames(object: Record<string, unknown>): string[] {
  const names = new Set<string>();
  let current: object | null = object;
  while (current && current !== Object.prototype && current !== Function.prototype) {
    for (const key of Object.getOwnPropertyNames(current)) {
      if (key !== 'constructor' && typeof (object as Record<string, unknown>)[key] === 'function')
        names.add(key);
    }
    current = Object.getPrototypeOf(current);
  }
  return [...names];
}

/**
 * Another plugin's service, seen from an isolated plugin: every method call crosses to the
 * host (and on to the providing plugin) and returns a promise. Resolved lazily, so a
 * service provided later is found.
 */
function serviceProxy(host: HostFunctions, name: string): unknown {
  return new Proxy(
    {},
    {
      get(_target, method) {
        if (typeof method !== 'string' || method === 'then') return undefined;
        return (...args: unknown[]) => host.callService(name, method, args);
      },
    },
  );
}

/** Log data as plain data (a structured clone refuses functions). */
function plain(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (data === undefined) return undefined;
  try {
    return structuredClone(data);
  } catch {
    return JSON.parse(
      JSON.stringify(data, (_key, value) => (typeof value === 'bigint' ? String(value) : value)),
    );
  }
}
