/**
 * Installed packages: the tarball of every plugin installed at runtime (install, upgrade),
 * with its sha512 integrity, so that every host sharing the store installs the same bytes.
 * A row removed means the plugin was uninstalled.
 */
import type { HostMigration } from './types.js';

export const installedPackages: HostMigration = {
  async up(db, { types }) {
    await db.schema
      .createTable('installed_packages')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('integrity', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('tarball', types.bytes, (c) => c.notNull())
      .addColumn('permissions', types.json)
      .addColumn('installed_at', types.time, (c) => c.notNull())
      .execute();
  },
};
