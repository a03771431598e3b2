/**
 * Plugin namespaces: each plugin's SQL runs in its own SQLite file or PostgreSQL schema.
 * Migrations recorded before this ran in the host's store (`location = 'host'`); their
 * tables move into the plugin's namespace the next time the plugin starts.
 */
import type { HostMigration } from './types.js';

export const pluginNamespaces: HostMigration = {
  async up(db, { types }) {
    await db.schema
      .alterTable('plugin_migrations')
      .addColumn('location', 'text', (c) => c.notNull().defaultTo('host'))
      .execute();
    await db.schema
      .createTable('plugin_namespaces')
      .addColumn('plugin', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', types.time, (c) => c.notNull())
      .execute();
  },
};
