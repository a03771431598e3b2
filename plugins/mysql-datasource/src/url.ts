import { redactUrl } from '@nocoflo/sdk';
import { parseConnectionUrl } from '@nocoflo/sdk/sql';

/** What a `mysql:` or `mariadb:` URL says, ready for a mysql2 pool. */
export interface MysqlLocation {
  /** Host name or address. */
  host: string;
  /** TCP port (default 3306). */
  port: number;
  /** Unix socket path (`?socket=/run/mysqld/mysqld.sock`), used instead of host and port. */
  socketPath?: string;
  /** User name. */
  user?: string;
  /** Password (never shown). */
  password?: string;
  /** The database (schema) whose tables are listed. Required. */
  database: string;
  /** TLS: absent for none. */
  ssl?: {
    /** Whether the server's certificate must be valid (`verify-*` modes). */
    rejectUnauthorized: boolean;
  };
  /** Pool size (`pool_max`, default 5). */
  poolMax: number;
  /** Requests that may wait for a pooled connection before new ones are refused (`pool_queue`, default 100). */
  poolQueue: number;
  /** Milliseconds to wait when connecting (`connect_timeout` in seconds, default 10). */
  connectTimeoutMs: number;
  /** Per-statement limit in milliseconds (`statement_timeout`, default 30,000; 0 = none). */
  statementTimeoutMs: number;
  /** `?readonly=true` refuses writes. */
  readOnly: boolean;
  /** The URL without its password, safe to show and log. */
  displayUrl: string;
}

const SSL_MODES = new Set([
  'disable',
  'disabled',
  'prefer',
  'preferred',
  'require',
  'required',
  'verify-ca',
  'verify_ca',
  'verify-full',
  'verify_identity',
]);

/** The query-string options a `mysql:` URL accepts. */
export const MYSQL_URL_OPTIONS = [
  'ssl',
  'sslmode',
  'pool_max',
  'pool_queue',
  'connect_timeout',
  'statement_timeout',
  'socket',
  'readonly',
] as const;

/** The URL with every credential redacted (the SDK's one redaction function). */
export function redactMysqlUrl(url: string): string {
  return redactUrl(url);
}

/**
 * Reads `mysql://user:password@host:3306/database?option=value` (also `mariadb://`).
 * Options: `ssl=true` or `sslmode=require|verify-full|disable`, `pool_max` (default 5),
 * `pool_queue` (default 100), `connect_timeout` (seconds, default 10), `statement_timeout`
 * (ms, default 30,000; 0 = none), `socket` (a Unix socket path) and `readonly`.
 */
export function parseMysqlUrl(url: string): MysqlLocation {
  const parsed = parseConnectionUrl(url, {
    schemes: ['mysql', 'mariadb'],
    example: 'mysql://user:password@host:3306/database (or mariadb://…)',
  });
  const { displayUrl, fail, database = '' } = parsed;
  if (!database || database.includes('/')) {
    fail('it names no database', 'End the URL with the database to browse: mysql://user@host:3306/shop.');
  }
  const location: MysqlLocation = {
    host: parsed.host ?? 'localhost',
    port: parsed.port ?? 3306,
    database,
    poolMax: 5,
    poolQueue: 100,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 30_000,
    readOnly: false,
    displayUrl,
  };
  if (parsed.user !== undefined) location.user = parsed.user;
  if (parsed.password !== undefined) location.password = parsed.password;
  for (const [name, value] of parsed.options) {
    switch (name) {
      case 'ssl':
        if (parsed.flag(name, value)) location.ssl = { rejectUnauthorized: false };
        else delete location.ssl;
        break;
      case 'sslmode': {
        const mode = value.toLowerCase();
        if (!SSL_MODES.has(mode)) {
          fail(`sslmode=${value} is unknown`, 'Use disable, require, verify-ca or verify-full.');
        }
        if (mode.startsWith('verify')) location.ssl = { rejectUnauthorized: true };
        else if (mode.startsWith('require')) location.ssl = { rejectUnauthorized: false };
        else delete location.ssl;
        break;
      }
      case 'pool_max':
        location.poolMax = parsed.wholeNumber(name, value, 1);
        break;
      case 'pool_queue':
        location.poolQueue = parsed.wholeNumber(name, value, 1);
        break;
      case 'connect_timeout':
        location.connectTimeoutMs = parsed.wholeNumber(name, value, 1) * 1000;
        break;
      case 'statement_timeout':
        location.statementTimeoutMs = parsed.wholeNumber(name, value, 0);
        break;
      case 'socket':
        location.socketPath = value;
        break;
      case 'readonly':
        location.readOnly = parsed.flag(name, value);
        break;
      default:
        fail(`unknown option ${name}`, `Known options: ${MYSQL_URL_OPTIONS.join(', ')}.`);
    }
  }
  return location;
}
