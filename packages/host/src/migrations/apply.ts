/**
 * Applies a plugin's pending migrations to the metadata store, before its `setup`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Errors, errorMessage, isNocofloError, type Logger, NocofloError, silentLogger } from '@nocoflo/sdk';
import { isMetadataStore, type MetadataDialect } from '../store/metadata.js';
import type { PluginStateStore } from '../store/types.js';
import { readPluginMigrations } from './discover.js';

/** Arguments of {@link applyPluginMigrations}. */
export interface ApplyPluginMigrationsOptions {
  /** The host's store; nothing happens unless it is a full metadata store. */
  store: PluginStateStore | undefined;
  /** The plugin: name, folder, and the manifest's `migrations` folder if it names one. */
  plugin: {
    /** Plugin name. */
    name: string;
    /** The plugin's folder; without one there is nothing to migrate. */
    path?: string | undefined;
    /** The manifest's `migrations` folder, relative to `path`. */
    migrations?: string | undefined;
  };
  /** Which variant files to use. Default: the store's dialect. */
  dialect?: MetadataDialect;
  /** Where "applied 0002_x" lines go. */
  logger?: Logger;
}

/** The `nocoflo.migrations` folder named in a plugin's package.json, if any. */
async function manifestMigrations(path: string): Promise<string | undefined> {
  try {
    const json = JSON.parse(await readFile(join(path, 'package.json'), 'utf8')) as {
      nocoflo?: { migrations?: unknown };
    };
    const folder = json.nocoflo?.migrations;
    return typeof folder === 'string' ? folder : undefined;
  } catch {
    return undefined; // discovery already validated the manifest; no package.json means no override
  }
}

/** What {@link applyPluginMigrations} did. */
export interface ApplyPluginMigrationsResult {
  /** Ids applied now, in order. */
  applied: string[];
}

/**
 * Checks the plugin's applied migrations against the files and applies the pending ones in
 * order, each in its own transaction together with its record. Safe to call on every start
 * and reload: applied migrations are skipped.
 *
 * @example
 * ```ts
 * import { applyPluginMigrations, openMetadataStore } from '@nocoflo/host';
 *
 * const store = await openMetadataStore('.nocoflo/metadata.db');
 * const { applied } = await applyPluginMigrations({ store, plugin: { name: '@acme/audit', path: './plugins/audit' } });
 * console.log(`applied ${applied.join(', ') || 'nothing'}`);
 * ```
 * @throws NocofloError `NCF_MIGRATION_CHANGED` when an applied migration's file changed since
 * (naming the file); `NCF_MIGRATION_FAILED` when one fails (it is rolled back, the later
 * ones are not run); `NCF_MIGRATION_INVALID` for badly named files. Fail only this plugin.
 */
export async function applyPluginMigrations(
  options: ApplyPluginMigrationsOptions,
): Promise<ApplyPluginMigrationsResult> {
  const { store, plugin } = options;
  const logger = options.logger ?? silentLogger;
  if (!isMetadataStore(store) || plugin.path === undefined) return { applied: [] };
  const dialect = options.dialect ?? store.dialect;
  const onDisk = await readPluginMigrations(
    {
      name: plugin.name,
      path: plugin.path,
      migrations: plugin.migrations ?? (await manifestMigrations(plugin.path)),
    },
    dialect,
  );
  const applied = new Map((await store.appliedMigrations(plugin.name)).map((m) => [m.id, m]));

  for (const migration of onDisk) {
    const record = applied.get(migration.id);
    if (record && record.checksum !== migration.checksum) {
      throw NocofloError.create(
        Errors.MigrationChanged,
        [plugin.name, migration.file, record.checksum, migration.checksum],
        { details: { plugin: plugin.name, file: migration.file, migration: migration.id } },
      );
    }
  }
  const known = new Set(onDisk.map((m) => m.id));
  for (const id of applied.keys()) {
    if (!known.has(id))
      logger.warn(`${plugin.name}: applied migration ${id} has no file any more`, { plugin: plugin.name });
  }

  const done: string[] = [];
  for (const migration of onDisk) {
    if (applied.has(migration.id)) continue;
    try {
      const outcome = await store.applyMigration(plugin.name, migration);
      if (outcome === 'applied') {
        done.push(migration.id);
        logger.info(`${plugin.name}: applied migration ${migration.file}`, { plugin: plugin.name });
      }
    } catch (error) {
      if (isNocofloError(error, Errors.MetadataStoreFailed)) throw error;
      throw NocofloError.create(Errors.MigrationFailed, [plugin.name, migration.file, errorMessage(error)], {
        cause: error,
        details: { plugin: plugin.name, file: migration.file, migration: migration.id },
      });
    }
  }
  return { applied: done };
}
