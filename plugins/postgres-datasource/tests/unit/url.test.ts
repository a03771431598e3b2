import { isNocofloError } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { parsePostgresUrl } from '../../src/index.js';

describe('parsePostgresUrl', () => {
  it('reads host, port, user, password and database, and hides the password', () => {
    const { pool, displayUrl } = parsePostgresUrl('postgresql://app:s%40cret@db.example.com:6543/shop');
    expect(pool).toMatchObject({
      host: 'db.example.com',
      port: 6543,
      user: 'app',
      password: 's@cret',
      database: 'shop',
    });
    expect(displayUrl).toBe('postgresql://app:***@db.example.com:6543/shop');
    expect(displayUrl).not.toContain('cret');
  });

  it('has defaults for pool size, statement timeout and application name', () => {
    const { pool } = parsePostgresUrl('postgres://localhost/db');
    expect(pool).toMatchObject({
      port: 5432,
      max: 10,
      statement_timeout: 30_000,
      application_name: 'nocoflo',
    });
    expect(pool.ssl).toBeUndefined();
  });

  it('reads the usual options', () => {
    const { pool, readOnly } = parsePostgresUrl(
      'postgres://u@h/db?sslmode=require&application_name=reports&pool_max=3&statement_timeout=5000&connect_timeout=2&search_path=sales,public&readonly=true',
    );
    expect(pool).toMatchObject({
      ssl: { rejectUnauthorized: false },
      application_name: 'reports',
      max: 3,
      statement_timeout: 5000,
      connectionTimeoutMillis: 2000,
      options: '-c search_path=sales,public',
    });
    expect(readOnly).toBe(true);
    expect(parsePostgresUrl('postgres://h/db?sslmode=verify-full').pool.ssl).toEqual({
      rejectUnauthorized: true,
    });
    expect(parsePostgresUrl('postgres://h/db?sslmode=disable').pool.ssl).toBeUndefined();
    expect(parsePostgresUrl('postgres:///db?host=/var/run/postgresql').pool.host).toBe('/var/run/postgresql');
    // Named prepared statements unless prepare=false.
    expect(parsePostgresUrl('postgres://h/db').prepare).toBe(true);
    expect(parsePostgresUrl('postgres://h/db?prepare=false').prepare).toBe(false);
  });

  it('refuses other schemes, unknown options and bad numbers with a hint', () => {
    for (const url of [
      'mysql://h/db',
      'postgres://h/db?sslmode=sometimes',
      'postgres://h/db?pool_max=0',
      'postgres://h/db?statement_timeout=soon',
      'postgres://h/db?poolsize=3',
      'postgres://h/db?prepare=sometimes',
    ]) {
      let error: unknown;
      try {
        parsePostgresUrl(url);
      } catch (caught) {
        error = caught;
      }
      expect(isNocofloError(error, 'NCF_CONNECTION_FAILED'), url).toBe(true);
      expect((error as { hint: string }).hint.length, url).toBeGreaterThan(10);
    }
  });
});
