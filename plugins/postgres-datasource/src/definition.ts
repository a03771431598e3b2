import type { DatasourceOpenOptions } from '@nocoflo/sdk';
import pg from 'pg';
import { PostgresDatasource } from './datasource.js';
import { connectionError } from './errors.js';
import { pgTypes } from './types.js';
import { parsePostgresUrl } from './url.js';

/** Options of {@link openPostgres}: the host's open options. */
export type PostgresOpenOptions = DatasourceOpenOptions;

/**
 * Opens a PostgreSQL database through a `pg` pool and checks that it answers, so a wrong
 * password, unknown host, closed port or missing database fails here with
 * `NCF_CONNECTION_FAILED` and a hint. The pool holds at most `pool_max` connections (default
 * 10), and never more than the host's `maxConnections`; when all are busy, up to `pool_queue`
 * requests wait (at most `connect_timeout`), and the rest are refused with
 * `503 NCF_DATASOURCE_BUSY` rather than queued.
 *
 * @example
 * ```ts
 * import { openPostgres } from '@nocoflo/postgres-datasource';
 * const ds = await openPostgres('postgres://app@db.internal:5432/shop?sslmode=require&pool_max=5');
 * const { rows } = await ds.aggregate('invoice_line', { measures: [{ fn: 'sum', column: 'unit_price' }] });
 * await ds.close();
 * ```
 */
export async function openPostgres(
  url: string,
  options: PostgresOpenOptions = {},
): Promise<PostgresDatasource> {
  const location = parsePostgresUrl(url);
  const readOnly = options.readOnly === true || location.readOnly;
  const config: pg.PoolConfig = { ...location.pool, types: pgTypes };
  // Never more than the host can spare of its connection budget, whatever pool_max says.
  if (options.maxConnections !== undefined)
    config.max = Math.max(1, Math.min(config.max ?? 10, options.maxConnections));
  if (readOnly) {
    // Belt and braces: the datasource refuses writes itself; the server refuses them too.
    config.options = [config.options, '-c default_transaction_read_only=on'].filter(Boolean).join(' ');
  }
  const pool = new pg.Pool(config);
  // An idle pooled client whose server goes away emits 'error'; without a listener that
  // would crash the process. The next query reports the failure instead.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw connectionError(location.displayUrl, error);
  }
  return new PostgresDatasource(pool, location.displayUrl, !readOnly, {
    maxConnections: config.max ?? 10,
    poolQueue: location.poolQueue,
    prepare: location.prepare,
  });
}
