/**
 * Who changed a plugin's config and when, and the store's small settings (which key its
 * secrets are encrypted with, the seed of the plugin roles' passwords).
 */
import type { HostMigration } from './types.js';

export const configChangesAndSettings: HostMigration = {
  async up(db, { types }) {
    await db.schema
      .createTable('plugin_config_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('plugin', 'text', (c) => c.notNull())
      .addColumn('changed_at', types.time, (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('fields', types.json, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('plugin_config_changes_plugin')
      .on('plugin_config_changes')
      .columns(['plugin', 'changed_at'])
      .execute();
    await db.schema
      .createTable('store_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', types.time, (c) => c.notNull())
      .execute();
  },
};
