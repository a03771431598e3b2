/**
 * `pg`, imported the first time a PostgreSQL metadata store or plugin namespace opens: a host
 * on the default SQLite store never loads the driver (it is a good part of start-up time and
 * memory otherwise).
 */
import type pg from 'pg';

/** The `pg` module, loaded once on first use. */
export async function loadPg(): Promise<typeof pg> {
  return (await import('pg')).default;
}
