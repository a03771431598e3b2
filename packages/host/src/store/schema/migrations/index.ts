/**
 * The host store's migrations, in order. To change the store's schema (new tables for
 * users, sessions, audit…): add a file `NNNN-what.ts` exporting a {@link HostMigration}
 * written with Kysely's schema builder and `types` for booleans / times / JSON, append it
 * here under the next number, and extend `../tables.ts`. Never edit or reorder a released
 * step: stores record each one by name.
 */
import { baseline } from './0001-baseline.js';
import { pluginNamespaces } from './0002-plugin-namespaces.js';
import { configChangesAndSettings } from './0003-config-changes-and-settings.js';
import { accountsAndAudit } from './0004-accounts-and-audit.js';
import { installedPackages } from './0005-installed-packages.js';
import { pluginTrust } from './0006-plugin-trust.js';
import type { HostMigration } from './types.js';

export type { HostMigration, HostMigrationContext } from './types.js';

/** Every host migration by name; names sort in the order they run. */
export const HOST_MIGRATIONS: Readonly<Record<string, HostMigration>> = {
  '0001_baseline': baseline,
  '0002_plugin_namespaces': pluginNamespaces,
  '0003_config_changes_and_settings': configChangesAndSettings,
  '0004_accounts_and_audit': accountsAndAudit,
  '0005_installed_packages': installedPackages,
  '0006_plugin_trust': pluginTrust,
};
