import type {
  NocofloPlugin,
  PluginManifest,
  PluginSource,
  PluginState,
  SerializedNocofloError,
} from '@nocoflo/sdk';
import type { PluginLocation } from '../discovery/types.js';
import type { LoadedPlugin, PluginRuntime } from '../runtime/types.js';
import type { PluginHealth } from './restart-policy.js';

/** Everything the host keeps about one plugin. */
export interface PluginRecord {
  name: string;
  version: string;
  description?: string;
  source: PluginSource;
  /** Where it was found (absent for plugins registered in code). */
  location?: PluginLocation;
  /** Validated manifest (discovered plugins). */
  manifest?: PluginManifest;
  dependencies: Record<string, string>;
  state: PluginState;
  error?: SerializedNocofloError;
  warnings: string[];
  /** The definition registered in code, or imported by the inline runtime (kept until a reload). */
  definition?: NocofloPlugin;
  /** What the host learnt when the code was loaded: config schema, permissions (kept until a reload). */
  loaded?: LoadedPlugin;
  /** Present between setup and teardown. */
  runtime?: PluginRuntime;
  /** The heap limit its isolated runtime was started with, in MB (to see a changed setting). */
  runtimeHeapMb?: number;
  /** Crashes and restarts of its isolated code. */
  health?: PluginHealth;
  /** A restart the watchdog scheduled (a handle of the restart clock). */
  restartTimer?: unknown;
  /** The dependency that holds this plugin back (disabled or failed); it comes back with it. */
  blockedBy?: string;
}
