import { describe, expect, it } from 'vitest';
import { enumLabels, mysqlDialect, normaliseMysqlType, parseMysqlUrl } from '../../src/index.js';

describe('parseMysqlUrl', () => {
  it('reads user, password, host, port, database and options; hides the password', () => {
    const location = parseMysqlUrl(
      'mysql://app%40x:p%3Ass@db.example:3307/shop?pool_max=3&pool_queue=1&connect_timeout=2&statement_timeout=0&sslmode=verify-full&readonly=true',
    );
    expect(location).toMatchObject({
      host: 'db.example',
      port: 3307,
      user: 'app@x',
      password: 'p:ss',
      database: 'shop',
      poolMax: 3,
      poolQueue: 1,
      connectTimeoutMs: 2000,
      statementTimeoutMs: 0,
      ssl: { rejectUnauthorized: true },
      readOnly: true,
    });
    expect(location.displayUrl).not.toContain('p%3Ass');
    expect(parseMysqlUrl('mariadb://root@127.0.0.1/test')).toMatchObject({
      port: 3306,
      poolMax: 5,
      poolQueue: 100,
    });
  });

  it('refuses what it cannot use, saying what to write', () => {
    const code = (url: string) => {
      try {
        parseMysqlUrl(url);
        return 'ok';
      } catch (error) {
        return `${(error as { code: string }).code} ${(error as Error).message}`;
      }
    };
    expect(code('postgres://x/y')).toMatch(/NCF_CONNECTION_FAILED.*not a mysql/);
    expect(code('mysql://root@host')).toMatch(/names no database/);
    expect(code('mysql://root@host/db?pool_max=0')).toMatch(/pool_max=0 is not a whole number/);
    expect(code('mysql://root:secret@host/db?what=1')).toMatch(/unknown option what/);
    expect(code('mysql://root:secret@host/db?what=1')).not.toContain('secret');
  });
});

describe('normaliseMysqlType', () => {
  it('maps MySQL and MariaDB types onto the SDK types', () => {
    const t = (dataType: string, columnType = dataType, json = false) =>
      normaliseMysqlType({ dataType, columnType, json });
    expect(t('tinyint', 'tinyint(1)')).toBe('boolean');
    expect(t('tinyint', 'tinyint(4)')).toBe('integer');
    expect(t('bit', 'bit(1)')).toBe('boolean');
    expect(t('bit', 'bit(8)')).toBe('binary');
    expect(t('bigint', 'bigint(20) unsigned')).toBe('integer');
    expect(t('decimal', 'decimal(10,2)')).toBe('decimal');
    expect(t('double')).toBe('float');
    expect(t('varchar', 'varchar(20)')).toBe('text');
    expect(t('longtext', 'longtext', true)).toBe('json');
    expect(t('json')).toBe('json');
    expect(t('datetime')).toBe('timestamp');
    expect(t('timestamp')).toBe('timestamptz');
    expect(t('enum', "enum('a','b')")).toBe('enum');
    expect(t('longblob')).toBe('binary');
    expect(t('uuid')).toBe('uuid');
    expect(t('point')).toBe('unknown');
  });

  it('reads enum labels with quotes and commas', () => {
    expect(enumLabels("enum('a','it''s, b','')")).toEqual(['a', "it's, b", '']);
  });
});

describe('mysqlDialect', () => {
  const column = (type: string) =>
    ({ name: 'c', type, nativeType: type, nullable: true, hasDefault: false }) as never;
  it('binds integers as BIGINT and decimals as DECIMAL, so comparisons stay exact', () => {
    expect(String((mysqlDialect.toParam(2n ** 53n + 1n, column('integer')) as { type: number }).type)).toBe(
      '8',
    );
    expect((mysqlDialect.toParam(2n ** 64n - 1n, column('integer')) as { unsigned: boolean }).unsigned).toBe(
      true,
    );
    expect((mysqlDialect.toParam('12.50', column('decimal')) as { value: string }).value).toBe('12.50');
  });
  it('writes timestamps as DATETIME literals, instants in UTC', () => {
    expect(mysqlDialect.toParam('2024-01-02T03:04:05.5', column('timestamp'))).toBe('2024-01-02 03:04:05.5');
    expect(mysqlDialect.toParam('2024-01-02T03:04:05+02:00', column('timestamptz'))).toBe(
      '2024-01-02 01:04:05.000',
    );
    expect(mysqlDialect.toParam('2024-01-02T03:04:05Z', column('timestamptz'))).toBe('2024-01-02 03:04:05');
  });
});
