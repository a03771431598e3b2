/**
 * Step one of discovery: find the folders that may hold plugins. Only package.json files
 * are read here and in `read-candidate.ts`; no plugin code runs during discovery.
 *
 * Reads are synchronous on purpose: discovery runs at start and on rescan, and for a
 * thousand packages sync reads take a fraction of the time of `fs.promises` (no thread
 * pool round trip per file).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PLUGIN_KEYWORD } from '@nocoflo/sdk';
import { realPath } from './real-path.js';
import type { PluginLocation } from './types.js';

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory(); // follows symlinks, as pnpm lays packages out
  } catch {
    return false;
  }
}

/**
 * A cheap test before JSON.parse: a package without the keyword in its text cannot be a
 * plugin. Reading `<dir>/package.json` directly (following symlinks) also answers whether
 * `dir` is a package folder, without a stat per entry.
 */
function readIfPlugin(packageJsonPath: string): string | undefined {
  try {
    const text = readFileSync(packageJsonPath, 'utf8');
    return text.includes(PLUGIN_KEYWORD) ? text : undefined;
  } catch {
    return undefined; // not a folder, no package.json, or unreadable: not a plugin
  }
}

/**
 * Package folders in `node_modules` (scoped ones included) whose package.json mentions the
 * plugin keyword. Whether the keyword really is in `keywords` is checked when reading.
 */
export function findNodeModulesLocations(root: string): PluginLocation[] {
  const nodeModules = join(root, 'node_modules');
  const found: PluginLocation[] = [];
  const consider = (dir: string) => {
    const packageJson = readIfPlugin(join(dir, 'package.json'));
    if (packageJson !== undefined) found.push({ dir: realPath(dir), source: 'node_modules', packageJson });
  };
  for (const entry of listDir(nodeModules).sort()) {
    if (entry.startsWith('.')) continue; // .bin, .pnpm, .cache
    if (entry.startsWith('@')) {
      for (const scoped of listDir(join(nodeModules, entry)).sort())
        consider(join(nodeModules, entry, scoped));
    } else {
      consider(join(nodeModules, entry));
    }
  }
  return found;
}

/** Every folder directly inside the plugin directories that holds a package.json. */
export function findDirectoryLocations(pluginDirs: readonly string[]): PluginLocation[] {
  const found: PluginLocation[] = [];
  for (const pluginDir of pluginDirs) {
    for (const entry of listDir(pluginDir).sort()) {
      if (entry.startsWith('.') || entry === 'node_modules') continue;
      const dir = join(pluginDir, entry);
      if (!isDirectory(dir)) continue;
      try {
        statSync(join(dir, 'package.json'));
      } catch {
        continue;
      }
      found.push({ dir: realPath(dir), source: 'directory', foundAt: dir });
    }
  }
  return found;
}
