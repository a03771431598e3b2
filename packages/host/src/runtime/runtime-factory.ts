/**
 * Chooses and creates the runtime a plugin's code runs in.
 */

import { loadEntry } from '../lifecycle/load-entry.js';
import type { PluginRecord } from '../lifecycle/plugin-record.js';
import { InlineRuntime } from './inline-runtime.js';
import type { PluginRuntime, RuntimeOptions } from './types.js';

/** Creates runtimes for records. */
export class RuntimeFactory {
  /** The runtime for `record`. */
  create(record: PluginRecord, options: RuntimeOptions): PluginRuntime {
    return new InlineRuntime({
      ...options,
      loadDefinition: async () => {
        if (!record.definition) {
          if (!record.location || !record.manifest) throw new Error('plugin has neither code nor a location');
          record.definition = await loadEntry(record.name, record.location.dir, record.manifest.entry);
        }
        return record.definition;
      },
    });
  }
}
