import type { PluginStateStore, StoredPluginState } from './types.js';

/**
 * A store that forgets everything when the process ends: the default for tests and for
 * hosts created without a store.
 */
export class MemoryStore implements PluginStateStore {
  readonly #states = new Map<string, StoredPluginState>();
  readonly #configs = new Map<string, unknown>();

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

  async close(): Promise<void> {}
}
