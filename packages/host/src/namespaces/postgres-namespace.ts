/**
 * A plugin's namespace with the PostgreSQL store: a schema of its own, owned by a role of its
 * own (`nocoflo_plugin_<hash>`, created by the host), reached over connections that log in
 * as that role. The role has no privilege on the host's schema or on another plugin's, so
 * whatever SQL the plugin sends, the server itself keeps it inside its schema. The schema's
 * comment is the mark of the last migration that committed in it.
 *
 * A server that does not let the host log in as the role (the embedded PGlite, which has one
 * session) is used with `SET LOCAL ROLE` in every transaction instead: it confines a plugin
 * that plays fair, not a hostile one, and the host warns about it.
 */
import {
  Errors,
  errorMessage,
  type Logger,
  NocofloError,
  type PluginQueryResult,
  type PluginStatement,
  type SqlValue,
} from '@nocoflo/sdk';
import type pg from 'pg';
import { crashPoint } from '../store/crash-point.js';
import { loadPg } from '../store/load-pg.js';
import { checkPluginSql } from './sql-guard.js';
import {
  migrationNumber,
  type NamespaceMigrateOutcome,
  type NamespaceMigration,
  type PluginNamespace,
} from './types.js';

/** Prefix of the mark a namespace's schema comment carries. */
export const MIGRATION_MARK_PREFIX = 'nocoflo-migration:';

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** How to reach a plugin's schema. */
export interface PostgresNamespaceOptions {
  /** Plugin name. */
  plugin: string;
  /** Schema name, which is also the role's. */
  schema: string;
  /** The store's URL (without nocoflo's `schema` parameter); user and password are replaced by the role's. */
  url: string;
  /** The role's password. */
  password: string;
  /** Where the weak-confinement warning goes. */
  logger: Logger;
  /** Connections in the namespace's pool. Default 2. */
  poolSize?: number;
}

function bindable(value: SqlValue): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value);
  return value;
}

function plainRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row))
    out[key] = Buffer.isBuffer(value) ? new Uint8Array(value) : value;
  return out;
}

/** A plugin's PostgreSQL schema. */
export class PostgresNamespace implements PluginNamespace {
  readonly dialect = 'postgres' as const;
  readonly plugin: string;
  readonly schema: string;
  readonly location: string;
  /** Whether the server let the host log in as the role (real confinement), or `SET LOCAL ROLE` is used. */
  readonly loggedInAsRole: boolean;
  readonly #pool: pg.Pool;
  #closed = false;

  private constructor(options: PostgresNamespaceOptions, pool: pg.Pool, loggedInAsRole: boolean) {
    this.plugin = options.plugin;
    this.schema = options.schema;
    this.location = `schema ${options.schema}`;
    this.#pool = pool;
    this.loggedInAsRole = loggedInAsRole;
  }

  /**
   * Connects as the plugin's role and checks that the server took it.
   *
   * @throws NocofloError `NCF_NAMESPACE_FAILED` when the role cannot log in.
   */
  static async open(options: PostgresNamespaceOptions): Promise<PostgresNamespace> {
    const url = new URL(options.url);
    url.username = encodeURIComponent(options.schema);
    url.password = encodeURIComponent(options.password);
    const { Pool } = await loadPg();
    const pool = new Pool({
      connectionString: url.toString(),
      max: options.poolSize ?? 2,
      idleTimeoutMillis: 10_000,
      options: `-c search_path=${options.schema}`,
      application_name: `nocoflo-plugin:${options.plugin}`.slice(0, 63),
    });
    pool.on('error', (error) =>
      options.logger.warn('a plugin namespace connection was lost', {
        plugin: options.plugin,
        error: errorMessage(error),
      }),
    );
    try {
      const { rows } = await pool.query<{ session_user: string }>('SELECT session_user');
      const loggedIn = rows[0]?.session_user === options.schema;
      if (!loggedIn) {
        options.logger.warn(
          `${options.plugin}: this PostgreSQL server did not log in as the plugin's role (${options.schema}); its SQL is confined with SET LOCAL ROLE, which a hostile plugin can undo. Use a PostgreSQL server that accepts the role's login (embedded PGlite cannot).`,
          { plugin: options.plugin },
        );
      }
      return new PostgresNamespace(options, pool, loggedIn);
    } catch (error) {
      await pool.end().catch(() => {});
      throw NocofloError.create(
        Errors.NamespaceFailed,
        [options.plugin, `schema ${options.schema}`, 'log in as its role', errorMessage(error)],
        { cause: error },
      );
    }
  }

  #fail(where: string, error: unknown): NocofloError {
    if (error instanceof NocofloError) return error;
    return NocofloError.create(Errors.DatasourceError, [`${this.plugin}'s ${where}`, errorMessage(error)], {
      cause: error,
    });
  }

  /** Runs `fn` in a transaction on one connection, as the plugin's role. */
  async #inTransaction<T>(operation: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw NocofloError.create(Errors.NamespaceFailed, [
        this.plugin,
        this.location,
        operation,
        'it is closed',
      ]);
    }
    const client = await this.#pool.connect().catch((error: unknown) => {
      throw NocofloError.create(
        Errors.NamespaceFailed,
        [this.plugin, this.location, operation, errorMessage(error)],
        {
          cause: error,
        },
      );
    });
    try {
      await client.query('BEGIN');
      if (!this.loggedInAsRole) {
        await client.query(`SET LOCAL ROLE ${quoteIdent(this.schema)}`);
        await client.query(`SET LOCAL search_path = ${quoteIdent(this.schema)}`);
      }
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async #run(client: pg.PoolClient | pg.Pool, statement: PluginStatement): Promise<PluginQueryResult> {
    checkPluginSql(statement.sql, 'postgres', this.plugin, 'ctx.database');
    const result = await client.query({
      text: statement.sql,
      values: (statement.params ?? []).map(bindable),
    });
    const isRead = result.command === 'SELECT' || result.command === 'SHOW';
    return {
      rows: (result.rows as Record<string, unknown>[]).map(plainRow),
      rowCount: isRead ? 0 : (result.rowCount ?? 0),
    };
  }

  async query(sql: string, params?: readonly SqlValue[]): Promise<PluginQueryResult> {
    try {
      if (this.loggedInAsRole && !this.#closed)
        return await this.#run(this.#pool, { sql, params: params ?? [] });
      return await this.#inTransaction('query', (client) => this.#run(client, { sql, params: params ?? [] }));
    } catch (error) {
      throw this.#fail('query', error);
    }
  }

  async transaction(statements: readonly PluginStatement[]): Promise<PluginQueryResult[]> {
    try {
      return await this.#inTransaction('run a transaction', async (client) => {
        const results: PluginQueryResult[] = [];
        for (const statement of statements) results.push(await this.#run(client, statement));
        return results;
      });
    } catch (error) {
      throw this.#fail('transaction', error);
    }
  }

  async migrate(migration: NamespaceMigration): Promise<NamespaceMigrateOutcome> {
    checkPluginSql(migration.sql, 'postgres', this.plugin, migration.file);
    const number = migrationNumber(migration.id);
    return this.#inTransaction('migrate', async (client) => {
      const mark = await this.#mark(client);
      if (mark >= number) return 'already-applied';
      // Simple-query protocol (no parameters): the file may hold several statements.
      await client.query(migration.sql);
      await client.query(
        `COMMENT ON SCHEMA ${quoteIdent(this.schema)} IS '${MIGRATION_MARK_PREFIX}${migration.id.replaceAll("'", "''")}'`,
      );
      crashPoint('namespace-migration:before-commit');
      return 'applied';
    });
  }

  async #mark(client: pg.PoolClient): Promise<number> {
    const { rows } = await client.query<{ mark: string | null }>(
      "SELECT obj_description(oid, 'pg_namespace') AS mark FROM pg_namespace WHERE nspname = $1",
      [this.schema],
    );
    const mark = rows[0]?.mark ?? '';
    return mark.startsWith(MIGRATION_MARK_PREFIX)
      ? migrationNumber(mark.slice(MIGRATION_MARK_PREFIX.length)) || 0
      : 0;
  }

  /**
   * Replays migrations in the (still empty) schema as the role, lists what they created,
   * and rolls everything back: how the host finds a plugin's legacy objects.
   */
  async replay(migrations: readonly NamespaceMigration[]): Promise<ReplayedObjects> {
    const sentinel = new Error('replayed');
    let found: ReplayedObjects | undefined;
    try {
      await this.#inTransaction('replay its migrations', async (client) => {
        for (const migration of migrations) {
          checkPluginSql(migration.sql, 'postgres', this.plugin, migration.file);
          await client.query(migration.sql);
        }
        const relations = await client.query<{ name: string; kind: string; owned: boolean }>(
          `SELECT c.relname AS name, c.relkind AS kind,
                  EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) AS owned
             FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
          [this.schema],
        );
        const functions = await client.query<{ signature: string }>(
          `SELECT quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS signature
             FROM pg_proc p WHERE p.pronamespace = $1::regnamespace`,
          [this.schema],
        );
        const types = await client.query<{ name: string }>(
          `SELECT t.typname AS name FROM pg_type t
            WHERE t.typnamespace = $1::regnamespace AND t.typrelid = 0 AND t.typtype IN ('e', 'd', 'c', 'r') AND t.typelem = 0`,
          [this.schema],
        );
        found = {
          relations: relations.rows.filter((r) => !r.owned).map((r) => ({ name: r.name, kind: r.kind })),
          functions: functions.rows.map((r) => r.signature),
          types: types.rows.map((r) => r.name),
        };
        throw sentinel; // roll the replay back
      });
    } catch (error) {
      if (error !== sentinel) throw error;
    }
    return found ?? { relations: [], functions: [], types: [] };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end().catch(() => {});
  }
}

/** What a replay of a plugin's migrations created in its schema. */
export interface ReplayedObjects {
  /** Tables (`r`, `p`, `f`), views (`v`), materialized views (`m`) and free sequences (`S`). */
  relations: { name: string; kind: string }[];
  /** Functions and procedures, as `name(argument types)`. */
  functions: string[];
  /** Enum, domain, composite and range types. */
  types: string[];
}
