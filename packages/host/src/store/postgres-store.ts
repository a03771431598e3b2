/**
 * The metadata store for several hosts: PostgreSQL. Every change runs in a transaction that
 * also NOTIFYs, so the notification is delivered exactly when (and only if) the change
 * commits; each store LISTENs on a dedicated connection and tells its host about changes
 * made by the others — no polling.
 */
import { randomUUID } from 'node:crypto';
import { Errors, errorMessage, type Logger, NocofloError, silentLogger } from '@nocoflo/sdk';
import pg from 'pg';
import { crashPoint } from './crash-point.js';
import type {
  AppliedMigration,
  ApplyMigrationOutcome,
  MetadataStore,
  PendingMigration,
  StoredApiToken,
} from './metadata.js';
import type { StoredPluginState } from './types.js';

/** A change another host made, as {@link PostgresMetadataStore.onExternalChange} reports it. */
export interface ExternalChange {
  /** Plugin concerned. */
  plugin: string;
  /** What changed. */
  kind: 'state' | 'config';
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

const SCHEMA_SQL = (schema: string) => `
  CREATE SCHEMA IF NOT EXISTS ${schema};
  CREATE TABLE IF NOT EXISTS ${schema}.plugin_state (
    name TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ${schema}.plugin_config (
    name TEXT PRIMARY KEY,
    config JSONB NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ${schema}.plugin_migrations (
    plugin TEXT NOT NULL,
    id TEXT NOT NULL,
    file TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (plugin, id)
  );
  CREATE TABLE IF NOT EXISTS ${schema}.view_preferences (
    key TEXT PRIMARY KEY,
    view TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ${schema}.api_tokens (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    permissions JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
  );`;

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const iso = (value: Date | string) =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString();

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
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

/** A {@link MetadataStore} in PostgreSQL, shared by several hosts which follow each other. */
export class PostgresMetadataStore implements MetadataStore {
  /** @inheritDoc */
  readonly dialect = 'postgres' as const;
  /** @inheritDoc */
  readonly location: string;
  /** Schema holding the tables. */
  readonly schema: string;
  /** Identifies this store instance in notifications, so it ignores its own. */
  readonly instanceId = randomUUID();
  readonly #url: string;
  readonly #pool: pg.Pool;
  readonly #logger: Logger;
  readonly #channel: string;
  readonly #listeners = new Set<(change: ExternalChange) => void>();
  #listenClient: pg.Client | undefined;
  #listening: Promise<void> | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #reconnectDelay = 100;
  /** When the LISTEN connection was lost (local clock), until a reconnect caught up. */
  #lostAt: number | undefined;
  #closed = false;

  private constructor(url: string, schema: string, pool: pg.Pool, logger: Logger) {
    this.#url = url;
    this.location = redactUrl(url);
    this.schema = schema;
    this.#pool = pool;
    this.#logger = logger;
    this.#channel = `nocoflo:${schema}`;
  }

  /**
   * Connects, creates the schema and tables when missing.
   *
   * @throws NocofloError `NCF_METADATA_STORE_FAILED` when PostgreSQL is unreachable or refuses.
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
    const pool = new pg.Pool({
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
      const client = await pool.connect();
      try {
        // Serialise first-time schema creation between hosts starting together.
        await client.query('BEGIN');
        await client.query("SELECT pg_advisory_xact_lock(hashtext('nocoflo:metadata-schema'))");
        await client.query(SCHEMA_SQL(quoteIdent(schema)));
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => {});
      throw NocofloError.create(Errors.MetadataStoreFailed, [store.location, 'open', errorMessage(error)], {
        cause: error,
      });
    }
    return store;
  }

  #fail(operation: string, error: unknown): NocofloError {
    if (error instanceof NocofloError) return error;
    return NocofloError.create(Errors.MetadataStoreFailed, [this.location, operation, errorMessage(error)], {
      cause: error,
    });
  }

  async #query<R extends pg.QueryResultRow>(operation: string, text: string, values: unknown[] = []) {
    if (this.#closed) throw this.#fail(operation, new Error('the store is closed'));
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      throw this.#fail(operation, error);
    }
  }

  /** Runs `fn` in a transaction on one pooled client. */
  async #transaction<T>(
    operation: string,
    fn: (client: pg.PoolClient) => Promise<T>,
    wrapErrors = true,
  ): Promise<T> {
    if (this.#closed) throw this.#fail(operation, new Error('the store is closed'));
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw this.#fail(operation, error);
    }
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw wrapErrors ? this.#fail(operation, error) : error;
    } finally {
      client.release();
    }
  }

  #notify(client: pg.PoolClient, plugin: string, kind: ExternalChange['kind']) {
    const payload = JSON.stringify({ origin: this.instanceId, plugin, kind });
    return client.query('SELECT pg_notify($1, $2)', [this.#channel, payload]);
  }

  /** @inheritDoc */
  async readPluginStates(): Promise<Map<string, StoredPluginState>> {
    const { rows } = await this.#query<{
      name: string;
      version: string;
      enabled: boolean;
      first_seen_at: Date;
      updated_at: Date;
    }>('read plugin states', 'SELECT * FROM plugin_state ORDER BY name');
    return new Map(
      rows.map((row) => [
        row.name,
        {
          name: row.name,
          version: row.version,
          enabled: row.enabled,
          firstSeenAt: iso(row.first_seen_at),
          updatedAt: iso(row.updated_at),
        },
      ]),
    );
  }

  /** @inheritDoc */
  async writePluginState(name: string, version: string, enabled: boolean): Promise<void> {
    await this.#transaction('write plugin state', async (client) => {
      const result = await client.query(
        `INSERT INTO plugin_state (name, version, enabled, first_seen_at, updated_at) VALUES ($1, $2, $3, now(), now())
         ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, enabled = EXCLUDED.enabled, updated_at = now()
         WHERE (plugin_state.version, plugin_state.enabled) IS DISTINCT FROM (EXCLUDED.version, EXCLUDED.enabled)`,
        [name, version, enabled],
      );
      if ((result.rowCount ?? 0) > 0) await this.#notify(client, name, 'state');
    });
  }

  /** @inheritDoc */
  async readPluginConfig(name: string): Promise<unknown> {
    const { rows } = await this.#query<{ config: unknown }>(
      'read plugin config',
      'SELECT config FROM plugin_config WHERE name = $1',
      [name],
    );
    return rows[0]?.config;
  }

  /** @inheritDoc */
  async readPluginConfigs(): Promise<Map<string, unknown>> {
    const { rows } = await this.#query<{ name: string; config: unknown }>(
      'read plugin configs',
      'SELECT name, config FROM plugin_config ORDER BY name',
    );
    return new Map(rows.map((row) => [row.name, row.config]));
  }

  /** @inheritDoc */
  async writePluginConfig(name: string, config: unknown): Promise<void> {
    await this.#transaction('write plugin config', async (client) => {
      const result =
        config === undefined
          ? await client.query('DELETE FROM plugin_config WHERE name = $1', [name])
          : await client.query(
              `INSERT INTO plugin_config (name, config, updated_at) VALUES ($1, $2::jsonb, now())
               ON CONFLICT (name) DO UPDATE SET config = EXCLUDED.config, updated_at = now()
               WHERE plugin_config.config IS DISTINCT FROM EXCLUDED.config`,
              [name, JSON.stringify(config)],
            );
      if ((result.rowCount ?? 0) > 0) await this.#notify(client, name, 'config');
    });
  }

  /** @inheritDoc */
  async deletePlugin(name: string): Promise<void> {
    await this.#transaction('forget plugin', async (client) => {
      const state = await client.query('DELETE FROM plugin_state WHERE name = $1', [name]);
      const config = await client.query('DELETE FROM plugin_config WHERE name = $1', [name]);
      if ((state.rowCount ?? 0) > 0) await this.#notify(client, name, 'state');
      if ((config.rowCount ?? 0) > 0) await this.#notify(client, name, 'config');
    });
  }

  /** @inheritDoc */
  async appliedMigrations(plugin: string): Promise<AppliedMigration[]> {
    const { rows } = await this.#query<{
      plugin: string;
      id: string;
      file: string;
      checksum: string;
      applied_at: Date;
    }>(
      'read applied migrations',
      'SELECT plugin, id, file, checksum, applied_at FROM plugin_migrations WHERE plugin = $1 ORDER BY id',
      [plugin],
    );
    return rows.map((row) => ({
      plugin: row.plugin,
      id: row.id,
      file: row.file,
      checksum: row.checksum,
      appliedAt: iso(row.applied_at),
    }));
  }

  /**
   * Runs the migration and records it in one transaction, under an advisory lock per
   * plugin so two hosts starting together apply it once. Throws the database error as is;
   * the migration runner wraps it.
   */
  async applyMigration(plugin: string, migration: PendingMigration): Promise<ApplyMigrationOutcome> {
    return this.#transaction(
      'apply migration',
      async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`nocoflo:migrations:${plugin}`]);
        const existing = await client.query('SELECT 1 FROM plugin_migrations WHERE plugin = $1 AND id = $2', [
          plugin,
          migration.id,
        ]);
        if ((existing.rowCount ?? 0) > 0) return 'already-applied' as const;
        // Simple-query protocol (no parameters): the file may hold several statements.
        await client.query(migration.sql);
        crashPoint('migration:before-commit');
        await client.query(
          'INSERT INTO plugin_migrations (plugin, id, file, checksum, applied_at) VALUES ($1, $2, $3, $4, now())',
          [plugin, migration.id, migration.file, migration.checksum],
        );
        return 'applied' as const;
      },
      false,
    );
  }

  /** @inheritDoc */
  async readViewPreference(key: string): Promise<string | undefined> {
    const { rows } = await this.#query<{ view: string }>(
      'read view preference',
      'SELECT view FROM view_preferences WHERE key = $1',
      [key],
    );
    return rows[0]?.view;
  }

  /** @inheritDoc */
  async writeViewPreference(key: string, view: string | undefined): Promise<void> {
    if (view === undefined) {
      await this.#query('write view preference', 'DELETE FROM view_preferences WHERE key = $1', [key]);
      return;
    }
    await this.#query(
      'write view preference',
      `INSERT INTO view_preferences (key, view, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (key) DO UPDATE SET view = EXCLUDED.view, updated_at = now()`,
      [key, view],
    );
  }

  /** @inheritDoc */
  async listViewPreferences(): Promise<Map<string, string>> {
    const { rows } = await this.#query<{ key: string; view: string }>(
      'read view preferences',
      'SELECT key, view FROM view_preferences ORDER BY key',
    );
    return new Map(rows.map((row) => [row.key, row.view]));
  }

  /** @inheritDoc */
  async insertApiToken(token: StoredApiToken, secretHash: string): Promise<void> {
    await this.#query(
      'store API token',
      'INSERT INTO api_tokens (id, name, secret_hash, permissions, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)',
      [token.id, token.name, secretHash, JSON.stringify(token.permissions), token.createdAt],
    );
  }

  /** @inheritDoc */
  async findApiToken(secretHash: string): Promise<StoredApiToken | undefined> {
    const { rows } = await this.#query<{ id: string; name: string; permissions: string[]; created_at: Date }>(
      'read API token',
      'SELECT id, name, permissions, created_at FROM api_tokens WHERE secret_hash = $1',
      [secretHash],
    );
    const row = rows[0];
    return (
      row && { id: row.id, name: row.name, permissions: row.permissions, createdAt: iso(row.created_at) }
    );
  }

  /** @inheritDoc */
  async listApiTokens(): Promise<StoredApiToken[]> {
    const { rows } = await this.#query<{ id: string; name: string; permissions: string[]; created_at: Date }>(
      'read API tokens',
      'SELECT id, name, permissions, created_at FROM api_tokens ORDER BY created_at, id',
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      permissions: row.permissions,
      createdAt: iso(row.created_at),
    }));
  }

  /** @inheritDoc */
  async deleteApiToken(id: string): Promise<boolean> {
    const result = await this.#query('revoke API token', 'DELETE FROM api_tokens WHERE id = $1', [id]);
    return (result.rowCount ?? 0) > 0;
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
    if (this.#closed) return;
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: `nocoflo-listen:${this.instanceId}`,
    });
    const lost = (error?: Error) => {
      if (this.#listenClient !== client) return;
      this.#listenClient = undefined;
      this.#lostAt ??= Date.now();
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (this.#closed) return;
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
      if (!reconnect) throw this.#fail('listen for changes', error);
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#listenClient = client;
    this.#reconnectDelay = 100;
    if (reconnect) await this.#reportEverything();
  }

  #scheduleReconnect() {
    if (this.#closed || this.#reconnectTimer) return;
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
   * `config` change for each config written during the outage (with 5 s of slack).
   */
  async #reportEverything() {
    const outageMs = Date.now() - (this.#lostAt ?? Date.now());
    try {
      const states = await this.readPluginStates();
      const { rows } = await this.#query<{ name: string }>(
        'read changed configs',
        "SELECT name FROM plugin_config WHERE updated_at >= now() - ($1::double precision * interval '1 millisecond')",
        [outageMs + 5_000],
      );
      this.#lostAt = undefined;
      for (const plugin of states.keys()) this.#emit({ plugin, kind: 'state' });
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
    if (parsed.kind !== 'state' && parsed.kind !== 'config') return;
    this.#emit({ plugin: parsed.plugin, kind: parsed.kind });
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

  /** Stops listening and closes the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#listeners.clear();
    await this.#listening?.catch(() => {});
    const client = this.#listenClient;
    this.#listenClient = undefined;
    await Promise.all([client?.end().catch(() => {}), this.#pool.end().catch(() => {})]);
  }
}
