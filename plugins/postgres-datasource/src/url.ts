import { Errors, NocofloError, redactUrl } from '@nocoflo/sdk';
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
}

const SSL_MODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify']);
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

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
] as const;

function fail(url: string, reason: string, hint: string): never {
  throw NocofloError.create(Errors.ConnectionFailed, [url, reason, hint]);
}

function positiveInteger(url: string, name: string, value: string, min = 0): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) {
    fail(
      url,
      `option ${name}=${value} is not a whole number${min > 0 ? ` of at least ${min}` : ''}`,
      `Write e.g. ${name}=${min > 0 ? 10 : 30000}.`,
    );
  }
  return number;
}

/**
 * Reads a `postgres:` or `postgresql:` URL the way libpq does for the parts it shares
 * (`postgres://user:password@host:port/database`, `?host=/socket/dir`, `sslmode=…`), plus
 * the options of this datasource: `application_name` (default `nocoflo`), `pool_max`
 * (pool size, default 10), `pool_queue` (requests that may wait for a connection, default 100),
 * `statement_timeout` (ms, default 30,000; 0 = none),
 * `connect_timeout` (seconds, default 10), `idle_timeout` (ms), `search_path`, `options`
 * (server options such as `-c work_mem=64MB`) and `readonly`.
 */
export function parsePostgresUrl(url: string): PostgresLocation {
  const displayUrl = redactUrl(url);
  const lower = url.toLowerCase();
  if (!lower.startsWith('postgres://') && !lower.startsWith('postgresql://')) {
    fail(displayUrl, 'it is not a postgres:// URL', 'Write postgres://user:password@host:5432/database.');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(
      displayUrl,
      'it is not a valid URL',
      'Percent-encode special characters in the user name and password (e.g. @ as %40).',
    );
  }
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return fail(displayUrl, 'it has a broken %-escape', 'Escape special characters as %XX.');
    }
  };
  const pool: PoolConfig = {
    host: parsed.hostname ? decode(parsed.hostname.replace(/^\[|\]$/g, '')) : undefined,
    port: parsed.port ? Number(parsed.port) : 5432,
    user: parsed.username ? decode(parsed.username) : undefined,
    password: parsed.password ? decode(parsed.password) : undefined,
    database: parsed.pathname.length > 1 ? decode(parsed.pathname.slice(1)) : undefined,
    application_name: 'nocoflo',
    max: 10,
    statement_timeout: 30_000,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  };
  let readOnly = false;
  let poolQueue = 100;
  const serverOptions: string[] = [];
  let sslMode: string | undefined;
  for (const [name, value] of parsed.searchParams) {
    switch (name) {
      case 'sslmode':
        if (!SSL_MODES.has(value))
          fail(displayUrl, `sslmode=${value} is unknown`, `Use one of ${[...SSL_MODES].join(', ')}.`);
        sslMode = value;
        break;
      case 'ssl':
        if (TRUE.has(value)) sslMode = 'require';
        else if (FALSE.has(value)) sslMode = 'disable';
        else fail(displayUrl, `ssl=${value} is not true or false`, 'Write ssl=true or sslmode=require.');
        break;
      case 'application_name':
        pool.application_name = value;
        break;
      case 'pool_queue':
        poolQueue = positiveInteger(displayUrl, name, value, 1);
        break;
      case 'pool_max':
      case 'max':
        pool.max = positiveInteger(displayUrl, name, value, 1);
        break;
      case 'statement_timeout':
        pool.statement_timeout = positiveInteger(displayUrl, name, value) || false;
        break;
      case 'connect_timeout':
        pool.connectionTimeoutMillis = positiveInteger(displayUrl, name, value) * 1000;
        break;
      case 'idle_timeout':
        pool.idleTimeoutMillis = positiveInteger(displayUrl, name, value);
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
        pool.port = positiveInteger(displayUrl, name, value, 1);
        break;
      case 'user':
        pool.user = value;
        break;
      case 'password':
        pool.password = value;
        break;
      case 'readonly':
        readOnly = TRUE.has(value.toLowerCase());
        break;
      default:
        fail(displayUrl, `unknown option ${name}`, `Known options: ${POSTGRES_URL_OPTIONS.join(', ')}.`);
    }
  }
  if (!pool.host) pool.host = 'localhost';
  if (sslMode && sslMode !== 'disable' && sslMode !== 'allow' && sslMode !== 'prefer') {
    // libpq's require/no-verify encrypt without checking the certificate; verify-* check it.
    pool.ssl = sslMode.startsWith('verify') ? { rejectUnauthorized: true } : { rejectUnauthorized: false };
  }
  if (serverOptions.length > 0) pool.options = serverOptions.join(' ');
  return { pool, displayUrl, readOnly, poolQueue };
}
