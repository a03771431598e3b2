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
import { SpareWorkers } from './isolated/spare-workers.js';
import type { Transport } from './isolated/transport.js';
import { startWorker, type WorkerTransportOptions } from './isolated/worker-transport.js';
import { DEFAULT_MAX_HEAP_MB, type IsolationOptions } from './isolation-options.js';
import type { PluginRuntime, RuntimeOptions } from './types.js';

/** What the factory needs besides each record. */
export interface RuntimeFactoryOptions {
  isolation?: IsolationOptions;
  /** Deadline of hook taps and sync calls, in ms. */
  tapTimeoutMs: number;
  /** The dialect of plugin databases (the store's). */
  dialect(): 'sqlite' | 'postgres';
  /** A level the operator stored for the plugin (`nocoflo plugins set-isolation`), if any. */
  storedLevel(name: string): IsolationLevel | undefined;
  /** A heap limit the operator stored for the plugin, in MB, if any. */
  storedMaxHeapMb?(name: string): number | undefined;
}

/** Where a record runs, and why (see {@link RuntimeFactory.placementOf}). */
export interface RuntimePlacement {
  /** The level. */
  level: IsolationLevel;
  /** Where the level comes from. */
  source: 'operator' | 'config' | 'default' | 'code';
  /** The heap limit of its worker or process, in MB (isolated levels). */
  maxHeapMb?: number;
}

/** Creates runtimes for records. */
export class RuntimeFactory {
  readonly #spares = new SpareWorkers();
  /** Plugins whose worker was started at least once: their next start is a restart. */
  readonly #workerStarted = new Set<string>();

  constructor(private readonly options: RuntimeFactoryOptions) {}

  /** Ends the spare worker, if any; call once the host has stopped its plugins. */
  close(): Promise<void> {
    return this.#spares.close();
  }

  /**
   * Starts a plugin's worker, taking the spare started for it if there is one. From its
   * first restart on, a plugin gets a spare for the next one (spare-workers.ts), started
   * once the current one has been set off.
   */
  private startWorker(options: WorkerTransportOptions): Transport {
    const transport = startWorker(options, this.#spares.take(options));
    if (this.#workerStarted.has(options.name)) setImmediate(() => this.#spares.prepare(options));
    else this.#workerStarted.add(options.name);
    return transport;
  }

  /** The level `record` runs at. */
  levelOf(record: PluginRecord): IsolationLevel {
    return this.placementOf(record).level;
  }

  /**
   * The level `record` runs at and where it comes from, by precedence: a level the operator
   * stored > the host's `isolation.plugins` (the config file) > `isolation.default` > `worker`.
   * The heap limit follows the same order.
   */
  placementOf(record: PluginRecord): RuntimePlacement {
    if (record.source === 'registered' || !record.location || !record.manifest)
      return { level: 'inline', source: 'code' };
    const { isolation } = this.options;
    const stored = this.options.storedLevel(record.name);
    const configured = isolation?.plugins?.[record.name];
    const level = stored ?? configured ?? isolation?.default ?? 'worker';
    const source = stored ? 'operator' : configured ? 'config' : isolation?.default ? 'config' : 'default';
    if (level === 'inline') return { level, source };
    return { level, source, maxHeapMb: this.maxHeapMbOf(record.name) };
  }

  /** The heap limit of a plugin's worker or process, in MB. */
  maxHeapMbOf(name: string): number {
    return (
      this.options.storedMaxHeapMb?.(name) ??
      this.options.isolation?.maxHeapMbByPlugin?.[name] ??
      this.options.isolation?.maxHeapMb ??
      DEFAULT_MAX_HEAP_MB
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
    const maxHeapMb = this.maxHeapMbOf(record.name);
    return new IsolatedRuntime({
      ...options,
      level,
      entry,
      tapTimeoutMs: this.options.tapTimeoutMs,
      dialect: this.options.dialect(),
      start: () => {
        const child = childEntry();
        if (level === 'worker')
          return this.startWorker({ childEntry: child, name: record.name, maxHeapMb, env });
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
