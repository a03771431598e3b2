import { join } from 'node:path';

/**
 * A plugin's data folder (`ctx.dataDir`) below the host's: `<dataDir>/plugins/<name>`, with
 * a scope's `@` dropped and its `/` turned into `__` (`@acme/audit` → `acme__audit`). Any
 * other character that is not a letter, digit, `.`, `_` or `-` becomes `_`, and a name made
 * of dots gets a `_` in front, so no plugin name (a registered plugin's name is not checked
 * like a package's) can point the folder at the host's own files (`..`, `/`, `\`).
 */
export function pluginDataDir(hostDataDir: string, plugin: string): string {
  let folder = plugin
    .replace(/^@/, '')
    .replace('/', '__')
    .replace(/[^A-Za-z0-9._-]/g, '_');
  if (folder === '' || folder.startsWith('.')) folder = `_${folder}`;
  return join(hostDataDir, 'plugins', folder);
}
