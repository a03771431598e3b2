/**
 * Where a plugin found in a plugin directory lives now, for a reload. A plugin folder that
 * is a symlink (`npm link`, `nocoflo dev`) may have been pointed elsewhere since discovery.
 */
import { realPath } from './real-path.js';
import type { PluginLocation } from './types.js';

/**
 * The plugin's location today: `location` itself when the path it was found at still
 * resolves to the same folder (one realpath call, the common case of every reload);
 * otherwise what `rescan` finds for it (a full discovery, only when the link or folder
 * changed), or `undefined` when nothing is found.
 */
export function relocate(
  location: PluginLocation,
  rescan: () => PluginLocation | undefined,
): PluginLocation | undefined {
  if (location.foundAt) {
    try {
      if (realPath(location.foundAt) === location.dir) return location;
    } catch {
      // Gone or renamed: the rescan looks for the plugin by name.
    }
  }
  return rescan();
}
