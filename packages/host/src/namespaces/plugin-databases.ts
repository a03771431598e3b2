/**
 * The host's side of `ctx.database`: one namespace per plugin, opened on first use (the
 * migration runner's or the plugin's), kept across reloads, closed when the plugin leaves
 * the host or the host stops. {@link PluginDatabases.databaseFor} builds the context member:
 * a small frozen object whose calls carry plain data only, so it crosses a worker boundary.
 */
import {
  Errors,
  NocofloError,
  type PluginDatabase,
  type PluginQueryResult,
  type PluginStatement,
  type SqlValue,
} from '@nocoflo/sdk';
import type { MetadataDialect } from '../store/metadata.js';
import { isPluginDataStore, type PluginStateStore } from '../store/types.js';
import type { PluginNamespace } from './types.js';

/** Every plugin's namespace, opened lazily. */
export class PluginDatabases {
  readonly #store: PluginStateStore;
  readonly #open = new Map<string, Promise<PluginNamespace>>();

  constructor(store: PluginStateStore) {
    this.#store = store;
  }

  /** The SQL dialect plugins write (the store's; SQLite for a store without namespaces). */
  get dialect(): MetadataDialect {
    return isPluginDataStore(this.#store) ? this.#store.dialect : 'sqlite';
  }

  /**
   * The plugin's namespace, opened (and created) on first call.
   *
   * @throws NocofloError `NCF_NAMESPACE_FAILED` when the store keeps no namespaces or opening fails.
   */
  namespace(plugin: string, dataDir: string): Promise<PluginNamespace> {
    let opening = this.#open.get(plugin);
    if (!opening) {
      const store = this.#store;
      opening = isPluginDataStore(store)
        ? store.openNamespace(plugin, { dataDir })
        : Promise.reject(
            NocofloError.create(Errors.NamespaceFailed, [
              plugin,
              '(none)',
              'open',
              "this host's store keeps no plugin data (give the host a metadata store, or none for the in-memory default)",
            ]),
          );
      this.#open.set(plugin, opening);
      // A failed open is retried on the next call.
      opening.catch(() => {
        if (this.#open.get(plugin) === opening) this.#open.delete(plugin);
      });
    }
    return opening;
  }

  /**
   * The `ctx.database` of one loaded copy of a plugin. `live()` says whether that copy is
   * still the loaded one: calls from a disposed context are refused with `NCF_CONTEXT_DISPOSED`.
   */
  databaseFor(plugin: string, dataDir: string, live: () => boolean): PluginDatabase {
    const namespace = async (operation: string) => {
      if (!live()) throw NocofloError.create(Errors.ContextDisposed, [plugin, `database.${operation}`]);
      return this.namespace(plugin, dataDir);
    };
    return Object.freeze({
      dialect: this.dialect,
      async query<R = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]) {
        if (typeof sql !== 'string')
          throw NocofloError.create(Errors.BadRequest, ['ctx.database.query(sql): sql must be a string']);
        const result = await (await namespace('query')).query(sql, params ?? []);
        return result as PluginQueryResult<R>;
      },
      async transaction(statements: readonly PluginStatement[]) {
        if (!Array.isArray(statements)) {
          throw NocofloError.create(Errors.BadRequest, [
            'ctx.database.transaction(statements): pass an array of { sql, params }',
          ]);
        }
        return (await namespace('transaction')).transaction(statements);
      },
    });
  }

  /** Closes a plugin's namespace (it leaves the host); the next use opens it again. */
  async close(plugin: string): Promise<void> {
    const opening = this.#open.get(plugin);
    this.#open.delete(plugin);
    const namespace = await opening?.catch(() => undefined);
    await namespace?.close().catch(() => {});
  }

  /** Closes every namespace (the host stops). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.#open.keys()].map((plugin) => this.close(plugin)));
  }
}
