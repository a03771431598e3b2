import { describe, expect, it } from 'vitest';
import {
  canonicalTemporal,
  canonicalTime,
  canonicalTimestamp,
  displayText,
  isCalendarDate,
  parseBooleanText,
} from '../../src/index.js';
import { validateValue } from '../../src/sql/index.js';

const column = (type: 'timestamp' | 'timestamptz' | 'date') => ({
  name: 'at',
  type,
  nativeType: type,
  nullable: true,
  hasDefault: false,
});

describe('the value codec', () => {
  it('writes timestamps one way: space, seconds, no trailing zeros; a date alone is midnight', () => {
    expect(canonicalTimestamp('2021-01-01', false)).toBe('2021-01-01 00:00:00');
    expect(canonicalTimestamp('2024-02-03T10:00:00Z', false)).toBe('2024-02-03 10:00:00');
    expect(canonicalTimestamp('2024-02-03T10:00:00Z', true)).toBe('2024-02-03 10:00:00+00:00');
    expect(canonicalTimestamp('2024-02-03 10:00:00.500+0530', true)).toBe('2024-02-03 10:00:00.5+05:30');
    expect(canonicalTimestamp('2024-02-03T10:00', true)).toBe('2024-02-03 10:00:00');
    expect(canonicalTimestamp('2024-02-30 10:00:00', false)).toBeUndefined();
    expect(canonicalTimestamp('yesterday', false)).toBeUndefined();
    expect(canonicalTime('13:45')).toBe('13:45:00');
    expect(canonicalTemporal('timestamp', '2024-01-31T13:45:00.000')).toBe('2024-01-31 13:45:00');
  });

  it('is what validateValue returns, so SQLite stores an edit as its other values are', () => {
    expect(validateValue('t', column('timestamp'), '2024-02-03T10:00:00Z')).toBe('2024-02-03 10:00:00');
    expect(validateValue('t', column('timestamp'), '2021-01-01')).toBe('2021-01-01 00:00:00');
    expect(() => validateValue('t', column('date'), '2024-02-30')).toThrow(/2024-01-31/);
    expect(() => validateValue('t', column('timestamp'), 'soon')).toThrow(/2024-01-31 13:45:00/);
  });

  it('reads booleans as people type them, and checks calendar dates', () => {
    expect(['yes', 'Y', 'on', 'true', '1', ' t '].map(parseBooleanText)).toEqual(Array(6).fill(true));
    expect(['no', 'N', 'off', 'false', '0', 'f'].map(parseBooleanText)).toEqual(Array(6).fill(false));
    expect(parseBooleanText('maybe')).toBeUndefined();
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
  });

  it('shows every value one way', () => {
    expect(displayText('2024-01-31T13:45:00.000Z', 'timestamptz')).toBe('2024-01-31 13:45:00+00:00');
    expect(displayText('2024-01-31T13:45:00', 'timestamp')).toBe('2024-01-31 13:45:00');
    expect(displayText(12345678901234567890n)).toBe('12345678901234567890');
    expect(displayText(new Uint8Array(3))).toBe('‹3 bytes›');
    expect(displayText({ a: [1, 2n] })).toBe('{"a":[1,"2"]}');
    expect(displayText(null)).toBeUndefined();
  });
});
