/**
 * Per-plugin SQL migrations: `migrations/NNNN_name.sql` in a plugin folder, applied to the
 * metadata store before the plugin's `setup`, each in a transaction, recorded with a sha256.
 */
export {
  type ApplyPluginMigrationsOptions,
  type ApplyPluginMigrationsResult,
  applyPluginMigrations,
} from './apply.js';
export { type MigrationSource, readPluginMigrations } from './discover.js';
