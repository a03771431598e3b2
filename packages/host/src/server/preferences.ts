/**
 * The per-table view choice kept in memory, for servers without a metadata store.
 */
import type { ViewPreferences } from './types.js';

/** Key of a table's view preference: datasource URL and table name. */
export function preferenceKey(datasourceUrl: string, table: string): string {
  return `${datasourceUrl}#${table}`;
}

/** View preferences in a Map; forgotten when the process ends. */
export class MemoryViewPreferences implements ViewPreferences {
  readonly #choices = new Map<string, string>();

  async readViewPreference(key: string): Promise<string | undefined> {
    return this.#choices.get(key);
  }

  async writeViewPreference(key: string, view: string | undefined): Promise<void> {
    if (view === undefined) this.#choices.delete(key);
    else this.#choices.set(key, view);
  }
}
