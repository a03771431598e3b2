import { join } from 'node:path';

/**
 * A plugin's data folder (`ctx.dataDir`) below the host's: `<dataDir>/plugins/<name>`, with
 * a scope's `@` dropped and its `/` turned into `__` (`@acme/audit` → `acme__audit`).
 */
export function pluginDataDir(hostDataDir: string, plugin: string): string {
  return join(hostDataDir, 'plugins', plugin.replace(/^@/, '').replace('/', '__'));
}
