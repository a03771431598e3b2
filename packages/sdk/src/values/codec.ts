/**
 * The one value codec: how dates, times, timestamps, booleans, decimals, big integers and
 * bytes are read from text (a filter, a form, JSON), written as text (SQLite keeps
 * timestamps as text), compared and shown. The SDK's SQL helpers, the host's server and
 * the testing kit all use it, so a value means the same everywhere, and a timestamp looks
 * the same (`2024-01-31 13:45:00`) whichever database it comes from.
 */
import type { CellValue, ColumnType } from '../datasource/types.js';

/** Examples used in every message about a value's form, so they never disagree. */
export const VALUE_EXAMPLES: {
  /** A date. */
  readonly date: '2024-01-31';
  /** A time of day. */
  readonly time: '13:45:00';
  /** A timestamp without time zone. */
  readonly timestamp: '2024-01-31 13:45:00';
  /** A timestamp with time zone. */
  readonly timestamptz: '2024-01-31 13:45:00+00:00';
  /** An exact decimal (given as a string). */
  readonly decimal: '"12.50"';
  /** The booleans people may type. */
  readonly boolean: 'true or false (also yes/no, 1/0, on/off)';
} = {
  date: '2024-01-31',
  time: '13:45:00',
  timestamp: '2024-01-31 13:45:00',
  timestamptz: '2024-01-31 13:45:00+00:00',
  decimal: '"12.50"',
  boolean: 'true or false (also yes/no, 1/0, on/off)',
};

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TIMESTAMP =
  /^(\d{4}-\d{2}-\d{2})(?:[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TRUE_TEXT = /^(true|t|yes|y|on|1)$/i;
const FALSE_TEXT = /^(false|f|no|n|off|0)$/i;

/** Whether `YYYY-MM-DD` is a real calendar day (no 2024-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    day.getUTCFullYear() === Number(m[1]) &&
    day.getUTCMonth() === Number(m[2]) - 1 &&
    day.getUTCDate() === Number(m[3])
  );
}

/** `Z` → `+00:00`, `+02` → `+02:00`, `+0530` → `+05:30`. */
function canonicalOffset(offset: string): string {
  if (/^z$/i.test(offset)) return '+00:00';
  const digits = offset.slice(1).replace(':', '');
  return `${offset[0]}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
}

/** Fractional seconds without trailing zeros, or nothing. */
function fraction(digits: string | undefined): string {
  const trimmed = (digits ?? '').replace(/0+$/, '');
  return trimmed ? `.${trimmed}` : '';
}

/**
 * The canonical text of a timestamp: `YYYY-MM-DD HH:MM:SS[.fff]`, with `±HH:MM` when
 * `withZone` (a `timestamptz`) and the text has an offset. A date alone means its midnight.
 * A `timestamp` (without time zone) keeps the wall time it is given and drops an offset, as
 * PostgreSQL does. Undefined when the text is not a timestamp.
 */
export function canonicalTimestamp(text: string, withZone: boolean): string | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m?.[1] || !isCalendarDate(m[1])) return undefined;
  const [, day, hh = '00', mm = '00', ss = '00', frac, offset] = m;
  const zone = withZone && offset ? canonicalOffset(offset) : '';
  return `${day} ${hh}:${mm}:${ss}${fraction(frac)}${zone}`;
}

/** The canonical text of a time of day: `HH:MM:SS[.fff][±HH:MM]`. Undefined when it is not one. */
export function canonicalTime(text: string): string | undefined {
  const m = TIME.exec(text.trim());
  if (!m) return undefined;
  const [, hh, mm, ss = '00', frac, offset] = m;
  return `${hh}:${mm}:${ss}${fraction(frac)}${offset ? canonicalOffset(offset) : ''}`;
}

/** A boolean from text a person typed (`yes`, `off`, `1`, …); undefined when it is none. */
export function parseBooleanText(text: string): boolean | undefined {
  const trimmed = text.trim();
  if (TRUE_TEXT.test(trimmed)) return true;
  if (FALSE_TEXT.test(trimmed)) return false;
  return undefined;
}

/**
 * The canonical text of a temporal value of a column type, for comparing values that
 * databases spell differently (`T` or space, `Z` or `+00:00`, trailing zeros). Other text is
 * returned trimmed.
 */
export function canonicalTemporal(type: ColumnType | undefined, text: string): string {
  if (type === 'time') return canonicalTime(text) ?? text.trim();
  if (type === 'date') return text.trim();
  return canonicalTimestamp(text, type !== 'timestamp') ?? text.trim();
}

/**
 * How a value is shown as text, the same in every view: timestamps as
 * `YYYY-MM-DD HH:MM:SS`, bigints in full, bytes as their size, JSON as JSON. Undefined for NULL.
 */
export function displayText(value: CellValue | undefined, type?: ColumnType): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    if (type === 'timestamp' || type === 'timestamptz' || type === 'time')
      return canonicalTemporal(type, value);
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Uint8Array) return `‹${value.byteLength} bytes›`;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}
