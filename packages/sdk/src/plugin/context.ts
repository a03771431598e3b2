/**
 * The plugin context: the only door between a plugin and the host. Everything a plugin
 * contributes goes through it, so the host can record it and remove it again; nothing
 * mutable of the host's is handed across, so a plugin could run in a worker thread of its
 * own without its author changing a line.
 */
import type { PluginDatabase } from '../database/types.js';
import type { DatasourceDefinition } from '../datasource/types.js';
import type { HookName, TapFn } from '../hooks/specs.js';
import type { ViewDefinition } from '../view/types.js';
import type { Logger } from './types.js';

/** Removes what it was returned for. Calling it twice is harmless. */
export type Disposer = () => void;

/** Something to run when the plugin is disabled: stop a timer, close a socket, … */
export type CleanupFn = () => void | Promise<void>;

/** Options of a tap. */
export interface TapOptions {
  /** Tapable stage: lower runs earlier. Default 0. */
  stage?: number;
}

/**
 * Services plugins provide to each other, keyed by name. Extend it with declaration
 * merging to type `ctx.services.get('name')`:
 *
 * ```ts
 * declare module '@nocoflo/sdk' {
 *   interface NocofloServices { 'audit.log': { entries(): unknown[] } }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface NocofloServices {}

/** Service name: a known one from {@link NocofloServices}, or any string. */
export type ServiceName = keyof NocofloServices | (string & {});

/** The service type for a name. */
export type ServiceType<N extends ServiceName> = N extends keyof NocofloServices
  ? NocofloServices[N]
  : unknown;

/** The service registry as a plugin sees it. */
export interface ServiceRegistry {
  /** Provides a service under a name; withdrawn when the plugin is disabled. */
  provide<N extends ServiceName>(name: N, service: ServiceType<N>): Disposer;
  /** The service with that name, or undefined when no enabled plugin provides it. */
  get<N extends ServiceName>(name: N): ServiceType<N> | undefined;
}

/** An HTTP method a plugin route answers. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The request a plugin route handler receives: plain data. */
export interface RouteRequest {
  /** Path parameters (`/items/:id` → `{ id }`). */
  params: Record<string, string>;
  /** Query-string parameters. */
  query: Record<string, string | string[]>;
  /** Parsed JSON body, if any. */
  body: unknown;
  /** Request headers, lower-cased. */
  headers: Record<string, string | string[] | undefined>;
}

/** What a plugin route handler returns. */
export interface RouteResponse {
  /** HTTP status (default 200). */
  status?: number;
  /** Body: a string is sent as is, anything else as JSON. */
  body?: unknown;
  /** Extra headers. */
  headers?: Record<string, string>;
}

/** An HTTP route a plugin registers; mounted under `/plugins/<plugin name>/`. */
export interface RouteDefinition {
  /** Method. */
  method: RouteMethod;
  /** Path below the plugin's prefix, e.g. `/entries` or `/entries/:id`. */
  path: string;
  /** Permission key (declared by the plugin) the caller must hold; 403 without it. */
  permission?: string;
  /** Handles a request. */
  handler(request: RouteRequest): RouteResponse | Promise<RouteResponse>;
}

/**
 * What a plugin's lifecycle callbacks receive.
 *
 * Contributions made in `setup` (taps, views, datasources, services, routes) are active
 * while the plugin is enabled and are re-attached each time it is enabled again;
 * contributions made in `enable` last until the next `disable`. Timers and cleanups
 * registered here run or are cleared when the plugin is disabled.
 *
 * @typeParam Config - The plugin's validated config type.
 *
 * @example
 * ```ts
 * import { definePlugin, type PluginContext } from '@nocoflo/sdk';
 * import { z } from 'zod';
 *
 * const config = z.object({ everyMinutes: z.number().default(5) });
 *
 * // Everything a plugin contributes goes through `ctx`, so disabling it removes all of it.
 * function start(ctx: PluginContext<z.output<typeof config>>): void {
 *   ctx.logger.info(`${ctx.name}@${ctx.version} on host ${ctx.hostVersion}`);
 *   ctx.tap('afterWrite', (write, outcome) => {
 *     if (outcome.error) ctx.logger.warn(`write to ${write.table} failed: ${outcome.error.code}`);
 *   });
 *   ctx.registerRoute({
 *     method: 'GET',
 *     path: '/status',
 *     handler: () => ({ body: { plugin: ctx.name, ok: true } }),
 *   });
 *   ctx.services.provide('acme.clock', { now: () => Date.now() });
 *   ctx.setInterval(() => ctx.logger.debug('tick'), ctx.config.everyMinutes * 60_000);
 *   ctx.onDispose(() => ctx.logger.info('disabled: timers, taps and routes are gone'));
 * }
 *
 * export default definePlugin({ config, setup: start });
 * ```
 */
export interface PluginContext<Config = unknown> {
  /** Plugin (package) name. */
  readonly name: string;
  /** Plugin (package) version. */
  readonly version: string;
  /** The host's version. */
  readonly hostVersion: string;
  /** The plugin's config, validated by its `config` schema (frozen). */
  readonly config: Readonly<Config>;
  /** Logger tagged with the plugin name. */
  readonly logger: Logger;
  /** A folder the plugin may write to (created on first use by the plugin). */
  readonly dataDir: string;
  /**
   * The plugin's own database: its SQLite file, or its own PostgreSQL schema and role when the
   * host's store is PostgreSQL. The plugin's SQL migrations (`migrations/NNNN_name.sql`) run
   * here before `setup`; the host's tables and other plugins' data are out of its reach.
   */
  readonly database: PluginDatabase;
  /** Aborted when the plugin is disabled, reloaded or torn down. */
  readonly signal: AbortSignal;
  /** Taps a hook. Throws `NCF_UNKNOWN_HOOK` (naming the known hooks) for a name that is not a hook. */
  tap<K extends HookName>(hook: K, fn: TapFn<K>, options?: TapOptions): Disposer;
  /** Contributes a view. */
  registerView(view: ViewDefinition): Disposer;
  /** Contributes a datasource factory for its URL schemes. */
  registerDatasource(datasource: DatasourceDefinition): Disposer;
  /** Registers an HTTP route under `/plugins/<name>/`. */
  registerRoute(route: RouteDefinition): Disposer;
  /** Services shared between plugins. */
  readonly services: ServiceRegistry;
  /** Runs `fn` when the plugin is disabled (or torn down, for cleanups registered in setup). */
  onDispose(fn: CleanupFn): Disposer;
  /** `setTimeout` that the host clears when the plugin is disabled. */
  setTimeout(fn: () => void, ms: number): Disposer;
  /** `setInterval` that the host clears when the plugin is disabled. */
  setInterval(fn: () => void, ms: number): Disposer;
}
