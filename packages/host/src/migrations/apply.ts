/**
 * Applies a plugin's pending migrations in its own namespace, before its `setup`, and
 * records them in the host's store (the host alone writes the records).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Errors, errorMessage, isNocofloError, type Logger, NocofloError, silentLogger } from '@nocoflo/sdk';
import { pluginDataDir } from '../namespaces/plugin-data-dir.js';
import type { PluginNamespace } from '../namespaces/types.js';
import type { MetadataDialect, PendingMigration } from '../store/metadata.js';
import { isPluginDataStore, type PluginStateStore } from '../store/types.js';
import { readPluginMigrations } from './discover.js';

/** Arguments of {@link applyPluginMigrations}. */
export interface ApplyPluginMigrationsOptions {
  /** The host's store; nothing happens unless it keeps plugin namespaces (the metadata stores, the in-memory store). */
  store: PluginStateStore | undefined;
  /** The plugin: name, folder, and the manifest's `migrations` folder if it names one. */
  plugin: {
    /** Plugin name. */
    name: string;
    /** Its version, for messages. */
    version?: string | undefined;
    /** The plugin's folder; without one there is nothing to migrate. */
    path?: string | undefined;
    /**
     * The manifest's `migrations` folder, relative to `path`; `null` when the manifest names
     * none (the default folder, `migrations`). Left out, it is read from `path`'s package.json.
     */
    migrations?: string | null | undefined;
    /**
     * The plugin's data folder, where a SQLite namespace keeps its file. Default: the
     * host's layout beside a SQLite store (`<store folder>/plugins/<name>`).
     */
    dataDir?: string | undefined;
  };
  /**
   * Opens the plugin's namespace (the host passes the one its context uses). Default: the
   * store opens one for this call and closes it afterwards.
   */
  openNamespace?: () => Promise<PluginNamespace>;
  /** Which variant files to use. Default: the store's dialect. */
  dialect?: MetadataDialect;
  /** Where "applied 0002_x" lines go. */
  logger?: Logger;
}

/** The `nocoflo.migrations` folder named in a plugin's package.json, if any. */
function manifestMigrations(path: string): string | undefined {
  try {
    // Read synchronously: one small file on every load and reload, no thread-pool round trip.
    const json = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as {
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
  /** Objects moved from the host's store into the plugin's namespace (a store from before namespaces). */
  adopted?: string[];
}

/** Errors that already say what happened, passed through as they are. */
const OWN_ERRORS = [
  Errors.MetadataStoreFailed,
  Errors.NamespaceFailed,
  Errors.SqlRefused,
  Errors.MigrationAhead,
];

/**
 * Checks the plugin's applied migrations against the files and applies the pending ones in
 * order in the plugin's own namespace, each in its own transaction there, recorded in the
 * host's store. Tables that a release before namespaces created in the host's store move
 * into the namespace first. Safe to call on every start and reload: applied migrations are
 * skipped.
 *
 * @example
 * ```ts
 * import { applyPluginMigrations, openMetadataStore } from '@nocoflo/host';
 *
 * const store = await openMetadataStore('.nocoflo/metadata.db');
 * const { applied } = await applyPluginMigrations({
 *   store,
 *   plugin: { name: '@acme/audit', path: './plugins/audit', dataDir: '.nocoflo/plugins/acme__audit' },
 * });
 * console.log(`applied ${applied.join(', ') || 'nothing'}`);
 * ```
 * @throws NocofloError `NCF_MIGRATION_CHANGED` when an applied migration's file changed since
 * (naming the file); `NCF_MIGRATION_AHEAD` when migrations this version does not have were
 * applied (by a newer version); `NCF_MIGRATION_FAILED` when one fails (it is rolled back, the later
 * ones are not run); `NCF_SQL_REFUSED` for a statement a namespace does not allow;
 * `NCF_MIGRATION_INVALID` for badly named files. Fail only this plugin.
 */
export async function applyPluginMigrations(
  options: ApplyPluginMigrationsOptions,
): Promise<ApplyPluginMigrationsResult> {
  const { store, plugin } = options;
  const logger = options.logger ?? silentLogger;
  if (!isPluginDataStore(store) || plugin.path === undefined) return { applied: [] };
  const dialect = options.dialect ?? store.dialect;
  const onDisk = await readPluginMigrations(
    {
      name: plugin.name,
      path: plugin.path,
      migrations:
        plugin.migrations === undefined ? manifestMigrations(plugin.path) : (plugin.migrations ?? undefined),
    },
    dialect,
  );
  const records = await store.appliedMigrations(plugin.name);
  const applied = new Map(records.map((m) => [m.id, m]));

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
  // The rollback rule: a version never runs on data migrated past what it knows (a failed or
  // killed upgrade put the previous version back after the new one's migrations committed).
  const known = new Set(onDisk.map((m) => m.id));
  const ahead = [...applied.keys()].filter((id) => !known.has(id)).sort();
  if (ahead.length > 0) {
    throw NocofloError.create(Errors.MigrationAhead, [plugin.name, plugin.version ?? 'this version', ahead], {
      details: { plugin: plugin.name, migrations: ahead },
    });
  }

  const legacy = onDisk.filter((m) => applied.get(m.id)?.location === 'host');
  const pending = onDisk.filter((m) => !applied.has(m.id));
  if (legacy.length === 0 && pending.length === 0) return { applied: [] };

  let namespace: PluginNamespace | undefined;
  let ownNamespace = false;
  try {
    if (options.openNamespace) namespace = await options.openNamespace();
    else {
      const dataDir =
        plugin.dataDir ??
        ('location' in store && typeof store.location === 'string' && store.dialect === 'sqlite'
          ? pluginDataDir(dirname(store.location), plugin.name)
          : pluginDataDir(join(plugin.path, '.nocoflo'), plugin.name));
      namespace = await store.openNamespace(plugin.name, { dataDir });
      ownNamespace = true;
    }

    const result: ApplyPluginMigrationsResult = { applied: [] };
    if (legacy.length > 0 && store.adoptLegacyObjects) {
      const adopted = await store.adoptLegacyObjects(plugin.name, legacy, namespace);
      result.adopted = adopted;
      logger.info(
        `${plugin.name}: moved ${adopted.length} object(s) made by its migrations before namespaces into ${namespace.location}`,
        { plugin: plugin.name, objects: adopted },
      );
    }
    for (const migration of pending) await applyOne(store, namespace, plugin.name, migration, result, logger);
    return result;
  } catch (error) {
    if (
      OWN_ERRORS.some((definition) => isNocofloError(error, definition)) ||
      isNocofloError(error, Errors.MigrationFailed)
    )
      throw error;
    throw NocofloError.create(Errors.MigrationFailed, [plugin.name, '(its namespace)', errorMessage(error)], {
      cause: error,
      details: { plugin: plugin.name },
    });
  } finally {
    if (ownNamespace) await namespace?.close();
  }
}

async function applyOne(
  store: {
    applyMigration: (
      p: string,
      m: PendingMigration,
      n: PluginNamespace,
    ) => Promise<'applied' | 'already-applied'>;
  },
  namespace: PluginNamespace,
  plugin: string,
  migration: PendingMigration,
  result: ApplyPluginMigrationsResult,
  logger: Logger,
): Promise<void> {
  try {
    const outcome = await store.applyMigration(plugin, migration, namespace);
    if (outcome === 'applied') {
      result.applied.push(migration.id);
      logger.info(`${plugin}: applied migration ${migration.file}`, { plugin });
    }
  } catch (error) {
    if (OWN_ERRORS.some((definition) => isNocofloError(error, definition))) throw error;
    throw NocofloError.create(Errors.MigrationFailed, [plugin, migration.file, errorMessage(error)], {
      cause: error,
      details: { plugin, file: migration.file, migration: migration.id },
    });
  }
}
