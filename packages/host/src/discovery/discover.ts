/**
 * Discovery: find plugin folders, read and validate their package.json files, and settle
 * names found twice. The result says, for every plugin name, either what to load or why
 * it cannot be loaded.
 */
import { isAbsolute, resolve } from 'node:path';
import { Errors, NocofloError, type SerializedNocofloError } from '@nocoflo/sdk';
import { findDirectoryLocations, findNodeModulesLocations } from './find-locations.js';
import { readCandidate } from './read-candidate.js';
import type { Candidate } from './types.js';

/** Where to look. */
export interface DiscoverOptions {
  root: string;
  pluginDirs: readonly string[];
  scanNodeModules: boolean;
  hostVersion: string;
}

/** Resolves plugin directories against the root. */
export function resolvePluginDirs(root: string, pluginDirs: readonly string[]): string[] {
  return pluginDirs.map((dir) => (isAbsolute(dir) ? dir : resolve(root, dir)));
}

/**
 * Finds every plugin. A name found in both node_modules and a plugin directory is one
 * plugin: the directory copy wins, with a warning. A name found twice in places of the
 * same kind is ambiguous and rejected.
 */
export function discover(options: DiscoverOptions): Candidate[] {
  const locations = [
    ...(options.scanNodeModules ? findNodeModulesLocations(options.root) : []),
    ...findDirectoryLocations(resolvePluginDirs(options.root, options.pluginDirs)),
  ];
  const seenDirs = new Set<string>();
  const byName = new Map<string, Candidate[]>();
  for (const location of locations) {
    if (seenDirs.has(location.dir)) continue; // a plugin dir that is itself a node_modules symlink target
    seenDirs.add(location.dir);
    const candidate = readCandidate(location, options.hostVersion);
    if (!candidate) continue;
    const list = byName.get(candidate.name) ?? [];
    list.push(candidate);
    byName.set(candidate.name, list);
  }
  return [...byName.values()].map(settleDuplicates).sort((a, b) => a.name.localeCompare(b.name));
}

function settleDuplicates(copies: Candidate[]): Candidate {
  const first = copies[0]!;
  if (copies.length === 1) return first;
  const directories = copies.filter((c) => c.location.source === 'directory');
  const winners = directories.length > 0 ? directories : copies;
  if (winners.length > 1) {
    const error = NocofloError.create(Errors.AmbiguousPlugin, [
      first.name,
      winners.map((c) => c.location.dir),
    ]);
    return {
      ok: false,
      name: first.name,
      version: first.version,
      location: winners[0]!.location,
      error: error.toJSON() as SerializedNocofloError,
      warnings: [],
    };
  }
  const kept = winners[0]!;
  const ignored = copies.filter((c) => c !== kept);
  const notes = ignored.map(
    (other) =>
      NocofloError.create(Errors.DuplicatePlugin, [kept.name, kept.location.dir, other.location.dir]).message,
  );
  return { ...kept, warnings: [...kept.warnings, ...notes] };
}
