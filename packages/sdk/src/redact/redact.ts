/**
 * The one place credentials are taken out of text before it is shown or logged: datasource
 * URLs on pages and in API answers, connection errors, log lines. Every surface calls
 * these, so a credential form handled here is handled everywhere.
 *
 * Forms handled: userinfo passwords (`scheme://user:secret@host`, also with an unencoded
 * `@` or `/` inside the password), credential query parameters (`password`, `sslpassword`,
 * `sslkey`, `token`, `access_token`, `api_key`, `secret`, `signature`, …) in URLs and in
 * `key=value` connection strings.
 */

/** What a removed credential is shown as. */
export const REDACTED_CREDENTIAL = '***';

/** Parameter names whose values are credentials (or, like `sslkey`, point at one). */
const CREDENTIAL_NAME =
  /^(?:password|passwd|pwd|pass|sslpassword|sslkey|passfile|token|access_token|refresh_token|id_token|auth|auth_token|authorization|api[-_]?key|apikey|key|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|credentials?|session)$/i;

/** Whether a query or connection-string parameter name holds a credential. */
export function isCredentialName(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name);
  } catch {
    // keep the raw name
  }
  return CREDENTIAL_NAME.test(decoded) || /(?:password|secret|token|api[-_]?key)/i.test(decoded);
}

const SCHEME = /^([a-z][a-z0-9+.-]*:\/\/)/i;

/** The userinfo's password replaced, for `scheme://user:pass@host…` (the last `@` before the query ends it). */
function redactUserinfo(url: string): string {
  const scheme = SCHEME.exec(url);
  if (!scheme) return url;
  const start = scheme[1]!.length;
  const queryAt = url.slice(start).search(/[?#]/);
  const authorityEnd = queryAt === -1 ? url.length : start + queryAt;
  // A password may hold an unencoded `@` or `/`: the userinfo ends at the last `@`.
  const at = url.lastIndexOf('@', authorityEnd - 1);
  if (at < start) return url;
  const userinfo = url.slice(start, at);
  const colon = userinfo.indexOf(':');
  if (colon === -1) {
    // `scheme://token@host`: a lone userinfo is often a token; keep it only when it looks like a user name.
    return /^[\w.-]{1,64}$/.test(userinfo) && !/\d{6,}|[A-Za-z0-9]{24,}/.test(userinfo)
      ? url
      : `${url.slice(0, start)}${REDACTED_CREDENTIAL}${url.slice(at)}`;
  }
  return `${url.slice(0, start)}${userinfo.slice(0, colon)}:${REDACTED_CREDENTIAL}${url.slice(at)}`;
}

/** Credential values of `name=value` pairs (in a query string or a libpq-style connection string) replaced. */
function redactParameters(text: string): string {
  return text.replace(
    // A value ends at the next separator; sentence punctuation right before it is kept.
    /(^|[?&;\s])([A-Za-z0-9_.%-]+)=('[^']*'|"[^"]*"|[^&;\s#]*?)(?=[.,:)\]]*(?:[&;\s#]|$))/g,
    (whole, lead: string, name: string) =>
      isCredentialName(name) ? `${lead}${name}=${REDACTED_CREDENTIAL}` : whole,
  );
}

/**
 * A URL (or a libpq-style `key=value` connection string) with every credential replaced by
 * `***`: the userinfo password and credential query parameters. Safe to show and log.
 *
 * @example
 * ```ts
 * import { redactUrl } from '@nocoflo/sdk';
 * redactUrl('postgres://app:p@ss@db:5432/shop?sslpassword=x&application_name=ui');
 * // 'postgres://app:***@db:5432/shop?sslpassword=***&application_name=ui'
 * ```
 */
export function redactUrl(url: string): string {
  return redactParameters(redactUserinfo(url));
}

/**
 * Free text (an error message, a log line) with the credentials of every URL and
 * `key=value` pair in it replaced by `***`.
 *
 * @example
 * ```ts
 * import { redactCredentials } from '@nocoflo/sdk';
 * redactCredentials('could not connect to postgres://u:hunter2@db/x');
 * // 'could not connect to postgres://u:***@db/x'
 * ```
 */
export function redactCredentials(text: string): string {
  const urls = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (match) => {
    // Sentence punctuation after a URL in a message is not part of it.
    const url = match.replace(/[.,:;)\]]+$/, '');
    return redactUrl(url) + match.slice(url.length);
  });
  return redactParameters(urls);
}
