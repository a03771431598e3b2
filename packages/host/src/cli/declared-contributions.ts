/**
 * What `nocoflo plugins list` shows without a running server: the contributions each plugin
 * declares in its definition (views, datasources, hook taps), read by loading its entry, so
 * the local list agrees with the admin API's for every plugin that registers statically.
 * Contributions registered in `setup` appear only in a running host's list.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, type PluginInfo } from '@nocoflo/sdk';
import { loadEntry } from '../lifecycle/load-entry.js';

/** The entry path of the plugin package at `dir`, from its package.json. */
function entryOf(dir: string): string | undefined {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    nocoflo?: { entry?: string };
  };
  return manifest.nocoflo?.entry;
}

/**
 * Fills `contributions` of each plugin that is not failed from its declarations. A plugin
 * whose entry cannot be loaded keeps empty contributions and gets a warning saying why.
 */
export async function withDeclaredContributions(plugins: readonly PluginInfo[]): Promise<PluginInfo[]> {
  const filled: PluginInfo[] = [];
  for (const plugin of plugins) {
    if (plugin.state === 'failed' || plugin.path === undefined) {
      filled.push(plugin);
      continue;
    }
    try {
      const entry = entryOf(plugin.path);
      if (entry === undefined) throw new Error('its package.json names no nocoflo.entry');
      const definition = await loadEntry(plugin.name, plugin.path, entry);
      filled.push({
        ...plugin,
        contributions: {
          views: (definition.views ?? []).map((v) => v.name),
          datasources: (definition.datasources ?? []).map((d) => d.name),
          services: [...plugin.contributions.services],
          hooks: Object.keys(definition.hooks ?? {}),
        },
        permissions: definition.permissions ?? plugin.permissions,
      });
    } catch (error) {
      filled.push({
        ...plugin,
        warnings: [
          ...plugin.warnings,
          `could not load its entry to list its contributions: ${errorMessage(error)}`,
        ],
      });
    }
  }
  return filled;
}
