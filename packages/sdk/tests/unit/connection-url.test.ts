import { describe, expect, it } from 'vitest';
import { isNocofloError } from '../../src/index.js';
import { parseConnectionUrl } from '../../src/sql/index.js';

const format = { schemes: ['acme', 'acmedb'], example: 'acme://user:password@host:7000/db' };

/** The NCF_CONNECTION_FAILED `run` throws: its message and hint. */
function failure(run: () => unknown): { message: string; hint: string } {
  try {
    run();
  } catch (error) {
    if (isNocofloError(error, 'NCF_CONNECTION_FAILED')) return { message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('it did not throw');
}

describe('parseConnectionUrl', () => {
  it('reads the parts of a server URL, %-decoded, with the password redacted for display', () => {
    const url = parseConnectionUrl(
      'ACMEDB://ad%40min:p%2Fss@db.example:7001/my%20db?pool_max=3&x=1&x=2',
      format,
    );
    expect(url).toMatchObject({
      host: 'db.example',
      port: 7001,
      user: 'ad@min',
      password: 'p/ss',
      database: 'my db',
    });
    expect(url.displayUrl).not.toContain('p%2Fss');
    expect([...url.options]).toEqual([
      ['pool_max', '3'],
      ['x', '1'],
      ['x', '2'],
    ]);
  });

  it('leaves out what the URL does not say, and unbrackets an IPv6 host', () => {
    const url = parseConnectionUrl('acme://[::1]', format);
    expect(url.host).toBe('::1');
    for (const part of ['port', 'user', 'password', 'database'] as const) expect(url[part]).toBeUndefined();
  });

  it('refuses another scheme, a broken URL or %-escape with NCF_CONNECTION_FAILED, never showing the password', () => {
    expect(failure(() => parseConnectionUrl('postgres://u:secret@h/db', format))).toEqual({
      message: expect.stringMatching(/it is not a acme:\/\/ URL/),
      hint: 'Write acme://user:password@host:7000/db.',
    });
    expect(failure(() => parseConnectionUrl('acme://u:secret@h:99999/db', format)).message).toMatch(
      /not a valid URL/,
    );
    const broken = failure(() => parseConnectionUrl('acme://u:secret@h/%E0%A4%A', format));
    expect(broken.message).toMatch(/broken %-escape/);
    for (const bad of ['postgres://u:secret@h/db', 'acme://u:secret@h/%E0%A4%A']) {
      expect(failure(() => parseConnectionUrl(bad, format)).message).not.toContain('secret');
    }
  });

  it('reads yes/no options in any case and refuses anything else, naming the option', () => {
    const url = parseConnectionUrl('acme://h/db', format);
    expect(['1', 'TRUE', 'yes', 'On'].map((value) => url.flag('readonly', value))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['0', 'false', 'NO', 'off'].map((value) => url.flag('readonly', value))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(failure(() => url.flag('readonly', 'ture'))).toEqual({
      message: expect.stringContaining('option readonly=ture is not true or false'),
      hint: 'Write readonly=true or readonly=false.',
    });
  });

  it('reads whole-number options with a floor and refuses empty, fractional or smaller ones', () => {
    const url = parseConnectionUrl('acme://h/db', format);
    expect(url.wholeNumber('pool_max', '12', 1)).toBe(12);
    expect(url.wholeNumber('statement_timeout', '0', 0)).toBe(0);
    for (const value of ['', ' ', '1.5', 'ten', '0']) {
      expect(failure(() => url.wholeNumber('pool_max', value, 1))).toEqual({
        message: expect.stringContaining(`option pool_max=${value} is not a whole number of at least 1`),
        hint: 'Write e.g. pool_max=5.',
      });
    }
    expect(failure(() => url.wholeNumber('idle_timeout', '-1', 0, 30000))).toEqual({
      message: expect.stringContaining('option idle_timeout=-1 is not a whole number.'),
      hint: 'Write e.g. idle_timeout=30000.',
    });
  });

  it('fails with the redacted URL, the reason and the hint', () => {
    const url = parseConnectionUrl('acme://u:secret@h/db', format);
    const refused = failure(() => url.fail('unknown option x', 'Known options: pool_max.'));
    expect(refused.message).toMatch(/unknown option x/);
    expect(refused.message).not.toContain('secret');
    expect(refused.hint).toBe('Known options: pool_max.');
  });
});
