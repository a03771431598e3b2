/**
 * The metadata store for several hosts: PostgreSQL. Every change runs in a transaction that
 * also NOTIFYs, so the notification is delivered exactly when (and only if) the change
 * commits; each store LISTENs on a dedicated connection and tells its host about changes
 * made by the others — no polling.
 *
 * Each plugin's data lives in a schema of its own, owned by a role of its own that the host
 * creates (`nocoflo_plugin_<hash>`) and logs in as for the plugin's SQL; that role has no
 * privilege on this store's schema. The store's user therefore needs CREATEROLE.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  Errors,
  errorMessage,
  type Logger,
  NocofloError,
  redactUrl as redactSdkUrl,
  silentLogger,
} from '@nocoflo/sdk';
import { Kysely, sql } from 'kysely';
import type pg from 'pg';
import { PostgresNamespace } from '../namespaces/postgres-namespace.js';
import type { NamespaceOptions, PluginNamespace } from '../namespaces/types.js';
import { type ChangeKind, KyselyMetadataStore, type StoreTransaction } from './kysely-store.js';
import { loadPg } from './load-pg.js';
import type { PendingMigration } from './metadata.js';
import { migrateHostStore } from './schema/migrate.js';
import { HOST_TABLE_NAMES, type HostTables } from './schema/tables.js';
import { SchemaScopedPostgresDialect } from './schema-scoped-dialect.js';
import type { ExternalChangeKind } from './types.js';

/** A change another host made, as {@link PostgresMetadataStore.onExternalChange} reports it. */
export interface ExternalChange {
  /** Plugin concerned. */
  plugin: string;
  /** What changed: the plugin's enabled state, its config, or its installed package. */
  kind: ExternalChangeKind;
}

/** Options of {@link PostgresMetadataStore.open}. */
export interface PostgresStoreOptions {
  /** Schema holding the store's tables (created when missing). Default: `?schema=` of the URL, else `public`. */
  schema?: string;
  /** Where reconnect warnings go. */
  logger?: Logger;
  /** Connections in the pool. Default 4. */
  poolSize?: number;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The URL without its credentials, for messages (the SDK's one redaction function). */
export function redactUrl(url: string): string {
  return redactSdkUrl(url);
}

/** Splits nocoflo's own `schema` query parameter off a PostgreSQL URL. */
function splitSchema(url: string): { url: string; schema: string | undefined } {
  try {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? undefined;
    parsed.searchParams.delete('schema');
    return { url: parsed.toString(), schema };
  } catch {
    return { url, schema: undefined };
  }
}

/** The database name in a PostgreSQL URL (for naming plugin roles, which are cluster-wide). */
function databaseOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
  } catch {
    return 'postgres';
  }
}

/**
 * The schema (and role) name of a plugin's namespace: `nocoflo_plugin_` and 16 hex digits of
 * a hash of database, store schema and plugin name, so stores in other schemas or databases
 * of one server never share a role.
 */
export function pluginNamespaceName(database: string, storeSchema: string, plugin: string): string {
  const hash = createHash('sha256').update(`${database}\0${storeSchema}\0${plugin}`).digest('hex');
  return `nocoflo_plugin_${hash.slice(0, 16)}`;
}

/** A {@link MetadataStore} in PostgreSQL, shared by several hosts which follow each other. */
export class PostgresMetadataStore extends KyselyMetadataStore {
  /** @inheritDoc */
  readonly dialect = 'postgres' as const;
  /** Schema holding the tables. */
  readonly schema: string;
  /** Identifies this store instance in notifications, so it ignores its own. */
  readonly instanceId = randomUUID();
  /** The query builder without the schema plugin, for the migrator (which names the schema itself). */
  private readonly rawDb: Kysely<HostTables>;
  readonly #url: string;
  readonly #logger: Logger;
  readonly #channel: string;
  readonly #listeners = new Set<(change: ExternalChange) => void>();
  /** The last notification's report (never rejects): the next one is reported after it. */
  #reported: Promise<void> = Promise.resolve();
  /** Last config `updated_at` reported per plugin, so a forged NOTIFY does not reload anything. */
  readonly #configSeen = new Map<string, string>();
  #listenClient: pg.Client | undefined;
  #listening: Promise<void> | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnectDelay = 100;
  /** When the LISTEN connection was lost (local clock), until a reconnect caught up. */
  #lostAt: number | undefined;

  private constructor(url: string, schema: string, pool: pg.Pool, logger: Logger) {
    // Every query names the schema (rather than trusting search_path, which an embedded
    // single-session server shares between connections). The migrator's introspection reads
    // this schema only: other schemas may be dropped while it runs (see the dialect).
    const raw = new Kysely<HostTables>({ dialect: new SchemaScopedPostgresDialect({ pool }, schema) });
    super(redactUrl(url), raw.withSchema(schema), 'postgres');
    this.rawDb = raw;
    this.#url = url;
    this.schema = schema;
    this.#logger = logger;
    this.#channel = `nocoflo:${schema}`;
  }

  /**
   * Connects, creates the schema when missing and brings the store's tables up to date.
   *
   * @throws NocofloError `NCF_METADATA_STORE_FAILED` when PostgreSQL is unreachable or refuses,
   * or the store was migrated by a newer nocoflo.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresMetadataStore> {
    const split = splitSchema(url);
    const schema = options.schema ?? split.schema ?? 'public';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw NocofloError.create(Errors.MetadataStoreFailed, [
        redactUrl(url),
        'open',
        `schema name ${JSON.stringify(schema)} must be letters, digits and underscores`,
      ]);
    }
    const { Pool } = await loadPg();
    const pool = new Pool({
      connectionString: split.url,
      max: options.poolSize ?? 4,
      options: `-c search_path=${schema}`,
    });
    // An idle client losing its connection must not crash the host.
    pool.on('error', (error) =>
      (options.logger ?? silentLogger).warn('metadata store connection lost', { error: errorMessage(error) }),
    );
    const store = new PostgresMetadataStore(split.url, schema, pool, options.logger ?? silentLogger);
    try {
      // Hosts starting together: one creates the schema and migrates, the others wait and
      // find it done (IF NOT EXISTS alone races in the catalog).
      await store.db.connection().execute(async (conn) => {
        await sql`SELECT pg_advisory_lock(hashtext('nocoflo:metadata-schema'))`.execute(conn);
        try {
          await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).execute(conn);
          await migrateHostStore(store.rawDb, 'postgres', { schema });
        } finally {
          await sql`SELECT pg_advisory_unlock(hashtext('nocoflo:metadata-schema'))`
            .execute(conn)
            .catch(() => {});
        }
      });
    } catch (error) {
      await store.db.destroy().catch(() => {});
      throw NocofloError.create(Errors.MetadataStoreFailed, [store.location, 'open', errorMessage(error)], {
        cause: error,
      });
    }
    return store;
  }

  /** @internal */
  protected writeTransaction<T>(fn: (trx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /** @internal */
  protected withMigrationLock<T>(plugin: string, fn: (conn: StoreTransaction) => Promise<T>): Promise<T> {
    const key = `nocoflo:migrations:${this.schema}:${plugin}`;
    return this.db.connection().execute(async (conn) => {
      await sql`SELECT pg_advisory_lock(hashtext(${key}))`.execute(conn);
      try {
        return await fn(conn);
      } finally {
        await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(conn).catch(() => {});
      }
    });
  }

  /** @internal */
  protected override async notify(trx: StoreTransaction, plugin: string, kind: ChangeKind): Promise<void> {
    const payload = JSON.stringify({ origin: this.instanceId, plugin, kind });
    await sql`SELECT pg_notify(${this.#channel}, ${payload})`.execute(trx);
  }

  /** The role password of a namespace: an HMAC of its name under a random seed kept in this store. */
  async #rolePassword(role: string): Promise<string> {
    const seed = await this.writeSetting('namespace_password_seed', randomBytes(32).toString('hex'), {
      onlyIfMissing: true,
    });
    return createHmac('sha256', seed).update(role).digest('hex');
  }

  /**
   * Creates (when missing) the plugin's role and schema and checks the role can reach
   * nothing of the host's, then connects as the role. Serialised across hosts by an
   * advisory lock per namespace.
   */
  async openNamespace(plugin: string, _options: NamespaceOptions): Promise<PluginNamespace> {
    const name = pluginNamespaceName(databaseOf(this.#url), this.schema, plugin);
    const password = await this.#rolePassword(name);
    await this.run('create the namespace of a plugin', () =>
      this.writeTransaction(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`nocoflo:namespace:${name}`}))`.execute(trx);
        const role = quoteIdent(name);
        const exists = await sql<{ n: number }>`SELECT 1 AS n FROM pg_roles WHERE rolname = ${name}`.execute(
          trx,
        );
        const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS PASSWORD '${password}'`;
        if (exists.rows.length === 0) await sql.raw(`CREATE ROLE ${role} ${attributes}`).execute(trx);
        else await sql.raw(`ALTER ROLE ${role} ${attributes}`).execute(trx);
        const superuser = await sql<{
          rolsuper: boolean;
        }>`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`.execute(trx);
        // Creating a schema owned by the role needs membership in it unless the host is superuser.
        if (!superuser.rows[0]?.rolsuper) await sql.raw(`GRANT ${role} TO CURRENT_USER`).execute(trx);
        await sql.raw(`CREATE SCHEMA IF NOT EXISTS ${role} AUTHORIZATION ${role}`).execute(trx);
        await sql.raw(`REVOKE ALL ON SCHEMA ${role} FROM PUBLIC`).execute(trx);
        await sql.raw(`ALTER ROLE ${role} SET search_path = ${role}`).execute(trx);
        await this.recordNamespace(trx, plugin, 'postgres-schema', name);
        await this.#checkConfinement(trx, plugin, name);
      }),
    );
    return PostgresNamespace.open({
      plugin,
      schema: name,
      url: this.#url,
      password,
      logger: this.#logger,
    });
  }

  /**
   * Refuses to hand out a namespace whose role could reach the host's tables: a server where
   * PUBLIC was granted rights on the store's schema (CREATE, or any table privilege) would
   * let every plugin role in.
   */
  async #checkConfinement(trx: StoreTransaction, plugin: string, role: string): Promise<void> {
    const { rows } = await sql<{ can_create: boolean; tables: string[] | null }>`
      SELECT has_schema_privilege(${role}, ${this.schema}, 'CREATE') AS can_create,
             (SELECT array_agg(t.tablename::text) FROM pg_tables t
               WHERE t.schemaname = ${this.schema}
                 AND has_table_privilege(${role}, format('%I.%I', t.schemaname, t.tablename),
                                         'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER')) AS tables`.execute(
      trx,
    );
    const row = rows[0];
    const reasons: string[] = [];
    if (row?.can_create) reasons.push(`it may create objects in the store's schema ${this.schema}`);
    if (row?.tables?.length) reasons.push(`it has privileges on the store's tables ${row.tables.join(', ')}`);
    if (reasons.length > 0) {
      throw NocofloError.create(Errors.NamespaceFailed, [
        plugin,
        `schema ${role}`,
        'confine its role',
        `${reasons.join(' and ')} (granted to PUBLIC); revoke them (REVOKE CREATE ON SCHEMA ${this.schema} FROM PUBLIC; REVOKE ALL ON ALL TABLES IN SCHEMA ${this.schema} FROM PUBLIC) or give the store a schema of its own (?schema=nocoflo)`,
      ]);
    }
  }

  /**
   * Moves the plugin's legacy objects (found by replaying its migrations in its still-empty
   * schema, as its role, then rolling back) from the store's schema into its own, and gives
   * them to its role: one transaction, so a crash leaves them either here or there.
   */
  async adoptLegacyObjects(
    plugin: string,
    migrations: readonly PendingMigration[],
    namespace: PluginNamespace,
  ): Promise<string[]> {
    if (!(namespace instanceof PostgresNamespace)) {
      throw new Error('a PostgreSQL store adopts into PostgreSQL namespaces only');
    }
    const replayed = await namespace.replay(migrations);
    const target = quoteIdent(namespace.schema);
    const from = quoteIdent(this.schema);
    return this.run('move legacy tables into the namespace of a plugin', () =>
      this.writeTransaction(async (trx) => {
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`nocoflo:migrations:${this.schema}:${plugin}`}))`.execute(
          trx,
        );
        const moved: string[] = [];
        const present = await sql<{ name: string; kind: string }>`
          SELECT c.relname AS name, c.relkind AS kind FROM pg_class c
           WHERE c.relnamespace = ${this.schema}::regnamespace`.execute(trx);
        const here = new Map(present.rows.map((r) => [r.name, r.kind]));
        for (const type of replayed.types) {
          const found = await sql<{
            n: number;
          }>`SELECT 1 AS n FROM pg_type WHERE typnamespace = ${this.schema}::regnamespace AND typname = ${type}`.execute(
            trx,
          );
          if (found.rows.length === 0) continue;
          await sql.raw(`ALTER TYPE ${from}.${quoteIdent(type)} SET SCHEMA ${target}`).execute(trx);
          await sql.raw(`ALTER TYPE ${target}.${quoteIdent(type)} OWNER TO ${target}`).execute(trx);
          moved.push(type);
        }
        for (const relation of replayed.relations) {
          if (HOST_TABLE_NAMES.includes(relation.name) || here.get(relation.name) !== relation.kind) continue;
          const keyword =
            relation.kind === 'v'
              ? 'VIEW'
              : relation.kind === 'm'
                ? 'MATERIALIZED VIEW'
                : relation.kind === 'S'
                  ? 'SEQUENCE'
                  : relation.kind === 'f'
                    ? 'FOREIGN TABLE'
                    : 'TABLE';
          await sql
            .raw(`ALTER ${keyword} ${from}.${quoteIdent(relation.name)} SET SCHEMA ${target}`)
            .execute(trx);
          await sql
            .raw(`ALTER ${keyword} ${target}.${quoteIdent(relation.name)} OWNER TO ${target}`)
            .execute(trx);
          moved.push(relation.name);
        }
        for (const signature of replayed.functions) {
          const exists = await sql<{
            ok: boolean;
          }>`SELECT to_regprocedure(${`${this.schema}.${signature}`}) IS NOT NULL AS ok`.execute(trx);
          if (!exists.rows[0]?.ok) continue;
          await sql.raw(`ALTER ROUTINE ${from}.${signature} SET SCHEMA ${target}`).execute(trx);
          await sql.raw(`ALTER ROUTINE ${target}.${signature} OWNER TO ${target}`).execute(trx);
          moved.push(signature);
        }
        await this.markAdopted(trx, plugin);
        return moved;
      }),
    );
  }

  /**
   * Calls `listener` for every change another store instance commits (LISTEN on a
   * dedicated connection, reconnecting with back-off). After a reconnect, when
   * notifications may have been missed, it reports a `state` change for every stored
   * plugin and a `config` change for configs written meanwhile, so the host re-reads them.
   */
  onExternalChange(listener: (change: ExternalChange) => void): () => void {
    this.#listeners.add(listener);
    void this.listening().catch(() => {});
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Resolves once the LISTEN connection is up (starting it when needed). */
  listening(): Promise<void> {
    this.#listening ??= this.#listen(false);
    return this.#listening;
  }

  async #listen(reconnect: boolean): Promise<void> {
    const { Client } = await loadPg(); // already loaded by open(): no real wait
    if (this.closed) return;
    const client = new Client({
      connectionString: this.#url,
      application_name: `nocoflo-listen:${this.instanceId}`,
    });
    const lost = (error?: Error) => {
      if (this.#listenClient !== client) return;
      this.#listenClient = undefined;
      this.#lostAt ??= Date.now();
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (this.closed) return;
      this.#logger.warn('metadata store: lost the LISTEN connection; reconnecting', {
        error: error ? errorMessage(error) : 'connection ended',
      });
      this.#scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => this.#dispatch(message.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.#channel)}`);
    } catch (error) {
      client.removeAllListeners();
      client.on('error', () => {});
      await client.end().catch(() => {});
      if (!reconnect) throw this.fail('listen for changes', error);
      this.#scheduleReconnect();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#listenClient = client;
    this.#reconnectDelay = 100;
    if (reconnect) await this.#reportEverything();
  }

  #scheduleReconnect() {
    if (this.closed || this.#reconnectTimer) return;
    const delay = this.#reconnectDelay;
    this.#reconnectDelay = Math.min(delay * 2, 5_000);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#listening = this.#listen(true);
    }, delay);
    this.#reconnectTimer.unref();
  }

  /**
   * After a reconnect: notifications sent meanwhile are lost, so report a `state` change for
   * every stored plugin (the host compares with what it runs, so this is harmless) and a
   * `config` change for each config written during the outage (with 5 s of slack), and a
   * `package` change for every plugin stored or installed (the host compares with what it
   * has installed, so an install or uninstall made meanwhile is caught up).
   */
  async #reportEverything() {
    const outageMs = Date.now() - (this.#lostAt ?? Date.now());
    try {
      const states = await this.readPluginStates();
      const since = new Date(Date.now() - outageMs - 5_000).toISOString();
      const rows = await this.run('read changed configs', () =>
        this.db.selectFrom('plugin_config').select('name').where('updated_at', '>=', since).execute(),
      );
      const packages = await this.listInstalledPackages();
      this.#lostAt = undefined;
      for (const plugin of states.keys()) this.#emit({ plugin, kind: 'state' });
      for (const plugin of new Set([...states.keys(), ...packages.map((p) => p.name)]))
        this.#emit({ plugin, kind: 'package' });
      for (const { name } of rows) this.#emit({ plugin: name, kind: 'config' });
    } catch (error) {
      this.#logger.warn('metadata store: could not re-read after reconnecting', {
        error: errorMessage(error),
      });
    }
  }

  #dispatch(payload: string | undefined) {
    if (!payload) return;
    let parsed: { origin?: unknown; plugin?: unknown; kind?: unknown };
    try {
      parsed = JSON.parse(payload) as typeof parsed;
    } catch {
      return;
    }
    if (parsed.origin === this.instanceId || typeof parsed.plugin !== 'string') return;
    const { plugin, kind } = parsed;
    // Reported in the order they were committed: a config change is checked against the
    // store first (a query), so the changes after it wait for that check instead of
    // overtaking it (a state change had been reported before the config change made before it).
    if (kind === 'state' || kind === 'package')
      this.#reported = this.#reported.then(() => this.#emit({ plugin, kind }));
    else if (kind === 'config') this.#reported = this.#reported.then(() => this.#configChanged(plugin));
  }

  /**
   * Reports a config change only when the stored row really changed since the last report:
   * anyone allowed to connect (a plugin role too) can NOTIFY on the channel, and a forged
   * notification must not make every host reload a plugin.
   */
  async #configChanged(plugin: string): Promise<void> {
    try {
      const row = await this.db
        .selectFrom('plugin_config')
        .select('updated_at')
        .where('name', '=', plugin)
        .executeTakeFirst();
      const stamp = row ? this.codec.readTime(row.updated_at) : 'none';
      if (this.#configSeen.get(plugin) === stamp) return;
      this.#configSeen.set(plugin, stamp);
      this.#emit({ plugin, kind: 'config' });
    } catch (error) {
      if (!this.closed)
        this.#logger.warn('metadata store: could not check a config change', { error: errorMessage(error) });
    }
  }

  #emit(change: ExternalChange) {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch (error) {
        this.#logger.error('metadata store: a change listener threw', { error: errorMessage(error) });
      }
    }
  }

  /** @internal Stops listening and closes the pool. */
  protected async closeConnections(): Promise<void> {
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#listeners.clear();
    await this.#listening?.catch(() => {});
    const client = this.#listenClient;
    this.#listenClient = undefined;
    await Promise.all([client?.end().catch(() => {}), this.db.destroy().catch(() => {})]);
  }
}
