import type { DatasourceOpenOptions } from '@nocoflo/sdk';
import mysql, { type ConnectionOptions, type PoolOptions, type RowDataPacket } from 'mysql2/promise';
import { MysqlDatasource } from './datasource.js';
import { SESSION_SQL } from './dialect.js';
import { connectionError } from './errors.js';
import { type MysqlLocation, parseMysqlUrl } from './url.js';

/** Options of {@link openMysql}: the host's open options. */
export interface MysqlOpenOptions extends DatasourceOpenOptions {
  /**
   * The most connections the datasource may hold (what a host can spare of its connection
   * budget): the pool never grows past it, whatever `pool_max` says.
   */
  maxConnections?: number;
}

function connectionOptions(location: MysqlLocation): ConnectionOptions {
  return {
    ...(location.socketPath
      ? { socketPath: location.socketPath }
      : { host: location.host, port: location.port }),
    ...(location.user !== undefined ? { user: location.user } : {}),
    ...(location.password !== undefined ? { password: location.password } : {}),
    ...(location.ssl ? { ssl: location.ssl } : {}),
    database: location.database,
    connectTimeout: location.connectTimeoutMs,
    charset: 'UTF8MB4_UNICODE_CI',
    // Values in the SDK's conventions: DECIMAL and big BIGINT as exact strings, dates as
    // text (never shifted through a JS Date), JSON as text parsed per column.
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    dateStrings: true,
    jsonStrings: true,
    multipleStatements: false,
  };
}

/** The per-connection statements: the dialect's session, the statement timeout, read-only. */
function sessionStatements(location: MysqlLocation, mariadb: boolean, readOnly: boolean): string[] {
  const statements = [SESSION_SQL];
  if (location.statementTimeoutMs > 0) {
    statements.push(
      mariadb
        ? `SET SESSION max_statement_time = ${location.statementTimeoutMs / 1000}`
        : `SET SESSION max_execution_time = ${location.statementTimeoutMs}`,
    );
  }
  // Belt and braces: the datasource refuses writes itself; the server refuses them too.
  if (readOnly) statements.push('SET SESSION TRANSACTION READ ONLY');
  return statements;
}

/**
 * Opens a MySQL or MariaDB database through a `mysql2` pool and checks that it answers, so
 * a wrong password, unknown host or database, closed port or TLS mismatch fails here with
 * `NCF_CONNECTION_FAILED` and a hint. The pool is small by default (`pool_max=5`); a
 * request that finds every connection busy waits in a bounded queue (`pool_queue=100`).
 *
 * @example
 * ```ts
 * import { openMysql } from '@nocoflo/mysql-datasource';
 * const ds = await openMysql('mysql://app:secret@db.internal:3306/shop?pool_max=5');
 * const { rows } = await ds.aggregate('invoice_line', { measures: [{ fn: 'sum', column: 'unit_price' }] });
 * await ds.close();
 * ```
 */
export async function openMysql(url: string, options: MysqlOpenOptions = {}): Promise<MysqlDatasource> {
  const location = parseMysqlUrl(url);
  const readOnly = options.readOnly === true || location.readOnly;
  const base = connectionOptions(location);
  // One plain connection first: it proves the server answers and says which server it is
  // (MariaDB and MySQL spell the statement timeout differently).
  let version: string;
  let statements: string[];
  try {
    const probe = await mysql.createConnection(base);
    try {
      const [rows] = await probe.query<RowDataPacket[]>('SELECT VERSION() AS version');
      version = String(rows[0]?.version ?? '');
      // The session every pooled connection will start with is tried here once, so a server
      // that refuses it fails the open with its reason instead of every later query.
      statements = sessionStatements(location, /mariadb/i.test(version), readOnly);
      for (const sql of statements) await probe.query(sql);
    } finally {
      await probe.end().catch(() => {});
    }
  } catch (error) {
    throw connectionError(location.displayUrl, error);
  }
  const mariadb = /mariadb/i.test(version);
  const poolMax =
    options.maxConnections !== undefined
      ? Math.max(1, Math.min(location.poolMax, options.maxConnections))
      : location.poolMax;
  const poolOptions: PoolOptions = {
    ...base,
    connectionLimit: poolMax,
    maxIdle: poolMax,
    idleTimeout: 30_000,
    queueLimit: location.poolQueue,
    waitForConnections: true,
    enableKeepAlive: true,
  };
  const pool = mysql.createPool(poolOptions);
  // Each new pooled connection runs the session statements before anything else (a
  // connection runs its commands in order, so they precede the first query).
  pool.pool.on('connection', (connection) => {
    // Tried at open (above); should it fail later all the same, the connection is dropped
    // rather than used with another session.
    for (const sql of statements) {
      connection.query(sql, (error) => {
        if (error) connection.destroy();
      });
    }
  });
  // An idle pooled connection whose server goes away must not crash the process; the next
  // query reports the failure instead.
  pool.pool.on('error' as 'connection', () => {});
  return new MysqlDatasource(pool, location.displayUrl, !readOnly, {
    version,
    mariadb,
    database: location.database,
    maxConnections: poolMax,
  });
}
