/**
 * Datasource factories contributed by enabled plugins, chosen by URL scheme. Datasources
 * opened through a factory are closed when its plugin is disabled.
 */
import {
  type Datasource,
  type DatasourceDefinition,
  Errors,
  errorMessage,
  isNocofloError,
  NocofloError,
  type NocofloHooks,
  redactUrl as redactSdkUrl,
} from '@nocoflo/sdk';
import { HookedDatasource } from '../data/hooked-datasource.js';
import { TimeoutError, withTimeout } from '../lifecycle/timeout.js';
import type { DatasourceRegistry, OpenDatasourceOptions, RegisteredDatasource } from '../types.js';

interface FactoryEntry {
  plugin: string;
  definition: DatasourceDefinition;
  /** Each datasource opened through it, with the connections it counts against the budget. */
  opened: Map<HookedDatasource, number>;
}

/**
 * The most connections one open may take when its caller names no limit: the default pool
 * size of the pooling datasources (PostgreSQL's and MySQL's 10).
 */
const DEFAULT_POOL_GRANT = 10;

/** The default of `HostOptions.maxDatasourceConnections`. */
export const DEFAULT_MAX_DATASOURCE_CONNECTIONS = 20;

/** The scheme of a datasource URL, lower-cased, without the colon. */
export function urlScheme(url: string): string {
  const colon = url.indexOf(':');
  return colon > 0 ? url.slice(0, colon).toLowerCase() : '';
}

/** Removes every credential from a URL for messages and logs (the SDK's one redaction function). */
export function redactUrl(url: string): string {
  return redactSdkUrl(url);
}

/** The host's datasource registry. */
export class DatasourceRegistryImpl implements DatasourceRegistry {
  readonly #entries: FactoryEntry[] = [];
  /** Connections promised to opens still in flight. */
  #reserved = 0;

  constructor(
    private readonly hooks: NocofloHooks,
    private readonly timeoutMs: number,
    private readonly defaultCwd: string,
    /** The most connections all datasources opened here may hold together. */
    private readonly maxConnections = DEFAULT_MAX_DATASOURCE_CONNECTIONS,
  ) {}

  /** Connections held (by open datasources) or promised (to opens in flight). */
  connectionsInUse(): number {
    let used = this.#reserved;
    for (const entry of this.#entries) for (const count of entry.opened.values()) used += count;
    return used;
  }

  /** Adds a factory. Scheme clashes are allowed here and reported by {@link conflicts} and `open`. */
  add(plugin: string, definition: DatasourceDefinition): void {
    this.#entries.push({ plugin, definition, opened: new Map() });
  }

  /** Removes a factory and closes every datasource opened through it. */
  async remove(plugin: string, definition: DatasourceDefinition): Promise<void> {
    const index = this.#entries.findIndex(
      (entry) => entry.plugin === plugin && entry.definition === definition,
    );
    if (index === -1) return;
    const [entry] = this.#entries.splice(index, 1);
    await Promise.allSettled([...entry!.opened.keys()].map((datasource) => datasource.close()));
  }

  async open(url: string, options: OpenDatasourceOptions = {}): Promise<Datasource> {
    const scheme = urlScheme(url);
    const claimants = this.#entries.filter(
      (entry) =>
        entry.definition.schemes.some((s) => s.toLowerCase() === scheme) &&
        (!options.plugin || entry.plugin === options.plugin),
    );
    if (claimants.length === 0) {
      throw NocofloError.create(Errors.SchemeUnknown, [redactUrl(url), this.schemes()]);
    }
    if (claimants.length > 1) {
      throw NocofloError.create(Errors.SchemeConflict, [scheme, claimants.map((entry) => entry.plugin)]);
    }
    const entry = claimants[0]!;
    const { plugin: _plugin, ...openOptions } = options;
    // The budget is taken before the open starts, so opens in flight cannot overspend it.
    const spare = this.maxConnections - this.connectionsInUse();
    if (spare < 1) {
      throw NocofloError.create(Errors.DatasourceBusy, [
        redactUrl(url),
        `this host already holds its ${this.maxConnections} database connections (maxDatasourceConnections); close a datasource or raise the limit`,
      ]);
    }
    // One open may take at most a pool's default share, not all that is spare: an open still
    // in flight holds its grant, and a slow one must not make every other open busy meanwhile.
    const grant = Math.min(spare, openOptions.maxConnections ?? DEFAULT_POOL_GRANT);
    this.#reserved += grant;
    let inner: Datasource;
    try {
      inner = await withTimeout(
        () => entry.definition.open(url, { cwd: this.defaultCwd, ...openOptions, maxConnections: grant }),
        this.timeoutMs,
      );
    } catch (error) {
      if (isNocofloError(error)) throw error;
      const reason =
        error instanceof TimeoutError ? `no answer within ${this.timeoutMs} ms` : errorMessage(error);
      throw NocofloError.create(Errors.ConnectionFailed, [redactUrl(url), reason], { cause: error });
    } finally {
      this.#reserved -= grant;
    }
    // The plugin was disabled (its factory removed) while this open was in flight: what it
    // opened is closed here, never served, never left holding connections.
    if (!this.#entries.includes(entry)) {
      await inner.close().catch(() => undefined);
      throw NocofloError.create(Errors.DatasourceClosed, [redactUrl(url), 'open it']);
    }
    const hooked: HookedDatasource = new HookedDatasource(inner, this.hooks, () =>
      entry.opened.delete(hooked),
    );
    // A pooling datasource counts with its pool size (at most the grant); others hold none the host knows of.
    entry.opened.set(hooked, Math.min(grant, Math.max(0, inner.maxConnections ?? 0)));
    return hooked;
  }

  list(): RegisteredDatasource[] {
    return this.#entries.map(({ plugin, definition }) => ({
      name: definition.name,
      plugin,
      schemes: [...definition.schemes],
      ...(definition.description ? { description: definition.description } : {}),
    }));
  }

  conflicts(): { scheme: string; plugins: string[] }[] {
    const byScheme = new Map<string, string[]>();
    for (const { plugin, definition } of this.#entries) {
      for (const scheme of definition.schemes) {
        const key = scheme.toLowerCase();
        byScheme.set(key, [...(byScheme.get(key) ?? []), plugin]);
      }
    }
    return [...byScheme]
      .filter(([, plugins]) => new Set(plugins).size > 1)
      .map(([scheme, plugins]) => ({ scheme, plugins: [...new Set(plugins)].sort() }));
  }

  /** Every claimed scheme. */
  schemes(): string[] {
    return [
      ...new Set(this.#entries.flatMap((entry) => entry.definition.schemes.map((s) => s.toLowerCase()))),
    ].sort();
  }
}
