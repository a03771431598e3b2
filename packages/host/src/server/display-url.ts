/**
 * How the server shows a datasource to a caller without the admin token: credentials
 * removed (by the SDK's one redaction function) and a SQLite database file shown relative
 * to the host's root, never as an absolute path of the machine. The same rules apply to
 * error text about these datasources.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { redactCredentials, redactUrl } from '@nocoflo/sdk';

const SQLITE = /^(sqlite3?:)(\/\/)?([^?#]*)(.*)$/i;

/** The absolute file a `sqlite:` URL names (relative ones resolved against `root`), if it names one. */
export function sqliteFile(url: string, root: string): string | undefined {
  const match = SQLITE.exec(url);
  if (!match) return undefined;
  const path = decodeURIComponentSafe(match[3] ?? '');
  if (path === '' || path === ':memory:') return undefined;
  return resolve(root, path);
}

/** A file path as shown: relative to `root` when inside it, else only its name. */
export function displayPath(file: string, root: string): string {
  const rel = relative(root, file);
  if (rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel))
    return rel.split(sep).join('/');
  return `…/${file.split(/[\\/]/).pop() ?? ''}`;
}

/**
 * A datasource URL as shown on pages and in `/api/datasources`: credentials redacted, a
 * SQLite file relative to `root`.
 *
 * @example
 * ```ts
 * displayDatasourceUrl('sqlite:/srv/app/data/shop.db', '/srv/app'); // 'sqlite:data/shop.db'
 * displayDatasourceUrl('postgres://u:pw@db/shop', '/srv/app'); // 'postgres://u:***@db/shop'
 * ```
 */
export function displayDatasourceUrl(url: string, root: string): string {
  const redacted = redactUrl(url);
  const file = sqliteFile(redacted, root);
  if (!file) return redacted;
  const match = SQLITE.exec(redacted)!;
  return `${match[1]}${displayPath(file, root)}${match[4] ?? ''}`;
}

/**
 * Error or page text made safe to show: credentials redacted, the given datasource URLs and
 * their SQLite files shown as {@link displayDatasourceUrl} shows them, and any other path
 * under `root` relative to it.
 */
export function scrubText(text: string, root: string, urls: readonly string[]): string {
  let out = text;
  for (const url of urls) {
    if (url.length > 0) out = out.split(url).join(displayDatasourceUrl(url, root));
    const file = sqliteFile(url, root);
    if (file) out = out.split(file).join(displayPath(file, root));
  }
  out = redactCredentials(out);
  const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
  return out.split(prefix).join('').split(root).join('.');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
