import { parseConnectionUrl } from '@nocoflo/sdk/sql';
import type { PoolConfig } from 'pg';

/** What a `postgres:` URL says: the pool configuration and the URL without its password. */
export interface PostgresLocation {
  /** Configuration for `pg.Pool` (without type parsers). */
  pool: PoolConfig;
  /** The URL with the password removed, safe to show and log. */
  displayUrl: string;
  /** `?readonly=true` (or the host's read-only option) refuses writes. */
  readOnly: boolean;
  /**
   * Requests that may wait for a pooled connection (`pool_queue`, default 100); one more is
   * refused at once with `503 NCF_DATASOURCE_BUSY` instead of queueing. A waiting request
   * gives up after `connect_timeout` with the same error.
   */
  poolQueue: number;
  /**
   * `prepare=false` runs every statement unnamed; by default pages and aggregates run as
   * named prepared statements (statement-names.ts), parsed and planned once per connection.
   */
  prepare: boolean;
}

const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify']);

/** The query-string options a `postgres:` URL accepts. */
export const POSTGRES_URL_OPTIONS = [
  'sslmode',
  'ssl',
  'application_name',
  'pool_max',
  'max',
  'pool_queue',
  'statement_timeout',
  'connect_timeout',
  'idle_timeout',
  'search_path',
  'options',
  'host',
  'port',
  'user',
  'password',
  'readonly',
  'prepare',
] as const;

/**
 * Reads a `postgres:` or `postgresql:` URL the way libpq does for the parts it shares
 * (`postgres://user:password@host:port/database`, `?host=/socket/dir`, `sslmode=…`), plus
 * the options of this datasource: `application_name` (default `nocoflo`), `pool_max`
 * (pool size, default 10), `pool_queue` (requests that may wait for a connection, default 100),
 * `statement_timeout` (ms, default 30,000; 0 = none),
 * `connect_timeout` (seconds, default 10), `idle_timeout` (ms), `search_path`, `options`
 * (server options such as `-c work_mem=64MB`), `readonly` and `prepare` (`false`: no named
 * prepared statements, for a pooler in transaction mode that does not keep them).
 */
export function parsePostgresUrl(url: string): PostgresLocation {
  const parsed = parseConnectionUrl(url, {
    schemes: ['postgres', 'postgresql'],
    example: 'postgres://user:password@host:5432/database',
  });
  const { displayUrl, fail } = parsed;
  const pool: PoolConfig = {
    host: parsed.host,
    port: parsed.port ?? 5432,
    user: parsed.user,
    password: parsed.password,
    database: parsed.database,
    application_name: 'nocoflo',
    max: 10,
    statement_timeout: 30_000,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  };
  let readOnly = false;
  let prepare = true;
  let poolQueue = 100;
  const serverOptions: string[] = [];
  let sslMode: string | undefined;
  for (const [name, value] of parsed.options) {
    switch (name) {
      case 'sslmode':
        if (!SSL_MODES.has(value))
          fail(`sslmode=${value} is unknown`, `Use one of ${[...SSL_MODES].join(', ')}.`);
        sslMode = value;
        break;
      case 'ssl':
        sslMode = parsed.flag(name, value) ? 'require' : 'disable';
        break;
      case 'application_name':
        pool.application_name = value;
        break;
      case 'pool_queue':
        poolQueue = parsed.wholeNumber(name, value, 1, 10);
        break;
      case 'pool_max':
      case 'max':
        pool.max = parsed.wholeNumber(name, value, 1, 10);
        break;
      case 'statement_timeout':
        pool.statement_timeout = parsed.wholeNumber(name, value, 0, 30000) || false;
        break;
      case 'connect_timeout':
        pool.connectionTimeoutMillis = parsed.wholeNumber(name, value, 0, 30000) * 1000;
        break;
      case 'idle_timeout':
        pool.idleTimeoutMillis = parsed.wholeNumber(name, value, 0, 30000);
        break;
      case 'search_path':
        serverOptions.push(`-c search_path=${value.replace(/[\s\\]/g, (ch) => `\\${ch}`)}`);
        break;
      case 'options':
        serverOptions.push(value);
        break;
      case 'host':
        pool.host = value;
        break;
      case 'port':
        pool.port = parsed.wholeNumber(name, value, 1, 10);
        break;
      case 'user':
        pool.user = value;
        break;
      case 'password':
        pool.password = value;
        break;
      case 'readonly':
        readOnly = parsed.flag(name, value);
        break;
      case 'prepare':
        prepare = parsed.flag(name, value);
        break;
      default:
        fail(`unknown option ${name}`, `Known options: ${POSTGRES_URL_OPTIONS.join(', ')}.`);
    }
  }
  if (!pool.host) pool.host = 'localhost';
  if (sslMode && sslMode !== 'disable' && sslMode !== 'allow' && sslMode !== 'prefer') {
    // libpq's require/no-verify encrypt without checking the certificate; verify-* check it.
    pool.ssl = sslMode.startsWith('verify') ? { rejectUnauthorized: true } : { rejectUnauthorized: false };
  }
  if (serverOptions.length > 0) pool.options = serverOptions.join(' ');
  return { pool, displayUrl, readOnly, poolQueue, prepare };
}
