/**
 * What the host persists between runs: which plugins an operator enabled or disabled, and
 * per-plugin config. The default store keeps this in memory; `@nocoflo/host` also ships a
 * SQLite file store and a PostgreSQL store for several hosts (see `openMetadataStore`).
 */

/** The persisted choice for one plugin. */
export interface StoredPluginState {
  /** Plugin name. */
  name: string;
  /** Version last seen. */
  version: string;
  /** Whether the operator wants it enabled. A plugin seen for the first time is enabled. */
  enabled: boolean;
  /** When the plugin was first seen (ISO 8601). */
  firstSeenAt: string;
  /** When the choice last changed (ISO 8601). */
  updatedAt: string;
}

/** The plugin-state part of the metadata store, which the plugin lifecycle relies on. */
export interface PluginStateStore {
  /** Every stored plugin state, by name. */
  readPluginStates(): Promise<Map<string, StoredPluginState>>;
  /** Records a plugin's version and enabled choice (transactionally). */
  writePluginState(name: string, version: string, enabled: boolean): Promise<void>;
  /** The stored config of a plugin, or undefined when none was set. */
  readPluginConfig(name: string): Promise<unknown>;
  /** Stores a plugin's config (already validated). `undefined` removes it. */
  writePluginConfig(name: string, config: unknown): Promise<void>;
  /**
   * Subscribes to changes made by other hosts sharing this store (PostgreSQL). Stores
   * that only one host can use may ignore it. Returns an unsubscribe function.
   */
  onExternalChange?(listener: (change: { plugin: string; kind: 'state' | 'config' }) => void): () => void;
  /** Releases the store. Idempotent. */
  close(): Promise<void>;
}
