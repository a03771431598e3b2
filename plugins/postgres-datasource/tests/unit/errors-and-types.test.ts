import type { ColumnSchema } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { columnOfDataError, connectionError, toNocofloError, withColumn } from '../../src/errors.js';
import { normalisePgType, pgTypes } from '../../src/index.js';

const scope = { url: 'postgres://u@h/db', operation: 'update', table: 'orders' };
const pgError = (code: string, message = 'boom', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { code, ...extra });

const column = (name: string, nativeType: string): ColumnSchema => ({
  name,
  type: 'text',
  nativeType,
  nullable: true,
  hasDefault: false,
  generated: false,
});

describe('the column a data exception is about', () => {
  const columns = [
    column('billing_city', 'character varying(40)'),
    column('billing_postal_code', 'character varying(10)'),
    column('customer_id', 'integer'),
    column('quantity', 'integer'),
  ];
  const tooLong = () => pgError('22001', 'value too long for type character varying(10)');

  it('is the one column written, whatever the message', () => {
    expect(columnOfDataError(tooLong(), columns, { billing_postal_code: 'x'.repeat(11) })).toBe(
      'billing_postal_code',
    );
  });

  it('is found by the type and value the message names when several are written', () => {
    const written = { billing_city: 'Oslo', billing_postal_code: '12345678901', customer_id: 1 };
    expect(columnOfDataError(tooLong(), columns, written)).toBe('billing_postal_code');
    const syntax = pgError('22P02', 'invalid input syntax for type integer: "abc"');
    expect(columnOfDataError(syntax, columns, { customer_id: 'abc', quantity: 2 })).toBe('customer_id');
  });

  it('ends up in the message instead of "(value)"', () => {
    const error = withColumn(tooLong(), columns, { billing_postal_code: '12345678901' });
    const mapped = toNocofloError(error, { ...scope, table: 'invoice' });
    expect(mapped.message).toContain('invoice.billing_postal_code');
    expect(mapped.message).not.toContain('(value)');
  });
});

describe('driver errors → catalog errors', () => {
  it('maps integrity violations, bad values and read-only transactions', () => {
    expect(toNocofloError(pgError('23505', 'duplicate key'), scope).code).toBe('NCF_CONSTRAINT_VIOLATION');
    expect(toNocofloError(pgError('23503', 'fk'), scope).code).toBe('NCF_CONSTRAINT_VIOLATION');
    expect(toNocofloError(pgError('23502', 'not null'), scope).code).toBe('NCF_CONSTRAINT_VIOLATION');
    const invalid = toNocofloError(pgError('22P02', 'invalid input syntax', { column: 'qty' }), scope);
    expect(invalid.code).toBe('NCF_INVALID_VALUE');
    expect(invalid.message).toContain('orders.qty');
    expect(toNocofloError(pgError('25006', 'read-only transaction'), scope).code).toBe('NCF_READ_ONLY');
    expect(toNocofloError(pgError('42601', 'syntax'), scope).code).toBe('NCF_DATASOURCE_ERROR');
  });

  it('gives every connection failure its own hint', () => {
    const cases: [Error, RegExp][] = [
      [pgError('28P01', 'password authentication failed'), /password/i],
      [pgError('28000', 'role "x" does not exist'), /user name/i],
      [pgError('3D000', 'database "x" does not exist'), /createdb/],
      [pgError('ECONNREFUSED', 'connect ECONNREFUSED'), /pg_isready/],
      [pgError('ENOTFOUND', 'getaddrinfo ENOTFOUND', { hostname: 'dbb' }), /typos/],
      [new Error('timeout expired'), /connect_timeout/],
      [new Error('The server does not support SSL connections'), /sslmode/],
    ];
    const hints = new Set<string>();
    for (const [error, hint] of cases) {
      const mapped = connectionError('postgres://u@h/db', error);
      expect(mapped.code).toBe('NCF_CONNECTION_FAILED');
      expect(mapped.hint, error.message).toMatch(hint);
      hints.add(mapped.hint);
      expect(toNocofloError(error, scope).code).toBe('NCF_CONNECTION_FAILED');
    }
    expect(hints.size).toBe(cases.length);
  });
});

describe('pg_catalog types', () => {
  it('normalises names, arrays and enums', () => {
    expect(normalisePgType({ name: 'int8', kind: 'b', category: 'N' })).toBe('integer');
    expect(normalisePgType({ name: 'numeric', kind: 'b', category: 'N' })).toBe('decimal');
    expect(normalisePgType({ name: 'timestamptz', kind: 'b', category: 'D' })).toBe('timestamptz');
    expect(normalisePgType({ name: 'jsonb', kind: 'b', category: 'U' })).toBe('json');
    expect(normalisePgType({ name: '_int4', kind: 'b', category: 'A' })).toBe('array');
    expect(normalisePgType({ name: 'mood', kind: 'e', category: 'E' })).toBe('enum');
    expect(normalisePgType({ name: 'inet', kind: 'b', category: 'I' })).toBe('unknown');
  });

  it('parses values in the SDK conventions', () => {
    const parse = (oid: number, text: string) => pgTypes.getTypeParser(oid)(text);
    expect(parse(20, '42')).toBe(42);
    expect(parse(20, '-9223372036854775808')).toBe(-9223372036854775808n);
    expect(parse(1700, '12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
    expect(parse(1082, '2024-02-29')).toBe('2024-02-29');
    expect(parse(1114, '2024-02-29 13:45:00.5')).toBe('2024-02-29T13:45:00.5');
    expect(parse(1184, '2024-02-29 13:45:00+00')).toBe('2024-02-29T13:45:00+00:00');
    expect(parse(1184, '2024-02-29 13:45:00.123+05:30')).toBe('2024-02-29T13:45:00.123+05:30');
    expect(parse(1016, '{1,NULL,9007199254740993}')).toEqual([1, null, 9007199254740993n]);
    expect(parse(1231, '{1.10,2}')).toEqual(['1.10', '2']);
    expect(parse(17, '\\x00ff')).toEqual(new Uint8Array([0, 255]));
    expect(parse(3802, '{"a":[1]}')).toEqual({ a: [1] });
  });
});
