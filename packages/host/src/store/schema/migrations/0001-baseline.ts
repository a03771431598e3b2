/**
 * The tables of the 0.1.0 release, exactly as it created them on each dialect. A store that
 * release created already has them (`IF NOT EXISTS` makes this a no-op there, and the
 * migrator records it as applied); a new store gets them here.
 */
import type { HostMigration } from './types.js';

export const baseline: HostMigration = {
  async up(db, { types }) {
    await db.schema
      .createTable('plugin_state')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('enabled', types.bool, (c) => c.notNull())
      .addColumn('first_seen_at', types.time, (c) => c.notNull())
      .addColumn('updated_at', types.time, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('plugin_config')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('config', types.json, (c) => c.notNull())
      .addColumn('updated_at', types.time, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('plugin_migrations')
      .ifNotExists()
      .addColumn('plugin', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('file', 'text', (c) => c.notNull())
      .addColumn('checksum', 'text', (c) => c.notNull())
      .addColumn('applied_at', types.time, (c) => c.notNull())
      .addPrimaryKeyConstraint('plugin_migrations_pkey', ['plugin', 'id'])
      .execute();
    await db.schema
      .createTable('view_preferences')
      .ifNotExists()
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('view', 'text', (c) => c.notNull())
      .addColumn('updated_at', types.time, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('api_tokens')
      .ifNotExists()
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('permissions', types.json, (c) => c.notNull())
      .addColumn('created_at', types.time, (c) => c.notNull())
      .execute();
  },
};
