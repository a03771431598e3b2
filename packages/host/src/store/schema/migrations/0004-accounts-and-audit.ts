/**
 * Accounts and the audit trail: users (scrypt password hashes), sessions (in the store, so
 * hosts sharing a PostgreSQL store share sign-ins), grants that narrow a user's role per
 * datasource or table, the owner / rights / expiry of API tokens, per-user view
 * preferences, and the append-only audit log.
 */
import type { HostMigration } from './types.js';

export const accountsAndAudit: HostMigration = {
  async up(db, { types }) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('created_at', types.time, (c) => c.notNull())
      .addColumn('updated_at', types.time, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('data', types.json, (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('expires_at', types.time, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
    await db.schema
      .createTable('grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('datasource', 'text', (c) => c.notNull())
      // '*' for every table of the datasource.
      .addColumn('table_name', 'text', (c) => c.notNull())
      .addColumn('access', 'text', (c) => c.notNull())
      .addColumn('created_at', types.time, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('grants_target')
      .on('grants')
      .columns(['user_id', 'datasource', 'table_name'])
      .unique()
      .execute();
    await db.schema.alterTable('api_tokens').addColumn('user_id', 'text').execute();
    await db.schema.alterTable('api_tokens').addColumn('role', 'text').execute();
    await db.schema.alterTable('api_tokens').addColumn('expires_at', types.time).execute();
    await db.schema
      .createTable('user_view_preferences')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('view', 'text', (c) => c.notNull())
      .addColumn('settings', types.json)
      .addColumn('updated_at', types.time, (c) => c.notNull())
      .addPrimaryKeyConstraint('user_view_preferences_pk', ['user_id', 'key'])
      .execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', types.time, (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('datasource', 'text')
      .addColumn('table_name', 'text')
      .addColumn('row_key', types.json)
      .addColumn('before', types.json)
      .addColumn('after', types.json)
      .addColumn('detail', types.json)
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
  },
};
