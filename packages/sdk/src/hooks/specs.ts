/**
 * nocoflo's hooks: one typed interface of tapable hooks. The host owns the instances and
 * calls them; plugins tap them through their context (`ctx.tap(name, fn)`), which records
 * every tap so it can be removed when the plugin is disabled.
 */
import type {
  AsyncParallelHook,
  AsyncSeriesBailHook,
  AsyncSeriesHook,
  Hook,
  SyncHook,
  SyncWaterfallHook,
} from 'tapable';
import { loadCommonJs } from '../load-commonjs.js';
import type {
  HostStartedEvent,
  PluginStateChange,
  QueryEvent,
  QueryOutcome,
  ViewCandidate,
  ViewCandidatesContext,
  WriteEvent,
  WriteOutcome,
  WriteVeto,
} from './events.js';

/**
 * Every hook nocoflo calls, with its tapable type (sync, bail, waterfall, async series or
 * parallel, as its meaning needs). Tap them with `ctx.tap('beforeWrite', fn)`.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@nocoflo/sdk';
 *
 * // Declared taps are attached while the plugin is enabled; `ctx.tap` does the same from code.
 * export default definePlugin({
 *   hooks: {
 *     beforeWrite: (write) =>
 *       write.operation === 'delete' ? { reason: 'Rows are archived here, not deleted.' } : undefined,
 *   },
 *   setup(ctx) {
 *     ctx.tap('afterQuery', (query, outcome) => {
 *       ctx.logger.debug(`${query.operation} ${query.table ?? ''}: ${outcome.durationMs} ms`);
 *     });
 *   },
 * });
 * ```
 */
export interface NocofloHooks {
  /**
   * After every enabled plugin has started. Taps run in parallel.
   *
   * @example
   * ```ts
   * import { definePlugin } from '@nocoflo/sdk';
   * export default definePlugin({
   *   setup(ctx) {
   *     ctx.tap('hostStarted', async ({ hostVersion, enabled }) => {
   *       ctx.logger.info(`host ${hostVersion} started with ${enabled.length} plugins`);
   *     });
   *   },
   * });
   * ```
   */
  hostStarted: AsyncParallelHook<[HostStartedEvent]>;
  /**
   * Before the host stops plugins. Taps run in order and are awaited.
   *
   * @example
   * ```ts
   * import { definePlugin } from '@nocoflo/sdk';
   * declare function flushQueue(): Promise<void>;
   * export default definePlugin({
   *   hooks: {
   *     // Awaited before plugins are stopped: finish pending work here.
   *     hostStopping: async () => {
   *       await flushQueue();
   *     },
   *   },
   * });
   * ```
   */
  hostStopping: AsyncSeriesHook<[]>;
  /**
   * After any plugin changes lifecycle state. Synchronous: record, don't block.
   *
   * @example
   * ```ts
   * import { definePlugin } from '@nocoflo/sdk';
   * export default definePlugin({
   *   setup(ctx) {
   *     // Synchronous: record the change, start no slow work here.
   *     ctx.tap('pluginStateChanged', ({ plugin, from, to, error }) => {
   *       if (to === 'failed') ctx.logger.warn(`${plugin} failed (was ${from}): ${error?.message ?? ''}`);
   *     });
   *   },
   * });
   * ```
   */
  pluginStateChanged: SyncHook<[PluginStateChange]>;
  /**
   * Before every read. Throwing a NocofloError refuses the read.
   *
   * @example
   * ```ts
   * import { defineError, definePlugin, NocofloError } from '@nocoflo/sdk';
   *
   * const Confidential = defineError({
   *   code: 'ACME_CONFIDENTIAL',
   *   title: 'Confidential table',
   *   status: 403,
   *   message: (table: string) => `${table} cannot be read here.`,
   *   hint: () => 'Ask HR for an export.',
   * });
   *
   * export default definePlugin({
   *   hooks: {
   *     // Throwing a NocofloError refuses the read: the caller sees this error, not rows.
   *     beforeQuery: (query) => {
   *       if (query.table === 'salaries') throw NocofloError.create(Confidential, [query.table]);
   *     },
   *   },
   * });
   * ```
   */
  beforeQuery: AsyncSeriesHook<[QueryEvent]>;
  /**
   * After every read, successful or not.
   *
   * @example
   * ```ts
   * import { definePlugin } from '@nocoflo/sdk';
   * export default definePlugin({
   *   setup(ctx) {
   *     ctx.tap('afterQuery', (query, outcome) => {
   *       if (outcome.durationMs > 1_000)
   *         ctx.logger.warn(`slow ${query.operation} on ${query.datasource} ${query.table ?? ''}: ${outcome.durationMs} ms`);
   *     });
   *   },
   * });
   * ```
   */
  afterQuery: AsyncSeriesHook<[QueryEvent, QueryOutcome]>;
  /**
   * Before every write. Returning a {@link WriteVeto} refuses the write (nothing is
   * changed, the caller sees the reason); the first veto wins and later taps are skipped.
   *
   * @example
   * ```ts
   * import { definePlugin } from '@nocoflo/sdk';
   * export default definePlugin({
   *   hooks: {
   *     // A WriteVeto refuses the write (NCF_WRITE_VETOED, with the reason); undefined lets it through.
   *     beforeWrite: (write) =>
   *       write.table === 'invoices' && write.operation !== 'insert'
   *         ? { reason: 'Invoices are immutable once issued.' }
   *         : undefined,
   *   },
   * });
   * ```
   */
  beforeWrite: AsyncSeriesBailHook<[WriteEvent], WriteVeto | undefined>;
  /**
   * After every write, successful, failed or vetoed.
   *
   * @example
   * ```ts
   * import { definePlugin } from '@nocoflo/sdk';
   * export default definePlugin({
   *   setup(ctx) {
   *     const log: string[] = [];
   *     ctx.services.provide('acme.audit', { entries: () => [...log] });
   *     ctx.tap('afterWrite', (write, outcome) => {
   *       const result = outcome.error ? `failed: ${outcome.error.code}` : 'ok';
   *       log.push(`${write.operation} ${write.table} ${JSON.stringify(write.key ?? {})}: ${result}`);
   *     });
   *   },
   * });
   * ```
   */
  afterWrite: AsyncSeriesHook<[WriteEvent, WriteOutcome]>;
  /**
   * The views offered for a table, best first; a tap may filter or reorder them.
   *
   * @example
   * ```ts
   * import { definePlugin } from '@nocoflo/sdk';
   * export default definePlugin({
   *   hooks: {
   *     // A waterfall: return the (filtered, reordered) list the next tap and the host receive.
   *     viewCandidates: (candidates, { table }) =>
   *       table.name.startsWith('log_') ? candidates.filter((c) => c.view !== 'chart') : candidates,
   *   },
   * });
   * ```
   */
  viewCandidates: SyncWaterfallHook<[ViewCandidate[], ViewCandidatesContext]>;
}

/** Name of a hook. */
export type HookName = keyof NocofloHooks;

/** Whether a hook is called synchronously or awaited. */
export type HookKind = 'sync' | 'async';

type HookArgsOf<H> = H extends Hook<infer T, infer _R, infer _O> ? (T extends unknown[] ? T : [T]) : never;
type HookResultOf<H> = H extends Hook<infer _T, infer R, infer _O> ? R : never;

/** The arguments a hook's taps receive. */
export type HookArgs<K extends HookName> = HookArgsOf<NocofloHooks[K]>;

/** What a hook's taps return (the waterfall value, the bail value, or void). */
export type HookResult<K extends HookName> = HookResultOf<NocofloHooks[K]>;

/**
 * The function a plugin taps a hook with. Taps of async hooks may return a promise; taps
 * of sync hooks must return synchronously.
 */
export type TapFn<K extends HookName> = (typeof HOOK_KINDS)[K] extends 'async'
  ? (...args: HookArgs<K>) => HookResult<K> | void | Promise<HookResult<K> | void>
  : (...args: HookArgs<K>) => HookResult<K>;

/** Whether each hook is sync or async; the runtime mirror of {@link NocofloHooks}. */
export const HOOK_KINDS = {
  /** {@link NocofloHooks.hostStarted}: awaited. */
  hostStarted: 'async',
  /** {@link NocofloHooks.hostStopping}: awaited. */
  hostStopping: 'async',
  /** {@link NocofloHooks.pluginStateChanged}: called synchronously. */
  pluginStateChanged: 'sync',
  /** {@link NocofloHooks.beforeQuery}: awaited. */
  beforeQuery: 'async',
  /** {@link NocofloHooks.afterQuery}: awaited. */
  afterQuery: 'async',
  /** {@link NocofloHooks.beforeWrite}: awaited. */
  beforeWrite: 'async',
  /** {@link NocofloHooks.afterWrite}: awaited. */
  afterWrite: 'async',
  /** {@link NocofloHooks.viewCandidates}: called synchronously. */
  viewCandidates: 'sync',
} as const satisfies Record<HookName, HookKind>;

/** Every hook name, in a stable order. */
export const HOOK_NAMES = Object.keys(HOOK_KINDS) as HookName[];

/** Creates a fresh set of hook instances (one per host). */
export function createHooks(): NocofloHooks {
  // tapable loads here, not with the SDK: only a host makes hooks, and an isolated plugin's
  // worker, which imports the SDK too, has no use for tapable's dozen modules.
  const { AsyncParallelHook, AsyncSeriesBailHook, AsyncSeriesHook, SyncHook, SyncWaterfallHook } =
    loadCommonJs('tapable') as typeof import('tapable');
  return {
    hostStarted: new AsyncParallelHook(['event']),
    hostStopping: new AsyncSeriesHook([]),
    pluginStateChanged: new SyncHook(['change']),
    beforeQuery: new AsyncSeriesHook(['query']),
    afterQuery: new AsyncSeriesHook(['query', 'outcome']),
    beforeWrite: new AsyncSeriesBailHook(['write']),
    afterWrite: new AsyncSeriesHook(['write', 'outcome']),
    viewCandidates: new SyncWaterfallHook(['candidates', 'context']),
  };
}

/** Whether `name` is a hook name. */
export function isHookName(name: string): name is HookName {
  return Object.hasOwn(HOOK_KINDS, name);
}
