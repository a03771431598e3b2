import { Errors } from '../errors/catalog.js';
import { NocofloError } from '../errors/nocoflo-error.js';
import { redactUrl } from '../redact/redact.js';

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/**
 * A database server's URL (`scheme://user:password@host:port/database?option=value`) as
 * {@link parseConnectionUrl} reads it: its parts %-decoded, its options left to the
 * datasource, and ways to refuse a bad option with `NCF_CONNECTION_FAILED` that never show
 * the password.
 */
export interface ConnectionUrl {
  /** The URL with every credential redacted (the SDK's `redactUrl`): safe to show and log. */
  readonly displayUrl: string;
  /** The host name (an IPv6 address without its brackets), or undefined when the URL has none. */
  readonly host?: string;
  /** The port, or undefined when the URL has none. */
  readonly port?: number;
  /** The user name, or undefined when the URL has none. */
  readonly user?: string;
  /** The password, or undefined when the URL has none. Never put it in a message. */
  readonly password?: string;
  /** The path without its leading `/` (the database, for most servers), or undefined when empty. */
  readonly database?: string;
  /** The query-string options, in the order written (a name may repeat). */
  readonly options: URLSearchParams;
  /** Throws `NCF_CONNECTION_FAILED` for this URL (shown redacted) with the reason and a hint. */
  fail(reason: string, hint: string): never;
  /**
   * A yes/no option: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off`, in any case;
   * anything else fails naming the option.
   */
  flag(name: string, value: string): boolean;
  /**
   * A whole-number option of at least `min`; anything else (an empty value included) fails
   * naming the option, with `name=example` as the hint (default: `min`, at least 5).
   */
  wholeNumber(name: string, value: string, min: number, example?: number): number;
}

/** What {@link parseConnectionUrl} accepts. */
export interface ConnectionUrlFormat {
  /** The schemes accepted, without `:` (`['mysql', 'mariadb']`); the first names the URL in messages. */
  readonly schemes: readonly string[];
  /** A URL to show when the scheme is wrong, e.g. `postgres://user:password@host:5432/database`. */
  readonly example: string;
}

/**
 * Reads a database server's URL, the form most network databases use:
 * `scheme://user:password@host:port/database?option=value`. The scheme must be one of
 * `format.schemes` (any case); the user, password, host and path are %-decoded. A URL that is
 * not of the scheme, not a URL, or holds a broken %-escape throws `NCF_CONNECTION_FAILED`
 * with a hint, the URL shown with its credentials redacted. The options are the datasource's
 * to read, with the returned {@link ConnectionUrl.flag}, {@link ConnectionUrl.wholeNumber}
 * and {@link ConnectionUrl.fail}.
 *
 * @param url - The URL as the user wrote it.
 * @param format - The schemes accepted and an example to show when the scheme is wrong.
 * @returns The URL's parts, redacted form and options.
 *
 * @example
 * ```ts
 * import { parseConnectionUrl } from '@nocoflo/sdk/sql';
 *
 * function parseAcmeDbUrl(raw: string) {
 *   const url = parseConnectionUrl(raw, { schemes: ['acmedb'], example: 'acmedb://user:password@host:7000/db' });
 *   let poolMax = 5;
 *   let readOnly = false;
 *   for (const [name, value] of url.options) {
 *     if (name === 'pool_max') poolMax = url.wholeNumber(name, value, 1); // pool_max=0: NCF_CONNECTION_FAILED
 *     else if (name === 'readonly') readOnly = url.flag(name, value);
 *     else url.fail(`unknown option ${name}`, 'Known options: pool_max, readonly.');
 *   }
 *   return { host: url.host ?? 'localhost', port: url.port ?? 7000, database: url.database, poolMax, readOnly };
 * }
 * ```
 */
export function parseConnectionUrl(url: string, format: ConnectionUrlFormat): ConnectionUrl {
  const displayUrl = redactUrl(url);
  const fail = (reason: string, hint: string): never => {
    throw NocofloError.create(Errors.ConnectionFailed, [displayUrl, reason, hint]);
  };
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme || !format.schemes.some((accepted) => accepted.toLowerCase() === scheme)) {
    fail(`it is not a ${format.schemes[0]}:// URL`, `Write ${format.example}.`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(
      'it is not a valid URL',
      'Percent-encode special characters in the user name and password (e.g. @ as %40).',
    );
  }
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return fail('it has a broken %-escape', 'Escape special characters as %XX.');
    }
  };
  const result: { -readonly [K in keyof ConnectionUrl]: ConnectionUrl[K] } = {
    displayUrl,
    options: parsed.searchParams,
    fail,
    flag(name, value) {
      const lower = value.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return fail(`option ${name}=${value} is not true or false`, `Write ${name}=true or ${name}=false.`);
    },
    wholeNumber(name, value, min, example = Math.max(min, 5)) {
      const number = Number(value);
      if (value.trim() === '' || !Number.isInteger(number) || number < min) {
        fail(
          `option ${name}=${value} is not a whole number${min > 0 ? ` of at least ${min}` : ''}`,
          `Write e.g. ${name}=${example}.`,
        );
      }
      return number;
    },
  };
  if (parsed.hostname) result.host = decode(parsed.hostname.replace(/^\[|\]$/g, ''));
  if (parsed.port) result.port = Number(parsed.port);
  if (parsed.username) result.user = decode(parsed.username);
  if (parsed.password) result.password = decode(parsed.password);
  if (parsed.pathname.length > 1) result.database = decode(parsed.pathname.slice(1));
  return result;
}
