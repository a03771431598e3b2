import type {
  NocofloPlugin,
  PluginManifest,
  PluginSource,
  PluginState,
  SerializedNocofloError,
} from '@nocoflo/sdk';
import type { PluginLocation } from '../discovery/types.js';
import type { PluginRuntime } from './plugin-runtime.js';

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
  /** The loaded definition (registered plugins have it from the start). */
  definition?: NocofloPlugin;
  /** Present between setup and teardown. */
  runtime?: PluginRuntime;
  /** The dependency that holds this plugin back (disabled or failed); it comes back with it. */
  blockedBy?: string;
}
