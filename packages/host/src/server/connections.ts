/**
 * The datasources the server browses, by a short id used in URLs (`/d/demo/…`). Each is
 * opened through the host on first use, so it runs through the data hooks, and opened
 * again after the providing plugin was disabled and enabled or reloaded (the host closes
 * datasources of a plugin that goes away).
 */
import { type Datasource, Errors, isNocofloError, NocofloError, redactUrl } from '@nocoflo/sdk';
import type { PluginHost } from '../types.js';
import { displayDatasourceUrl, scrubText } from './display-url.js';

/** One datasource the server serves. */
export interface DatasourceEntry {
  /** Short id used in URLs. */
  id: string;
  /** The URL without credentials, a SQLite file relative to the host's root: what callers see. */
  displayUrl: string;
  /** The URL without credentials, as a stable key (view preferences). */
  key: string;
  /** The URL as given (may hold credentials; never shown). */
  url: string;
}

/** A short, URL-safe id for a datasource URL: the file or database name. */
export function datasourceId(url: string): string {
  const withoutQuery = url.replace(/[?#].*$/, '');
  const last =
    withoutQuery
      .split(/[/:\\]/)
      .filter(Boolean)
      .pop() ?? 'db';
  const stem = last.replace(/\.(sqlite3?|db3?)$/i, '');
  const slug = stem
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'db';
}

/** Opens, caches and reopens the server's datasources. */
export class DatasourceConnections {
  readonly #entries: DatasourceEntry[] = [];
  readonly #open = new Map<string, Promise<Datasource>>();
  /** Datasources found closed by `use` (those that do not say so themselves). */
  readonly #stale = new WeakSet<Datasource>();

  constructor(
    private readonly host: PluginHost,
    urls: readonly string[],
  ) {
    const used = new Set<string>();
    for (const url of urls) {
      const base = datasourceId(url);
      let id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
      used.add(id);
      this.#entries.push({ id, url, displayUrl: displayDatasourceUrl(url, host.root), key: redactUrl(url) });
    }
  }

  /** Every datasource, in the order given. */
  list(): readonly DatasourceEntry[] {
    return this.#entries;
  }

  /** Text about these datasources made safe to show: no credentials, no absolute paths (see display-url.ts). */
  scrub(text: string): string {
    return scrubText(
      text,
      this.host.root,
      this.#entries.map((e) => e.url),
    );
  }

  /** The entry with this id; throws `NCF_DATASOURCE_NOT_FOUND`. */
  entry(id: string): DatasourceEntry {
    const entry = this.#entries.find((e) => e.id === id);
    if (!entry) {
      throw NocofloError.create(Errors.DatasourceNotFound, [id, this.#entries.map((e) => e.id)]);
    }
    return entry;
  }

  /**
   * The open datasource for an id, opening it (again) when needed. Single flight: however
   * many requests ask at once (after a reload closed the old one, say), one open runs and
   * they all get its datasource, so a burst never opens a pool per request.
   */
  async get(id: string): Promise<Datasource> {
    const entry = this.entry(id);
    for (;;) {
      const cached = this.#open.get(id);
      if (!cached) return this.#startOpening(entry);
      let datasource: Datasource;
      try {
        datasource = await cached;
      } catch (error) {
        // Everyone who waited on this open gets its error; the next request tries again.
        if (this.#open.get(id) === cached) this.#open.delete(id);
        throw error;
      }
      // The host's datasources say when they were closed (their plugin went away); any other
      // closed datasource is caught by `use`, which marks it stale.
      if (!(datasource as { closed?: boolean }).closed && !this.#stale.has(datasource)) return datasource;
      // Replaced once, by whichever request sees it first; the others loop to its open.
      if (this.#open.get(id) === cached) this.#open.delete(id);
    }
  }

  #startOpening(entry: DatasourceEntry): Promise<Datasource> {
    const opening = this.host.datasources.open(entry.url);
    this.#open.set(entry.id, opening);
    opening.catch(() => {
      if (this.#open.get(entry.id) === opening) this.#open.delete(entry.id);
    });
    return opening;
  }

  /**
   * Runs `fn` with the datasource; when it was closed under us (its plugin was disabled or
   * reloaded meanwhile), opens it again once and retries.
   */
  async use<T>(id: string, fn: (datasource: Datasource) => Promise<T>): Promise<T> {
    const datasource = await this.get(id);
    try {
      return await fn(datasource);
    } catch (error) {
      if (!isNocofloError(error, Errors.DatasourceClosed)) throw error;
      this.#stale.add(datasource);
      return fn(await this.get(id));
    }
  }

  /** Closes every datasource the server opened. */
  async closeAll(): Promise<void> {
    const opened = [...this.#open.values()];
    this.#open.clear();
    await Promise.allSettled(opened.map(async (p) => (await p).close()));
  }
}
