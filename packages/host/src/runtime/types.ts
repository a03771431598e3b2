/**
 * The runtime interface: where a plugin's code runs and how the host calls into it.
 *
 * - `inline`: in the host's own realm (trusted plugins only);
 * - `worker`: in a `worker_threads` Worker of its own (the default);
 * - `process`: in a child process under Node's permission model.
 *
 * The host drives every runtime through the same calls; the plugin sees the same
 * `PluginContext` at every level.
 */
import type { IsolationLevel, Logger, PermissionDefinition, PluginDatabase } from '@nocoflo/sdk';
import type { z } from 'zod';
import type { Contribution } from '../lifecycle/contribution.js';
import type { RuntimeRegistries } from './plugin-scope.js';

export type { IsolationLevel };

/** Every {@link IsolationLevel}, most isolated last. */
export const ISOLATION_LEVELS: readonly IsolationLevel[] = ['inline', 'worker', 'process'];

/** Whether `value` names an isolation level. */
export function isIsolationLevel(value: unknown): value is IsolationLevel {
  return typeof value === 'string' && (ISOLATION_LEVELS as readonly string[]).includes(value);
}

/** What the host learns about a plugin once its code is loaded. */
export interface LoadedPlugin {
  /** The plugin's config schema (for validation, the JSON Schema an editor shows, and secret fields). */
  readonly config?: z.ZodType;
  /** Permissions its routes may require. */
  readonly permissions: readonly PermissionDefinition[];
}

/** What any runtime needs to know about its plugin and the host. */
export interface RuntimeOptions {
  /** Plugin name. */
  readonly name: string;
  /** Plugin version. */
  readonly version: string;
  /** The host's version. */
  readonly hostVersion: string;
  /** The plugin's package folder (absent for plugins registered in code). */
  readonly path?: string;
  /** The plugin's data folder (`ctx.dataDir`). */
  readonly dataDir: string;
  /** Tagged with the plugin's name. */
  readonly logger: Logger;
  /** The plugin's own database (`ctx.database`). */
  readonly database: PluginDatabase;
  /** The host registries contributions attach to. */
  readonly registries: RuntimeRegistries;
  /** Deadline of every lifecycle callback and cleanup, in ms. */
  readonly callbackTimeoutMs: number;
  /**
   * Called when the plugin fails outside a lifecycle call (a timer threw, its worker
   * crashed, a call into it missed its deadline); the host then fails the plugin.
   */
  onFailure(where: string, error: unknown): void;
}

/** The lifecycle callbacks a runtime runs. */
export type LifecycleCallbackName = 'setup' | 'enable' | 'disable' | 'teardown';

/**
 * A plugin's code, loaded somewhere, as the host drives it. Calls follow the lifecycle:
 * `load` → `setup` → (`enable` ⇄ `disable`)* → `teardown` → `dispose`. Each throws a
 * `NocofloError` naming the plugin and the callback when the plugin throws, rejects or
 * misses its deadline.
 */
export interface PluginRuntime {
  /** Where the code runs. */
  readonly level: IsolationLevel;
  /** Loads the plugin's code (for isolated levels: starts its worker or process). */
  load(): Promise<LoadedPlugin>;
  /** Runs `setup` with the validated config; contributions made there are kept for every enable. */
  setup(config: unknown): Promise<void>;
  /** Attaches the plugin's contributions and runs `enable`. */
  enable(): Promise<void>;
  /** Detaches everything, clears timers, runs enable-phase cleanups, then runs `disable`. */
  disable(): Promise<void>;
  /** Runs `teardown`. */
  teardown(): Promise<void>;
  /** Frees everything (setup-phase cleanups run; a worker or process ends). Never throws. */
  dispose(): Promise<void>;
  /** The contributions currently reachable, for `PluginInfo`. */
  attachedContributions(): readonly Contribution[];
}
