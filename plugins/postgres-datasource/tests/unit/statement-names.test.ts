import { describe, expect, it } from 'vitest';
import { MAX_NAMED_STATEMENTS, StatementNames } from '../../src/statement-names.js';

const serverError = (code: string) => Object.assign(new Error(`server said ${code}`), { code });

describe('StatementNames', () => {
  it('gives each distinct text one name, the same every time', () => {
    const names = new StatementNames(true);
    const a = names.nameOf('SELECT 1');
    const b = names.nameOf('SELECT 2');
    expect(a).toMatch(/^ncf_[0-9a-f]{8}_\d+$/);
    expect(b).not.toBe(a);
    expect(names.nameOf('SELECT 1')).toBe(a);
  });

  it('names two datasources’ statements apart, for servers that share one session', () => {
    expect(new StatementNames(true).nameOf('SELECT 1')).not.toBe(new StatementNames(true).nameOf('SELECT 1'));
  });

  it(`names the first ${MAX_NAMED_STATEMENTS} texts and runs the rest unnamed`, () => {
    const names = new StatementNames(true);
    const given = Array.from({ length: MAX_NAMED_STATEMENTS }, (_, i) => names.nameOf(`SELECT ${i}`));
    expect(new Set(given).size).toBe(MAX_NAMED_STATEMENTS);
    expect(given.every((name) => name !== undefined)).toBe(true);
    expect(names.nameOf('SELECT -1')).toBeUndefined();
    // The ones named keep their names.
    expect(names.nameOf('SELECT 0')).toBe(given[0]);
  });

  it('names nothing when turned off (prepare=false)', () => {
    const names = new StatementNames(false);
    expect(names.enabled).toBe(false);
    expect(names.nameOf('SELECT 1')).toBeUndefined();
  });

  it('stops naming when the server does not keep named statements (26000, 42P05)', () => {
    for (const code of ['26000', '42P05']) {
      const names = new StatementNames(true);
      expect(names.nameOf('SELECT 1')).toBeDefined();
      expect(names.retryUnnamed('SELECT 1', serverError(code))).toBe(true);
      expect(names.enabled).toBe(false);
      expect(names.nameOf('SELECT 1')).toBeUndefined();
      expect(names.nameOf('SELECT 2')).toBeUndefined();
    }
  });

  it('retires one text whose plan changed result type (0A000), never naming it again', () => {
    const names = new StatementNames(true);
    const kept = names.nameOf('SELECT a FROM t');
    const retired = names.nameOf('SELECT b FROM t');
    expect(names.retryUnnamed('SELECT b FROM t', serverError('0A000'))).toBe(true);
    expect(names.nameOf('SELECT b FROM t')).toBeUndefined();
    expect(names.nameOf('SELECT a FROM t')).toBe(kept);
    // A new text never gets a retired name.
    expect(names.nameOf('SELECT c FROM t')).not.toBe(retired);
    expect(names.enabled).toBe(true);
  });

  it('leaves every other error to the caller', () => {
    const names = new StatementNames(true);
    names.nameOf('SELECT 1');
    expect(names.retryUnnamed('SELECT 1', serverError('42P01'))).toBe(false);
    expect(names.retryUnnamed('SELECT 1', new Error('socket closed'))).toBe(false);
    expect(names.retryUnnamed('SELECT 1', undefined)).toBe(false);
    // 0A000 for a text that was never named is not about naming.
    expect(names.retryUnnamed('SELECT 9', serverError('0A000'))).toBe(false);
    expect(names.enabled).toBe(true);
  });
});
