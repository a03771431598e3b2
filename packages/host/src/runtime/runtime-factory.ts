/**
 * Chooses the runtime a plugin's code runs in, and creates it: `inline` for plugins
 * registered in code (already in the host's realm) and those the operator names trusted;
 * otherwise an isolated runtime at the operator's level, `worker` by default.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IsolationLevel } from '@nocoflo/sdk';
import { loadEntry } from '../lifecycle/load-entry.js';
import type { PluginRecord } from '../lifecycle/plugin-record.js';
import { InlineRuntime } from './inline-runtime.js';
import { IsolatedRuntime } from './isolated/isolated-runtime.js';
import { bridgeEntryBeside, startProcess } from './isolated/process-transport.js';
import { startWorker } from './isolated/worker-transport.js';
import { DEFAULT_MAX_HEAP_MB, type IsolationOptions } from './isolation-options.js';
import type { PluginRuntime, RuntimeOptions } from './types.js';

/** What the factory needs besides each record. */
export interface RuntimeFactoryOptions {
  isolation?: IsolationOptions;
  /** Deadline of hook taps and sync calls, in ms. */
  tapTimeoutMs: number;
  /** The dialect of plugin databases (the store's). */
  dialect(): 'sqlite' | 'postgres';
  /** A level the operator stored for the plugin, if any. */
  storedLevel(name: string): IsolationLevel | undefined;
}

/** Creates runtimes for records. */
export class RuntimeFactory {
  constructor(private readonly options: RuntimeFactoryOptions) {}

  /** The level `record` runs at. */
  levelOf(record: PluginRecord): IsolationLevel {
    if (record.source === 'registered' || !record.location || !record.manifest) return 'inline';
    const { isolation } = this.options;
    return (
      this.options.storedLevel(record.name) ??
      isolation?.plugins?.[record.name] ??
      isolation?.default ??
      'worker'
    );
  }

  /** The runtime for `record`. */
  create(record: PluginRecord, options: RuntimeOptions): PluginRuntime {
    const level = this.levelOf(record);
    if (level === 'inline' || !record.location || !record.manifest) {
      return new InlineRuntime({
        ...options,
        loadDefinition: async () => {
          if (!record.definition) {
            if (!record.location || !record.manifest)
              throw new Error('plugin has neither code nor a location');
            record.definition = await loadEntry(record.name, record.location.dir, record.manifest.entry);
          }
          return record.definition;
        },
      });
    }
    const entry = resolve(record.location.dir, record.manifest.entry);
    const env = declaredEnv(record.manifest.permissions?.env ?? []);
    const maxHeapMb =
      this.options.isolation?.maxHeapMbByPlugin?.[record.name] ??
      this.options.isolation?.maxHeapMb ??
      DEFAULT_MAX_HEAP_MB;
    return new IsolatedRuntime({
      ...options,
      level,
      entry,
      tapTimeoutMs: this.options.tapTimeoutMs,
      dialect: this.options.dialect(),
      start: () => {
        const child = childEntry();
        if (level === 'worker') return startWorker({ childEntry: child, name: record.name, maxHeapMb, env });
        return startProcess({
          childEntry: child,
          bridgeEntry: bridgeEntryBeside(child),
          name: record.name,
          pluginDir: record.location!.dir,
          dataDir: options.dataDir,
          permissions: {
            addons: record.manifest?.permissions?.addons ?? false,
            fsRead: record.manifest?.permissions?.fsRead ?? [],
            env: record.manifest?.permissions?.env ?? [],
          },
          maxHeapMb,
          env,
        });
      },
    });
  }
}

/** The environment an isolated plugin sees: only the variables its manifest declares. */
export function declaredEnv(names: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

let cachedChildEntry: string | undefined;

/** The built child entry: next to the host's bundle, or (running from source in tests) in the package's dist. */
export function childEntry(): string {
  if (cachedChildEntry) return cachedChildEntry;
  const candidates = [
    new URL('./plugin-child.js', import.meta.url),
    new URL('../../dist/plugin-child.js', import.meta.url),
  ].map((url) => fileURLToPath(url));
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(
      `nocoflo: the plugin child entry is missing (looked for ${candidates.join(', ')}); build @nocoflo/host`,
    );
  cachedChildEntry = found;
  return found;
}
