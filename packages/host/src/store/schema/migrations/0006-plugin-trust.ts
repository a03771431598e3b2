/**
 * What the operator decided about each plugin's code: the isolation level and heap limit
 * set with `nocoflo plugins set-isolation`, and the manifest permissions approved on install
 * (with the version they were approved for, by whom and when).
 */
import type { HostMigration } from './types.js';

export const pluginTrust: HostMigration = {
  async up(db, { types }) {
    await db.schema
      .createTable('plugin_trust')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('isolation', 'text')
      .addColumn('max_heap_mb', 'integer')
      .addColumn('approved_permissions', types.json)
      .addColumn('approved_version', 'text')
      .addColumn('approved_by', 'text')
      .addColumn('approved_at', types.time)
      .addColumn('updated_at', types.time, (c) => c.notNull())
      .execute();
  },
};
