import { isAbsolute, resolve } from 'node:path';
import { Errors, NocofloError } from '@nocoflo/sdk';

/** Where and how to open a SQLite database, as read from a `sqlite:` URL. */
export interface SqliteLocation {
  /** Absolute file path, or `:memory:`. */
  filename: string;
  /** Whether the database lives in memory only. */
  memory: boolean;
  /** `?mode=ro` or `?readonly=true` asks for read-only. */
  readOnly: boolean;
  /** `?mode=rwc` or `?create=true` creates the file when it is missing. */
  create: boolean;
  /** `?timeout=<ms>`: how long a write waits for another writer's lock. Default 5,000. */
  busyTimeoutMs: number;
  /** `?foreign_keys=off` turns foreign-key enforcement off (it is on by default). */
  foreignKeys: boolean;
  /** `?wal=off` leaves the journal mode alone (WAL is used for writable files by default). */
  wal: boolean;
}

const SCHEMES = ['sqlite:', 'sqlite3:'];
const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

function fail(url: string, reason: string, hint: string): never {
  throw NocofloError.create(Errors.ConnectionFailed, [url, reason, hint]);
}

function flag(url: string, name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return fail(url, `option ${name}=${value} is not a yes/no value`, `Write ${name}=true or ${name}=false.`);
}

/**
 * Reads a SQLite URL: `sqlite:./data.db` (relative to `cwd`), `sqlite:///abs/path.db`,
 * `sqlite:/abs/path.db`, `sqlite::memory:`, and the same with `sqlite3:`. Options go in the
 * query string: `mode=ro|rw|rwc`, `readonly`, `create`, `timeout`, `foreign_keys`, `wal`.
 */
export function parseSqliteUrl(url: string, cwd: string): SqliteLocation {
  const scheme = SCHEMES.find((prefix) => url.toLowerCase().startsWith(prefix));
  if (!scheme) {
    fail(
      url,
      'it is not a sqlite: URL',
      'Write sqlite:./file.db, sqlite:///absolute/path.db or sqlite::memory:.',
    );
  }
  let rest = url.slice(scheme.length);
  let query = '';
  const questionMark = rest.indexOf('?');
  if (questionMark >= 0) {
    query = rest.slice(questionMark + 1);
    rest = rest.slice(0, questionMark);
  }
  const location: SqliteLocation = {
    filename: '',
    memory: false,
    readOnly: false,
    create: false,
    busyTimeoutMs: 5000,
    foreignKeys: true,
    wal: true,
  };
  for (const [name, value] of new URLSearchParams(query)) {
    switch (name) {
      case 'mode':
        if (value === 'ro') location.readOnly = true;
        else if (value === 'rwc') location.create = true;
        else if (value !== 'rw')
          fail(url, `mode=${value} is not ro, rw or rwc`, 'Write mode=ro, mode=rw or mode=rwc.');
        break;
      case 'readonly':
      case 'readOnly':
        location.readOnly = flag(url, name, value);
        break;
      case 'create':
        location.create = flag(url, name, value);
        break;
      case 'foreign_keys':
        location.foreignKeys = flag(url, name, value);
        break;
      case 'wal':
        location.wal = flag(url, name, value);
        break;
      case 'timeout': {
        const ms = Number(value);
        if (!Number.isInteger(ms) || ms < 0)
          fail(url, `timeout=${value} is not a number of milliseconds`, 'Write e.g. timeout=5000.');
        location.busyTimeoutMs = ms;
        break;
      }
      default:
        fail(
          url,
          `unknown option ${name}`,
          'Known options: mode=ro|rw|rwc, readonly, create, timeout, foreign_keys, wal.',
        );
    }
  }
  if (rest === ':memory:' || rest === '//:memory:' || rest === '') {
    if (rest === '') fail(url, 'it names no file', 'Write sqlite:./file.db or sqlite::memory:.');
    return { ...location, filename: ':memory:', memory: true };
  }
  // sqlite:///abs → /abs; sqlite://rel.db → rel.db (no host part exists for files).
  if (rest.startsWith('//')) rest = rest.slice(2);
  let path: string;
  try {
    path = decodeURIComponent(rest);
  } catch {
    return fail(url, 'its path has a broken %-escape', 'Escape special characters in the path as %XX.');
  }
  if (path.includes('\0')) fail(url, 'its path contains a NUL character', 'Remove it from the path.');
  return { ...location, filename: isAbsolute(path) ? path : resolve(cwd, path) };
}
