/**
 * A plugin's own data: the query interface behind `ctx.database`. Every plugin gets a
 * namespace of its own (its own SQLite file, or its own PostgreSQL schema and role), which
 * its SQL migrations create and its queries read and write. The host's tables and other
 * plugins' namespaces are out of its reach.
 *
 * Everything here is plain data in and plain data out (no connections, no handles), so the
 * same interface works when the plugin runs in a worker thread or a process of its own.
 */

/** The SQL dialect of a plugin's namespace: write (or compile) SQL for it. */
export type PluginDatabaseDialect = 'sqlite' | 'postgres';

/**
 * A value a query binds: plain data that survives a structured clone. Booleans bind as 1/0
 * and dates as ISO 8601 text on SQLite.
 */
export type SqlValue = string | number | bigint | boolean | null | Uint8Array | Date;

/** One statement and its parameters, in the dialect's own placeholders (`?` on SQLite, `$1` on PostgreSQL). */
export interface PluginStatement {
  /** One SQL statement. */
  sql: string;
  /** Values for its placeholders, in order. */
  params?: readonly SqlValue[];
}

/** What a statement returned. */
export interface PluginQueryResult<R = Record<string, unknown>> {
  /** Rows the statement returned (empty for a write without `RETURNING`), as plain objects. */
  rows: R[];
  /** Rows inserted, updated or deleted (0 for a read). */
  rowCount: number;
}

/**
 * The plugin's own database, as `ctx.database` hands it out.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@nocoflo/sdk';
 *
 * export default definePlugin({
 *   async setup(ctx) {
 *     // `notes` was created by the plugin's migration migrations/0001_notes.sql.
 *     const placeholder = ctx.database.dialect === 'postgres' ? '$1' : '?';
 *     await ctx.database.query(`INSERT INTO notes (body) VALUES (${placeholder})`, ['started']);
 *     const { rows } = await ctx.database.query<{ n: number }>('SELECT count(*) AS n FROM notes');
 *     ctx.logger.info(`${rows[0]?.n} notes`);
 *   },
 * });
 * ```
 */
export interface PluginDatabase {
  /** `sqlite` or `postgres`: which SQL to write, and which placeholders. */
  readonly dialect: PluginDatabaseDialect;
  /**
   * Runs one statement in the plugin's namespace.
   *
   * @throws NocofloError `NCF_SQL_REFUSED` for statements that could reach outside the namespace
   * (SQLite `ATTACH`, `VACUUM INTO`, `load_extension`) or control transactions; the database's
   * own error (`NCF_DATASOURCE_ERROR`) for bad SQL or a constraint.
   */
  query<R = Record<string, unknown>>(
    sql: string,
    params?: readonly SqlValue[],
  ): Promise<PluginQueryResult<R>>;
  /** Runs statements in one transaction: all of them take effect, or (on any error) none. */
  transaction(statements: readonly PluginStatement[]): Promise<PluginQueryResult[]>;
}
