/**
 * The metadata store's queries, written once over Kysely for SQLite and PostgreSQL. The
 * dialect-specific parts (opening, write transactions, notifications, namespaces, moving
 * legacy tables) come from the subclass.
 */
import { randomUUID } from 'node:crypto';
import { Errors, errorMessage, NocofloError } from '@nocoflo/sdk';
import type { Kysely, Transaction } from 'kysely';
import { KyselyAccountStore } from '../accounts/kysely-account-store.js';
import type { AccountStore } from '../accounts/types.js';
import { parseApproval } from '../lifecycle/permission-approval.js';
import type { NamespaceOptions, PluginNamespace } from '../namespaces/types.js';
import { crashPoint } from './crash-point.js';
import type {
  AppliedMigration,
  ApplyMigrationOutcome,
  ConfigChange,
  MetadataDialect,
  MetadataStore,
  PendingMigration,
  StoredApiToken,
} from './metadata.js';
import { codecFor, type StoreCodec } from './schema/codec.js';
import type { HostTables } from './schema/tables.js';
import type {
  InstalledPackage,
  PermissionApproval,
  PluginIsolationChange,
  StoredPackage,
  StoredPluginState,
  StoredPluginTrust,
} from './types.js';

/** A connection inside a write transaction. */
export type StoreTransaction = Kysely<HostTables> | Transaction<HostTables>;

/** What changed, for stores that tell other hosts (PostgreSQL NOTIFY). */
export type ChangeKind = 'state' | 'config' | 'package';

/** The shared implementation; see `sqlite-store.ts` and `postgres-store.ts`. */
export abstract class KyselyMetadataStore implements MetadataStore {
  abstract readonly dialect: MetadataDialect;
  readonly location: string;
  /** @internal The query builder on the store's tables. */
  protected readonly db: Kysely<HostTables>;
  /** @internal Dialect differences in stored values. */
  protected readonly codec: StoreCodec;
  #closed = false;
  #accounts: AccountStore | undefined;

  protected constructor(location: string, db: Kysely<HostTables>, dialect: MetadataDialect) {
    this.location = location;
    this.db = db;
    this.codec = codecFor(dialect);
  }

  /** @internal Runs `fn` in a write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: a pooled client). */
  protected abstract writeTransaction<T>(fn: (trx: StoreTransaction) => Promise<T>): Promise<T>;
  /**
   * @internal Runs `fn` holding the plugin's migration lock, so that hosts sharing the store apply each
   * migration once (SQLite: an IMMEDIATE transaction; PostgreSQL: a session advisory lock on
   * one connection, outside any transaction, so the namespace's own connection can commit).
   */
  protected abstract withMigrationLock<T>(
    plugin: string,
    fn: (conn: StoreTransaction) => Promise<T>,
  ): Promise<T>;
  /** @internal Tells other hosts about a change, inside its transaction (PostgreSQL: NOTIFY). */
  protected async notify(_trx: StoreTransaction, _plugin: string, _kind: ChangeKind): Promise<void> {}
  /** @internal Closes the connections. */
  protected abstract closeConnections(): Promise<void>;

  abstract openNamespace(plugin: string, options: NamespaceOptions): Promise<PluginNamespace>;
  abstract adoptLegacyObjects(
    plugin: string,
    migrations: readonly PendingMigration[],
    namespace: PluginNamespace,
  ): Promise<string[]>;

  /** @internal Whether {@link close} ran. */
  protected get closed(): boolean {
    return this.#closed;
  }

  /** @internal A store error naming the operation, for anything but a nocoflo error. */
  protected fail(operation: string, error: unknown): NocofloError {
    if (error instanceof NocofloError) return error;
    return NocofloError.create(Errors.MetadataStoreFailed, [this.location, operation, errorMessage(error)], {
      cause: error,
    });
  }

  /** @internal Runs a store operation, refusing it after close and wrapping driver errors. */
  protected async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw this.fail(operation, new Error('the store is closed'));
    try {
      return await fn();
    } catch (error) {
      throw this.fail(operation, error);
    }
  }

  #stateOf(row: {
    name: string;
    version: string;
    enabled: unknown;
    first_seen_at: unknown;
    updated_at: unknown;
  }): StoredPluginState {
    return {
      name: row.name,
      version: row.version,
      enabled: this.codec.readBool(row.enabled),
      firstSeenAt: this.codec.readTime(row.first_seen_at),
      updatedAt: this.codec.readTime(row.updated_at),
    };
  }

  async readPluginStates(): Promise<Map<string, StoredPluginState>> {
    return this.run('read plugin states', async () => {
      const rows = await this.db.selectFrom('plugin_state').selectAll().orderBy('name').execute();
      return new Map(rows.map((row) => [row.name, this.#stateOf(row)]));
    });
  }

  async writePluginState(name: string, version: string, enabled: boolean): Promise<void> {
    await this.run('write plugin state', () =>
      this.writeTransaction(async (trx) => {
        const now = new Date().toISOString();
        const result = await trx
          .insertInto('plugin_state')
          .values({ name, version, enabled: this.codec.bool(enabled), first_seen_at: now, updated_at: now })
          .onConflict((oc) =>
            oc
              .column('name')
              .doUpdateSet((eb) => ({
                version: eb.ref('excluded.version'),
                enabled: eb.ref('excluded.enabled'),
                updated_at: eb.ref('excluded.updated_at'),
              }))
              .where((eb) =>
                eb.or([
                  eb('plugin_state.version', '<>', eb.ref('excluded.version')),
                  eb('plugin_state.enabled', '<>', eb.ref('excluded.enabled')),
                ]),
              ),
          )
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) await this.notify(trx, name, 'state');
      }),
    );
  }

  async readPluginTrust(): Promise<Map<string, StoredPluginTrust>> {
    return this.run('read plugin trust', async () => {
      const rows = await this.db.selectFrom('plugin_trust').selectAll().orderBy('name').execute();
      return new Map(
        rows.map((row) => {
          const trust: StoredPluginTrust = { name: row.name, updatedAt: this.codec.readTime(row.updated_at) };
          if (isLevel(row.isolation)) trust.isolation = row.isolation;
          if (row.max_heap_mb !== null) trust.maxHeapMb = Number(row.max_heap_mb);
          if (row.approved_permissions !== null && row.approved_version !== null) {
            trust.approved = {
              permissions: this.codec.readJson(row.approved_permissions) as PermissionApproval['permissions'],
              version: row.approved_version,
              by: row.approved_by ?? 'unknown',
              at: row.approved_at === null ? trust.updatedAt : this.codec.readTime(row.approved_at),
            };
          }
          return [row.name, trust];
        }),
      );
    });
  }

  async writePluginIsolation(name: string, change: PluginIsolationChange): Promise<void> {
    await this.run('write plugin isolation', () =>
      this.writeTransaction(async (trx) => {
        const now = new Date().toISOString();
        const set: { isolation?: string | null; max_heap_mb?: number | null } = {};
        if (change.isolation !== undefined) set.isolation = change.isolation;
        if (change.maxHeapMb !== undefined) set.max_heap_mb = change.maxHeapMb;
        await trx
          .insertInto('plugin_trust')
          .values({ name, isolation: null, max_heap_mb: null, ...set, updated_at: now })
          .onConflict((oc) => oc.column('name').doUpdateSet({ ...set, updated_at: now }))
          .execute();
        // Other hosts re-read the plugin's state, and with it where it runs.
        await this.notify(trx, name, 'state');
      }),
    );
  }

  async writePermissionApproval(name: string, approval: Omit<PermissionApproval, 'at'>): Promise<void> {
    await this.run('write permission approval', () =>
      this.writeTransaction(async (trx) => {
        const now = new Date().toISOString();
        const set = {
          approved_permissions: this.codec.json(approval.permissions),
          approved_version: approval.version,
          approved_by: approval.by,
          approved_at: now,
          updated_at: now,
        };
        await trx
          .insertInto('plugin_trust')
          .values({ name, isolation: null, max_heap_mb: null, ...set })
          .onConflict((oc) => oc.column('name').doUpdateSet(set))
          .execute();
      }),
    );
  }

  async readPluginConfig(name: string): Promise<unknown> {
    return this.run('read plugin config', async () => {
      const row = await this.db
        .selectFrom('plugin_config')
        .select('config')
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? undefined : this.codec.readJson(row.config);
    });
  }

  async readPluginConfigs(): Promise<Map<string, unknown>> {
    return this.run('read plugin configs', async () => {
      const rows = await this.db
        .selectFrom('plugin_config')
        .select(['name', 'config'])
        .orderBy('name')
        .execute();
      return new Map(rows.map((row) => [row.name, this.codec.readJson(row.config)]));
    });
  }

  async writePluginConfig(name: string, config: unknown): Promise<void> {
    await this.run('write plugin config', () =>
      this.writeTransaction(async (trx) => {
        const changed =
          config === undefined
            ? (await trx.deleteFrom('plugin_config').where('name', '=', name).executeTakeFirst())
                .numDeletedRows
            : (
                await trx
                  .insertInto('plugin_config')
                  .values({ name, config: this.codec.json(config), updated_at: new Date().toISOString() })
                  .onConflict((oc) =>
                    oc
                      .column('name')
                      .doUpdateSet((eb) => ({
                        config: eb.ref('excluded.config'),
                        updated_at: eb.ref('excluded.updated_at'),
                      }))
                      .where((eb) => eb('plugin_config.config', '<>', eb.ref('excluded.config'))),
                  )
                  .executeTakeFirst()
              ).numInsertedOrUpdatedRows;
        if (Number(changed ?? 0) > 0) await this.notify(trx, name, 'config');
      }),
    );
  }

  async rewritePluginConfigs(fn: (name: string, config: unknown) => unknown): Promise<number> {
    return this.run('rewrite plugin configs', () =>
      this.writeTransaction(async (trx) => {
        const rows = await trx.selectFrom('plugin_config').select(['name', 'config']).execute();
        let changed = 0;
        for (const row of rows) {
          const next = this.codec.json(fn(row.name, this.codec.readJson(row.config)));
          await trx
            .updateTable('plugin_config')
            .set({ config: next, updated_at: new Date().toISOString() })
            .where('name', '=', row.name)
            .execute();
          await this.notify(trx, row.name, 'config');
          changed++;
        }
        return changed;
      }),
    );
  }

  async deletePlugin(name: string): Promise<void> {
    await this.run('forget plugin', () =>
      this.writeTransaction(async (trx) => {
        const state = await trx.deleteFrom('plugin_state').where('name', '=', name).executeTakeFirst();
        const config = await trx.deleteFrom('plugin_config').where('name', '=', name).executeTakeFirst();
        await trx.deleteFrom('plugin_trust').where('name', '=', name).execute();
        if (Number(state.numDeletedRows) > 0) await this.notify(trx, name, 'state');
        if (Number(config.numDeletedRows) > 0) await this.notify(trx, name, 'config');
      }),
    );
  }

  #packageOf(row: {
    name: string;
    version: string;
    integrity: string;
    size: number | string | bigint;
    permissions: unknown;
    installed_at: unknown;
  }): InstalledPackage {
    const permissions =
      row.permissions === null ? undefined : parseApproval(this.codec.readJson(row.permissions));
    return {
      name: row.name,
      version: row.version,
      integrity: row.integrity,
      size: Number(row.size),
      ...(permissions ? { permissions } : {}),
      installedAt: this.codec.readTime(row.installed_at),
    };
  }

  async listInstalledPackages(): Promise<InstalledPackage[]> {
    return this.run('read installed packages', async () => {
      const rows = await this.db
        .selectFrom('installed_packages')
        .select(['name', 'version', 'integrity', 'size', 'permissions', 'installed_at'])
        .orderBy('name')
        .execute();
      return rows.map((row) => this.#packageOf(row));
    });
  }

  async readInstalledPackage(name: string): Promise<StoredPackage | undefined> {
    return this.run('read installed package', async () => {
      const row = await this.db
        .selectFrom('installed_packages')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      if (!row) return undefined;
      const bytes = row.tarball;
      return {
        ...this.#packageOf(row),
        tarball: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      };
    });
  }

  async writeInstalledPackage(pkg: Omit<StoredPackage, 'installedAt'>): Promise<boolean> {
    return this.run('record installed package', () =>
      this.writeTransaction(async (trx) => {
        const result = await trx
          .insertInto('installed_packages')
          .values({
            name: pkg.name,
            version: pkg.version,
            integrity: pkg.integrity,
            size: pkg.tarball.byteLength,
            tarball: Buffer.from(pkg.tarball.buffer, pkg.tarball.byteOffset, pkg.tarball.byteLength),
            permissions: pkg.permissions ? this.codec.json(pkg.permissions) : null,
            installed_at: new Date().toISOString(),
          })
          .onConflict((oc) =>
            oc
              .column('name')
              .doUpdateSet((eb) => ({
                version: eb.ref('excluded.version'),
                integrity: eb.ref('excluded.integrity'),
                size: eb.ref('excluded.size'),
                tarball: eb.ref('excluded.tarball'),
                permissions: eb.ref('excluded.permissions'),
                installed_at: eb.ref('excluded.installed_at'),
              }))
              .where((eb) => eb('installed_packages.integrity', '<>', eb.ref('excluded.integrity'))),
          )
          .executeTakeFirst();
        const changed = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
        if (changed) await this.notify(trx, pkg.name, 'package');
        return changed;
      }),
    );
  }

  async deleteInstalledPackage(name: string): Promise<boolean> {
    return this.run('forget installed package', () =>
      this.writeTransaction(async (trx) => {
        const result = await trx.deleteFrom('installed_packages').where('name', '=', name).executeTakeFirst();
        const deleted = Number(result.numDeletedRows) > 0;
        if (deleted) await this.notify(trx, name, 'package');
        return deleted;
      }),
    );
  }

  async storeId(): Promise<string> {
    return this.writeSetting('store_id', randomUUID(), { onlyIfMissing: true });
  }

  async appliedMigrations(plugin: string): Promise<AppliedMigration[]> {
    return this.run('read applied migrations', async () => {
      const rows = await this.db
        .selectFrom('plugin_migrations')
        .select(['plugin', 'id', 'file', 'checksum', 'applied_at', 'location'])
        .where('plugin', '=', plugin)
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        plugin: row.plugin,
        id: row.id,
        file: row.file,
        checksum: row.checksum,
        appliedAt: this.codec.readTime(row.applied_at),
        location: row.location === 'host' ? ('host' as const) : ('plugin' as const),
      }));
    });
  }

  async applyMigration(
    plugin: string,
    migration: PendingMigration,
    namespace: PluginNamespace,
  ): Promise<ApplyMigrationOutcome> {
    if (this.#closed) throw this.fail('apply migration', new Error('the store is closed'));
    return this.withMigrationLock(plugin, async (trx) => {
      const existing = await trx
        .selectFrom('plugin_migrations')
        .select('id')
        .where('plugin', '=', plugin)
        .where('id', '=', migration.id)
        .executeTakeFirst();
      if (existing) return 'already-applied';
      // The namespace commits the SQL (and its mark) first; the record commits after it.
      await namespace.migrate(migration);
      crashPoint('migration:before-commit');
      await trx
        .insertInto('plugin_migrations')
        .values({
          plugin,
          id: migration.id,
          file: migration.file,
          checksum: migration.checksum,
          applied_at: new Date().toISOString(),
          location: 'plugin',
        })
        .execute();
      return 'applied';
    });
  }

  /** @internal Marks a plugin's legacy (`host`) migration records as moved into its namespace. */
  protected async markAdopted(trx: StoreTransaction, plugin: string): Promise<void> {
    await trx
      .updateTable('plugin_migrations')
      .set({ location: 'plugin' })
      .where('plugin', '=', plugin)
      .where('location', '=', 'host')
      .execute();
  }

  async readViewPreference(key: string): Promise<string | undefined> {
    return this.run('read view preference', async () => {
      const row = await this.db
        .selectFrom('view_preferences')
        .select('view')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.view;
    });
  }

  async writeViewPreference(key: string, view: string | undefined): Promise<void> {
    await this.run('write view preference', async () => {
      if (view === undefined) {
        await this.db.deleteFrom('view_preferences').where('key', '=', key).execute();
        return;
      }
      await this.db
        .insertInto('view_preferences')
        .values({ key, view, updated_at: new Date().toISOString() })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            view: eb.ref('excluded.view'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    });
  }

  async listViewPreferences(): Promise<Map<string, string>> {
    return this.run('read view preferences', async () => {
      const rows = await this.db
        .selectFrom('view_preferences')
        .select(['key', 'view'])
        .orderBy('key')
        .execute();
      return new Map(rows.map((row) => [row.key, row.view]));
    });
  }

  #tokenOf(row: { id: string; name: string; permissions: unknown; created_at: unknown }): StoredApiToken {
    return {
      id: row.id,
      name: row.name,
      permissions: this.codec.readJson(row.permissions) as string[],
      createdAt: this.codec.readTime(row.created_at),
    };
  }

  async insertApiToken(token: StoredApiToken, secretHash: string): Promise<void> {
    await this.run('store API token', () =>
      this.db
        .insertInto('api_tokens')
        .values({
          id: token.id,
          name: token.name,
          secret_hash: secretHash,
          permissions: this.codec.json(token.permissions),
          created_at: token.createdAt,
        })
        .execute(),
    );
  }

  async findApiToken(secretHash: string): Promise<StoredApiToken | undefined> {
    return this.run('read API token', async () => {
      const row = await this.db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'permissions', 'created_at'])
        .where('secret_hash', '=', secretHash)
        .executeTakeFirst();
      return row === undefined ? undefined : this.#tokenOf(row);
    });
  }

  async listApiTokens(): Promise<StoredApiToken[]> {
    return this.run('read API tokens', async () => {
      const rows = await this.db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'permissions', 'created_at'])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => this.#tokenOf(row));
    });
  }

  async deleteApiToken(id: string): Promise<boolean> {
    return this.run('revoke API token', async () => {
      const result = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async recordConfigChange(change: ConfigChange): Promise<void> {
    await this.run('record config change', () =>
      this.db
        .insertInto('plugin_config_changes')
        .values({
          id: randomUUID(),
          plugin: change.plugin,
          changed_at: change.changedAt,
          actor: change.actor,
          fields: this.codec.json(change.fields),
        })
        .execute(),
    );
  }

  async listConfigChanges(plugin: string, limit = 50): Promise<ConfigChange[]> {
    return this.run('read config changes', async () => {
      const rows = await this.db
        .selectFrom('plugin_config_changes')
        .select(['plugin', 'changed_at', 'actor', 'fields'])
        .where('plugin', '=', plugin)
        .orderBy('changed_at', 'desc')
        .limit(Math.max(1, Math.min(limit, 1000)))
        .execute();
      return rows.map((row) => ({
        plugin: row.plugin,
        changedAt: this.codec.readTime(row.changed_at),
        actor: row.actor,
        fields: this.codec.readJson(row.fields) as string[],
      }));
    });
  }

  async readSetting(key: string): Promise<string | undefined> {
    return this.run('read setting', async () => {
      const row = await this.db
        .selectFrom('store_settings')
        .select('value')
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.value;
    });
  }

  async writeSetting(key: string, value: string, options: { onlyIfMissing?: boolean } = {}): Promise<string> {
    return this.run('write setting', () =>
      this.writeTransaction(async (trx) => {
        const now = new Date().toISOString();
        await trx
          .insertInto('store_settings')
          .values({ key, value, updated_at: now })
          .onConflict((oc) =>
            options.onlyIfMissing
              ? oc.column('key').doNothing()
              : oc.column('key').doUpdateSet({ value, updated_at: now }),
          )
          .execute();
        const row = await trx
          .selectFrom('store_settings')
          .select('value')
          .where('key', '=', key)
          .executeTakeFirstOrThrow();
        return row.value;
      }),
    );
  }

  /** @internal Records a plugin's namespace (first open). */
  protected async recordNamespace(
    trx: StoreTransaction,
    plugin: string,
    kind: string,
    name: string,
  ): Promise<void> {
    await trx
      .insertInto('plugin_namespaces')
      .values({ plugin, kind, name, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('plugin').doNothing())
      .execute();
  }

  /** @internal Every recorded plugin namespace (for operators and test cleanup). */
  async listNamespaces(): Promise<{ plugin: string; kind: string; name: string }[]> {
    return this.run('read namespaces', () =>
      this.db.selectFrom('plugin_namespaces').select(['plugin', 'kind', 'name']).orderBy('plugin').execute(),
    );
  }

  /** Users, sessions, grants, API tokens, per-user preferences and the audit trail in this store. */
  accounts(): AccountStore {
    this.#accounts ??= new KyselyAccountStore({
      db: this.db,
      codec: this.codec,
      run: (operation, fn) => this.run(operation, fn),
    });
    return this.#accounts;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.closeConnections();
  }
}

/** Whether a stored value names an isolation level (an unknown one is ignored, not trusted). */
function isLevel(value: unknown): value is 'inline' | 'worker' | 'process' {
  return value === 'inline' || value === 'worker' || value === 'process';
}
