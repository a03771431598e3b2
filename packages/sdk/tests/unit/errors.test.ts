import { Errors, isNocofloError, NocofloError } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';

describe('NocofloError', () => {
  it('builds message and hint from the catalog entry and the facts', () => {
    const error = NocofloError.create(Errors.TableNotFound, ['ordrs', ['orders', 'customers']]);
    expect(error.code).toBe('NCF_TABLE_NOT_FOUND');
    expect(error.status).toBe(404);
    expect(error.message).toContain('"ordrs"');
    expect(error.message).toContain('orders, customers');
    expect(error.hint).toMatch(/case-sensitive/);
    expect(error.toJSON()).toEqual({
      code: error.code,
      title: error.title,
      message: error.message,
      hint: error.hint,
    });
  });

  it('is recognised by brand, with or without a code', () => {
    const error = NocofloError.create(Errors.InvalidQuery, ['limit must be positive']);
    expect(isNocofloError(error)).toBe(true);
    expect(isNocofloError(error, 'NCF_INVALID_QUERY')).toBe(true);
    expect(isNocofloError(error, Errors.InvalidQuery)).toBe(true);
    expect(isNocofloError(error, Errors.TableNotFound)).toBe(false);
    expect(isNocofloError(new Error('plain'))).toBe(false);
    // A copy made by another SDK instance carries the same global brand.
    const foreign = Object.assign(new Error('x'), { [Symbol.for('nocoflo.error')]: true, code: 'NCF_X' });
    expect(isNocofloError(foreign, 'NCF_X')).toBe(true);
  });

  it('gives every catalog entry a unique, stable-looking code and a real hint', () => {
    const codes = Object.values(Errors).map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^NCF_[A-Z_]+$/);
  });

  it('keeps the cause', () => {
    const cause = new Error('disk full');
    const error = NocofloError.create(Errors.DatasourceError, ['insert', 'disk full'], { cause });
    expect(error.cause).toBe(cause);
  });
});
