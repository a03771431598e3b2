/**
 * The runtime of an isolated plugin (`worker` or `process` level). The plugin's code runs on
 * the other side of a birpc channel; here the host keeps a {@link PluginScope} whose
 * contributions are proxies that call across. A watchdog gives every call a deadline: a
 * plugin that stops answering (a sync loop) is ended, its calls in flight fail with
 * `NCF_PLUGIN_CALLBACK_TIMEOUT`, and the host fails it; a crash (exit, uncaught error, out
 * of memory) fails it with the reason.
 */

import { existsSync } from 'node:fs';
import {
  type Datasource,
  type DatasourceDefinition,
  Errors,
  errorMessage,
  HOOK_KINDS,
  type HookName,
  NocofloError,
  type RouteDefinition,
  type ViewDataAccess,
  type ViewDefinition,
} from '@nocoflo/sdk';
import { type BirpcReturn, createBirpc } from 'birpc';
import { z } from 'zod';
import type { Contribution } from '../../lifecycle/contribution.js';
import { TimeoutError, withTimeout } from '../../lifecycle/timeout.js';
import { assetProblem } from '../../lifecycle/view-assets.js';
import { asCallbackError } from '../callback.js';
import { PluginScope } from '../plugin-scope.js';
import type {
  IsolationLevel,
  LifecycleCallbackName,
  LoadedPlugin,
  PluginRuntime,
  RuntimeOptions,
} from '../types.js';
import { packJson } from './json-wire.js';
import type { ChildFunctions, ContributionWire, HostFunctions, LoadedWire } from './protocol.js';
import { isWireError, type NocofloErrorClass, reviveError, wireErrors } from './protocol.js';
import { RemoteDatasource } from './remote-datasource.js';
import { callSync } from './sync-call.js';
import type { Transport } from './transport.js';

/** Options of {@link IsolatedRuntime}. */
export interface IsolatedRuntimeOptions extends RuntimeOptions {
  readonly level: Exclude<IsolationLevel, 'inline'>;
  /** Absolute path of the plugin's entry module. */
  readonly entry: string;
  /** Deadline of each hook tap and sync call, in ms. */
  readonly tapTimeoutMs: number;
  /** Starts the worker or process. */
  start(): Transport;
  /** The dialect of the plugin's database. */
  readonly dialect: 'sqlite' | 'postgres';
}

type Rpc = BirpcReturn<ChildFunctions, HostFunctions>;

/** A plugin whose code runs in a worker or a process. */
export class IsolatedRuntime implements PluginRuntime {
  readonly level: Exclude<IsolationLevel, 'inline'>;
  #transport: Transport | undefined;
  #rpc: Rpc | undefined;
  #scope: PluginScope | undefined;
  #loaded: LoadedWire | undefined;
  /** Set once the code is gone (crashed, ended by the watchdog, or disposed). */
  #dead: NocofloError | undefined;
  readonly #disposers = new Map<number, () => void>();
  readonly #viewData = new Map<number, ViewDataAccess>();
  #nextData = 1;
  #inFlight = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  #pingSentAt: number | undefined;

  constructor(private readonly options: IsolatedRuntimeOptions) {
    this.level = options.level;
  }

  async load(): Promise<LoadedPlugin> {
    // Disposed before its turn to load came (a start that stopped early): nothing starts.
    if (this.#dead) throw this.#dead;
    if (!existsSync(this.options.entry))
      throw NocofloError.create(Errors.EntryNotFound, [this.options.name, this.options.entry]);
    const transport = this.options.start();
    this.#transport = transport;
    transport.onCrash((reason) => this.crashed(reason));
    this.#rpc = createBirpc<ChildFunctions, HostFunctions>(wireErrors(this.hostFunctions()), {
      post: (data) => transport.post(data),
      on: (fn) => transport.on(fn),
      eventNames: [],
      // The host keeps each call's deadline itself (call()); a negative timeout makes birpc
      // set no timer of its own, which it would otherwise set and clear on every call.
      timeout: -1,
    });
    const { name, version, hostVersion, dataDir } = this.options;
    // Starting the thread and loading the SDK is the host's own work: no deadline of the plugin's.
    await this.call('start', (rpc) => rpc.boot(), 'none');
    const loaded = await this.call(
      'load',
      (rpc) =>
        rpc.load({
          name,
          version,
          hostVersion,
          entry: this.options.entry,
          dataDir,
          dialect: this.options.dialect,
        }),
      this.options.callbackTimeoutMs,
    );
    this.#loaded = loaded;
    return {
      permissions: loaded.permissions,
      ...(loaded.config ? { config: configSchemaFromJson(loaded.config.jsonSchema) } : {}),
    };
  }

  async setup(config: unknown): Promise<void> {
    const loaded = this.require(this.#loaded, 'loaded');
    const check = await this.call(
      'config check',
      (rpc) => rpc.checkConfig(config),
      this.options.callbackTimeoutMs,
    );
    if (!check.ok) throw NocofloError.create(Errors.PluginConfigInvalid, [this.options.name, check.issues]);
    const { onFailure, ...rest } = this.options;
    this.#scope = new PluginScope({
      ...rest,
      config: check.data,
      definition: { views: [], datasources: [], hooks: {} },
      onError: (error) => onFailure('a timer callback', error),
    });
    const scope = this.#scope;
    await scope.inSetupPhase(async () => {
      // Declared contributions are persistent, like those registered in setup.
      for (const wire of loaded.declared) this.record(wire);
      await this.lifecycle('setup', check.data);
    });
  }

  async enable(): Promise<void> {
    this.require(this.#scope, 'set up').activate();
    await this.lifecycle('enable');
  }

  async disable(): Promise<void> {
    await this.require(this.#scope, 'set up').deactivate();
    await this.lifecycle('disable');
  }

  async teardown(): Promise<void> {
    await this.lifecycle('teardown');
  }

  async dispose(): Promise<void> {
    if (!this.#dead && this.#rpc) {
      try {
        await this.call('dispose', (rpc) => rpc.lifecycle('dispose'), this.options.callbackTimeoutMs);
      } catch (error) {
        this.options.logger.warn('a plugin cleanup failed', { error: errorMessage(error) });
      }
    }
    await this.#scope?.dispose();
    await this.end(
      NocofloError.create(Errors.ContextDisposed, [this.options.name, 'a call after it was unloaded']),
    );
  }

  attachedContributions(): readonly Contribution[] {
    return this.#scope?.attachedContributions() ?? [];
  }

  // ── Calls into the plugin ─────────────────────────────────────────────────

  private lifecycle(callback: LifecycleCallbackName, config?: unknown): Promise<void> {
    return this.call(callback, (rpc) => rpc.lifecycle(callback, config), this.options.callbackTimeoutMs);
  }

  /**
   * One call across, under the watchdog: with a deadline (`timeoutMs`), or (`undefined`)
   * waiting as long as the plugin's thread stays responsive.
   */
  private async call<T>(
    what: string,
    fn: (rpc: Rpc) => Promise<T>,
    timeoutMs: number | undefined | 'none',
  ): Promise<T> {
    if (this.#dead) throw this.#dead;
    const rpc = this.require(this.#rpc, 'loaded');
    if (timeoutMs === 'none') return fn(rpc).catch((error) => Promise.reject(this.#dead ?? revive(error)));
    // A call with a deadline needs no other watch; one without is watched by the heartbeat.
    if (timeoutMs !== undefined) return this.withDeadline(what, fn, rpc, timeoutMs);
    this.#inFlight++;
    this.watch();
    try {
      return await fn(rpc);
    } catch (error) {
      throw this.callFailure(what, error);
    } finally {
      this.#inFlight--;
    }
  }

  /** What a failed call throws: a missed deadline also ends the plugin's code. */
  private callFailure(what: string, error: unknown): unknown {
    if (error instanceof TimeoutError) {
      const timeout = NocofloError.create(Errors.PluginCallbackTimeout, [this.options.name, what, error.ms]);
      // A missed deadline ends the code: a sync loop cannot be interrupted any other way.
      this.fail(what, timeout);
      return timeout;
    }
    if (this.#dead && !isWireError(error)) return this.#dead;
    return asCallbackError(this.options.name, what, revive(error));
  }

  private async withDeadline<T>(
    what: string,
    fn: (rpc: Rpc) => Promise<T>,
    rpc: Rpc,
    timeoutMs: number,
  ): Promise<T> {
    try {
      return await withTimeout(() => fn(rpc), timeoutMs);
    } catch (error) {
      throw this.callFailure(what, error);
    }
  }

  /** A sync call (canHandle, a sync hook's tap): the host thread waits for the worker's answer. */
  private callSyncNow(what: string, id: number, args: unknown[], method?: string): unknown {
    if (this.#dead) throw this.#dead;
    const sync = this.#transport?.sync;
    if (!sync)
      throw NocofloError.create(Errors.PluginCallbackFailed, [
        this.options.name,
        what,
        `a synchronous call is not available at the ${this.level} level`,
      ]);
    try {
      return callSync(
        sync,
        { id, args, ...(method === undefined ? {} : { method }) },
        this.options.tapTimeoutMs,
      );
    } catch (error) {
      if (error instanceof TimeoutError) {
        const timeout = NocofloError.create(Errors.PluginCallbackTimeout, [
          this.options.name,
          what,
          error.ms,
        ]);
        this.fail(what, timeout);
        throw timeout;
      }
      throw revive(error);
    }
  }

  /** Pings the plugin's thread while calls are in flight; no answer within the deadline ends it. */
  private watch(): void {
    if (this.#heartbeat) return;
    const deadline = this.options.callbackTimeoutMs;
    this.#heartbeat = setInterval(
      () => {
        if (this.#dead || this.#inFlight === 0) {
          clearInterval(this.#heartbeat);
          this.#heartbeat = undefined;
          this.#pingSentAt = undefined;
          return;
        }
        if (this.#pingSentAt !== undefined) {
          if (Date.now() - this.#pingSentAt >= deadline)
            this.fail(
              'its work',
              NocofloError.create(Errors.PluginCallbackTimeout, [
                this.options.name,
                'a call (its thread stopped answering)',
                deadline,
              ]),
            );
          return;
        }
        this.#pingSentAt = Date.now();
        this.#rpc?.ping().then(
          () => {
            this.#pingSentAt = undefined;
          },
          () => undefined,
        );
      },
      Math.max(10, Math.min(1000, Math.floor(deadline / 4))),
    );
    this.#heartbeat.unref();
  }

  /** The code crashed on its own: exit, uncaught error, out of memory. */
  private crashed(reason: Error): void {
    const code = (reason as { code?: string }).code;
    const why =
      code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `its ${this.level} ran out of memory (${reason.message})`
        : `its ${this.level} crashed: ${reason.message}`;
    this.fail(
      `its ${this.level}`,
      NocofloError.create(Errors.PluginCallbackFailed, [this.options.name, `its ${this.level}`, why], {
        cause: reason,
      }),
    );
  }

  /** Ends the code, fails every call in flight with `error`, and tells the host. */
  private fail(where: string, error: NocofloError): void {
    if (this.#dead) return;
    void this.end(error);
    this.options.onFailure(where, error);
  }

  private async end(error: NocofloError): Promise<void> {
    if (this.#dead) return;
    this.#dead = error;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#rpc?.$close(error);
    this.#viewData.clear();
    await this.#transport?.kill();
  }

  // ── Calls from the plugin ─────────────────────────────────────────────────

  private hostFunctions(): HostFunctions {
    const { logger, database, registries, name } = this.options;
    return {
      log: (level, message, data) => logger[level](message, data),
      register: async (wire) => {
        this.record(wire);
      },
      unregister: async (id) => {
        this.#disposers.get(id)?.();
        this.#disposers.delete(id);
      },
      failure: (where, error) => this.options.onFailure(where, revive(error)),
      query: (sql, params) => database.query(sql, params),
      transaction: (statements) => database.transaction(statements),
      viewData: async (data, method, args) => {
        const access = this.#viewData.get(data);
        if (!access) throw new Error('the view data handle is no longer valid (its render finished)');
        const call = access[method] as ((...a: unknown[]) => Promise<unknown>) | undefined;
        if (!call) {
          throw NocofloError.create(Errors.Unsupported, ['the data a view renders through', method]);
        }
        const result = await call.apply(access, args);
        // A view reads pages through the host: they cross as JSON when it carries them exactly.
        return method === 'readPage' || method === 'aggregate' ? packJson(result) : result;
      },
      serviceMethods: async (service) => {
        const provided = registries.services.get(service);
        return provided ? methodNamesOf(provided) : null;
      },
      callService: async (service, method, args) => {
        const provided = registries.services.get(service) as Record<string, unknown> | undefined;
        if (!provided)
          throw NocofloError.create(Errors.PluginCallbackFailed, [
            name,
            `services.get("${service}")`,
            'no enabled plugin provides it',
          ]);
        const fn = provided[method];
        if (typeof fn !== 'function') throw new Error(`the service "${service}" has no method "${method}"`);
        return fn.apply(provided, args);
      },
    };
  }

  /** Records a contribution announced by the plugin, as a proxy calling across. */
  private record(wire: ContributionWire): void {
    const scope = this.require(this.#scope, 'set up');
    const contribution = this.contributionFor(wire);
    this.#disposers.set(wire.id, scope.register(contribution, operationOf(wire)));
  }

  private contributionFor(wire: ContributionWire): Contribution {
    const { name, path, registries } = this.options;
    switch (wire.kind) {
      case 'tap': {
        const hook = wire.hook as HookName;
        const fn = this.tapProxy(hook, wire.id);
        let record: ReturnType<typeof registries.hooks.attach> | undefined;
        return {
          kind: 'tap',
          name: hook,
          attach: () => {
            record = registries.hooks.attach(
              name,
              hook,
              fn,
              wire.stage === undefined ? {} : { stage: wire.stage },
            );
          },
          detach: () => {
            if (record) registries.hooks.detach(record);
            record = undefined;
          },
        };
      }
      case 'view': {
        // A declared asset the package cannot serve fails the plugin at load, not in the browser.
        if (path !== undefined) {
          for (const asset of wire.assets ?? []) {
            const problem = assetProblem(path, asset);
            if (problem)
              throw NocofloError.create(Errors.ViewAssetInvalid, [name, wire.name, asset, problem]);
          }
        }
        const view = this.viewProxy(wire);
        return {
          kind: 'view',
          name: wire.name,
          attach: () => registries.views.add(name, view, path),
          detach: () => registries.views.remove(name, view),
        };
      }
      case 'datasource': {
        const datasource = this.datasourceProxy(wire);
        return {
          kind: 'datasource',
          name: wire.name,
          attach: () => registries.datasources.add(name, datasource),
          detach: () => registries.datasources.remove(name, datasource),
        };
      }
      case 'route': {
        const route: RouteDefinition = {
          method: wire.method,
          path: wire.path,
          ...(wire.permission ? { permission: wire.permission } : {}),
          handler: (request) =>
            this.call(`route ${wire.method} ${wire.path}`, (rpc) => rpc.route(wire.id, request), undefined),
        };
        return {
          kind: 'route',
          name: `${wire.method} ${wire.path}`,
          attach: () => registries.routes.add(name, route),
          detach: () => registries.routes.remove(name, route),
        };
      }
      case 'service': {
        const service = this.serviceProxy(wire);
        return {
          kind: 'service',
          name: wire.name,
          attach: () => registries.services.add(name, wire.name, service),
          detach: () => registries.services.remove(name, wire.name),
        };
      }
    }
  }

  private tapProxy(hook: HookName, id: number): (...args: unknown[]) => unknown {
    const what = `its "${hook}" tap`;
    if (HOOK_KINDS[hook] === 'async')
      return (...args) => this.call(what, (rpc) => rpc.callTap(id, args), this.options.tapTimeoutMs);
    if (hook === 'pluginStateChanged') {
      // A notification (its result is unused: "record, don't block"): delivered without waiting.
      return (...args) => {
        if (this.#dead) return undefined;
        this.call(what, (rpc) => rpc.callTap(id, args), this.options.tapTimeoutMs).catch((error) =>
          this.options.onFailure(what, error),
        );
        return undefined;
      };
    }
    return (...args) => this.callSyncNow(what, id, args);
  }

  /**
   * Another plugin (or the host) calls an isolated plugin's service as it would call it inline:
   * a method that answers with a value answers synchronously (a sync call, as for `canHandle`);
   * one that answers with a promise gives a promise.
   */
  private serviceProxy(wire: Extract<ContributionWire, { kind: 'service' }>): unknown {
    const invoke =
      (method: string) =>
      (...args: unknown[]): unknown => {
        const what = `service "${wire.name}"${method ? `.${method}` : ''}`;
        const answer = this.callSyncNow(what, wire.id, args, method) as { value?: unknown; pending?: number };
        if (answer.pending === undefined) return answer.value;
        const pending = answer.pending;
        return this.call(what, (rpc) => rpc.settle(pending), undefined);
      };
    const methods = Object.fromEntries(wire.methods.map((method) => [method, invoke(method)]));
    return Object.freeze(wire.callable ? Object.assign(invoke(''), methods) : methods);
  }

  private viewProxy(wire: Extract<ContributionWire, { kind: 'view' }>): ViewDefinition {
    const what = `view "${wire.name}"`;
    return {
      name: wire.name,
      title: wire.title,
      ...(wire.priority === undefined ? {} : { priority: wire.priority }),
      ...(wire.assets ? { assets: wire.assets } : {}),
      canHandle: (table) => this.callSyncNow(`${what} canHandle`, wire.id, [table]) as number | false,
      render: async (input) => {
        const data = this.#nextData++;
        this.#viewData.set(data, input.data);
        try {
          return await this.call(
            `${what} render`,
            (rpc) =>
              rpc.render(
                wire.id,
                {
                  table: input.table,
                  params: { ...input.params },
                  urls: { ...input.urls },
                  // The settings cross as data (structured clone), like the table.
                  ...(input.settings ? { settings: input.settings } : {}),
                },
                data,
              ),
            undefined,
          );
        } finally {
          this.#viewData.delete(data);
        }
      },
    };
  }

  private datasourceProxy(wire: Extract<ContributionWire, { kind: 'datasource' }>): DatasourceDefinition {
    return {
      name: wire.name,
      schemes: wire.schemes,
      ...(wire.description ? { description: wire.description } : {}),
      open: async (url, openOptions): Promise<Datasource> => {
        const opened = await this.call(
          `datasource "${wire.name}" open`,
          (rpc) => rpc.open(wire.id, url, { ...openOptions }),
          undefined,
        );
        return new RemoteDatasource(opened, (what, fn) =>
          this.call(`datasource "${wire.name}" ${what}`, fn, undefined),
        );
      },
    };
  }

  private require<T>(value: T | undefined, what: string): T {
    if (value === undefined) throw new Error(`nocoflo: ${this.options.name} was not ${what}`);
    return value;
  }
}

/** Rebuilds an error that crossed the boundary. */
function revive(error: unknown): unknown {
  return reviveError(error, NocofloError as unknown as NocofloErrorClass);
}

function operationOf(wire: ContributionWire): string {
  switch (wire.kind) {
    case 'tap':
      return `tap("${wire.hook}")`;
    case 'view':
      return 'registerView';
    case 'datasource':
      return 'registerDatasource';
    case 'route':
      return 'registerRoute';
    case 'service':
      return 'services.provide';
  }
}

function methodNamesOf(value: unknown): string[] {
  const names = new Set<string>();
  let current = value as object | null;
  while (current && current !== Object.prototype) {
    for (const key of Object.getOwnPropertyNames(current))
      if (key !== 'constructor' && typeof (value as Record<string, unknown>)[key] === 'function')
        names.add(key);
    current = Object.getPrototypeOf(current);
  }
  return [...names];
}

/**
 * The host's copy of an isolated plugin's config schema, rebuilt from the JSON Schema the
 * plugin's side produced: enough to validate what an operator stores and to show an editor.
 * The plugin's own zod schema checks again, on its side, before setup.
 */
function configSchemaFromJson(jsonSchema: Record<string, unknown>): z.ZodType {
  try {
    return z.fromJSONSchema(jsonSchema as never) as z.ZodType;
  } catch {
    return z.unknown();
  }
}
