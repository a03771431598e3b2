import { SqliteNamespace } from '../namespaces/sqlite-namespace.js';
import type { NamespaceOptions, PluginNamespace } from '../namespaces/types.js';
import type { AppliedMigration, ApplyMigrationOutcome, PendingMigration } from './metadata.js';
import { withApproval, withIsolationChange } from './trust.js';
import type {
  PermissionApproval,
  PluginDataStore,
  PluginIsolationChange,
  PluginStateStore,
  StoredPluginState,
  StoredPluginTrust,
} from './types.js';

/**
 * A store that forgets everything when the process ends: the default for tests and for
 * hosts created without a store. Each plugin's namespace is an in-memory SQLite database
 * of its own, with its migrations applied and recorded like in a file store.
 */
export class MemoryStore implements PluginStateStore, PluginDataStore {
  readonly dialect = 'sqlite' as const;
  readonly #states = new Map<string, StoredPluginState>();
  readonly #configs = new Map<string, unknown>();
  readonly #migrations = new Map<string, AppliedMigration[]>();
  readonly #namespaces = new Map<string, SqliteNamespace>();
  readonly #trust = new Map<string, StoredPluginTrust>();

  async readPluginStates(): Promise<Map<string, StoredPluginState>> {
    return new Map([...this.#states].map(([name, state]) => [name, { ...state }]));
  }

  async writePluginState(name: string, version: string, enabled: boolean): Promise<void> {
    const now = new Date().toISOString();
    const previous = this.#states.get(name);
    this.#states.set(name, {
      name,
      version,
      enabled,
      firstSeenAt: previous?.firstSeenAt ?? now,
      updatedAt: now,
    });
  }

  async readPluginConfig(name: string): Promise<unknown> {
    return structuredClone(this.#configs.get(name));
  }

  async writePluginConfig(name: string, config: unknown): Promise<void> {
    if (config === undefined) this.#configs.delete(name);
    else this.#configs.set(name, structuredClone(config));
  }

  async readPluginTrust(): Promise<Map<string, StoredPluginTrust>> {
    return new Map([...this.#trust].map(([name, trust]) => [name, structuredClone(trust)]));
  }

  async writePluginIsolation(name: string, change: PluginIsolationChange): Promise<void> {
    this.#trust.set(name, withIsolationChange(this.#trust.get(name), name, change));
  }

  async writePermissionApproval(name: string, approval: Omit<PermissionApproval, 'at'>): Promise<void> {
    this.#trust.set(name, withApproval(this.#trust.get(name), name, structuredClone(approval)));
  }

  async appliedMigrations(plugin: string): Promise<AppliedMigration[]> {
    return (this.#migrations.get(plugin) ?? []).map((m) => ({ ...m }));
  }

  async applyMigration(
    plugin: string,
    migration: PendingMigration,
    namespace: PluginNamespace,
  ): Promise<ApplyMigrationOutcome> {
    const records = this.#migrations.get(plugin) ?? [];
    if (records.some((m) => m.id === migration.id)) return 'already-applied';
    await namespace.migrate(migration);
    records.push({
      plugin,
      id: migration.id,
      file: migration.file,
      checksum: migration.checksum,
      appliedAt: new Date().toISOString(),
      location: 'plugin',
    });
    records.sort((a, b) => a.id.localeCompare(b.id));
    this.#migrations.set(plugin, records);
    return 'applied';
  }

  /**
   * The plugin's in-memory SQLite database (its data folder is not used). It lives as long
   * as the store, like the migration records that describe it: closing a handle keeps it.
   */
  async openNamespace(plugin: string, _options: NamespaceOptions): Promise<PluginNamespace> {
    let namespace = this.#namespaces.get(plugin);
    if (!namespace) {
      namespace = SqliteNamespace.open(plugin, { memory: true });
      this.#namespaces.set(plugin, namespace);
    }
    const shared = namespace;
    return {
      plugin,
      dialect: 'sqlite',
      location: 'memory',
      query: (sql, params) => shared.query(sql, params),
      transaction: (statements) => shared.transaction(statements),
      migrate: (migration) => shared.migrate(migration),
      close: async () => {},
    };
  }

  /** Drops every plugin's in-memory database. */
  async close(): Promise<void> {
    for (const namespace of this.#namespaces.values()) await namespace.close();
    this.#namespaces.clear();
  }
}
