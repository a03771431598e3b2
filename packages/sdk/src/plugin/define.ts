/**
 * `definePlugin`: the default export of every plugin's entry module.
 */
import type { z } from 'zod';
import type { DatasourceDefinition } from '../datasource/types.js';
import type { HookName, TapFn } from '../hooks/specs.js';
import type { ViewDefinition } from '../view/types.js';
import type { PluginContext } from './context.js';
import type { PermissionDefinition } from './types.js';

const PLUGIN_BRAND = Symbol.for('nocoflo.plugin');

/** A lifecycle callback. It runs under the host's timeout; throwing or rejecting fails only this plugin. */
export type LifecycleCallback<Config> = (ctx: PluginContext<Config>) => void | Promise<void>;

/** Taps given declaratively, keyed by hook name. */
export type DeclaredTaps = { [K in HookName]?: TapFn<K> };

/**
 * What a plugin is made of. Name and version are not here: they come from the plugin's
 * package.json.
 *
 * @typeParam Schema - The zod schema of the plugin's config.
 */
export interface PluginDefinition<Schema extends z.ZodType = z.ZodType<unknown>> {
  /** Zod schema of the plugin's config; the host validates config with it before `setup`. */
  config?: Schema;
  /** Permissions the plugin's routes may require. */
  permissions?: readonly PermissionDefinition[];
  /** Views, registered while the plugin is enabled. */
  views?: readonly ViewDefinition[];
  /** Datasource factories, registered while the plugin is enabled. */
  datasources?: readonly DatasourceDefinition[];
  /** Hook taps, attached while the plugin is enabled. */
  hooks?: DeclaredTaps;
  /** Runs once after the plugin is loaded: allocate, register contributions. */
  setup?: LifecycleCallback<z.output<Schema>>;
  /** Runs each time the plugin is enabled (after `setup` the first time). */
  enable?: LifecycleCallback<z.output<Schema>>;
  /** Runs each time the plugin is disabled; its contributions are already detached. */
  disable?: LifecycleCallback<z.output<Schema>>;
  /** Runs once before the plugin is unloaded (reload, uninstall, host stop). */
  teardown?: LifecycleCallback<z.output<Schema>>;
}

/**
 * A plugin as returned by {@link definePlugin}: the definition, branded so the host can
 * tell it from any other default export.
 */
export type NocofloPlugin<Schema extends z.ZodType = z.ZodType<unknown>> = Readonly<
  PluginDefinition<Schema>
> & {
  /** @internal */
  readonly [PLUGIN_BRAND]: true;
};

/**
 * Declares a plugin. The returned object is the entry module's default export; its config
 * type flows from the `config` schema into every callback's `ctx.config`.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@nocoflo/sdk';
 * import { z } from 'zod';
 *
 * export default definePlugin({
 *   config: z.object({ table: z.string().default('orders') }),
 *   hooks: {
 *     beforeWrite: (write) => (write.table === 'audit' ? { reason: 'The audit table is append-only.' } : undefined),
 *   },
 *   setup(ctx) {
 *     ctx.logger.info(`protecting ${ctx.config.table}`);
 *   },
 * });
 * ```
 */
export function definePlugin<Schema extends z.ZodType = z.ZodType<unknown>>(
  definition: PluginDefinition<Schema>,
): NocofloPlugin<Schema> {
  return Object.freeze({ ...definition, [PLUGIN_BRAND]: true as const });
}

/**
 * Whether a value is a plugin made by {@link definePlugin} (from any copy of the SDK).
 */
export function isPlugin(value: unknown): value is NocofloPlugin {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true
  );
}
