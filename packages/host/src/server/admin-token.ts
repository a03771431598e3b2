/**
 * Where the admin token comes from: `NOCOFLO_ADMIN_TOKEN`, else a token file (`--admin-token-file`,
 * else `<dataDir>/admin-token`, created with a random token on first start). Never the
 * command line: other users and every child process can read a process's arguments. The
 * file is kept readable by its owner only (0600), and the variable is removed from the
 * environment once read, so plugins and child processes do not inherit it.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Errors, NocofloError } from '@nocoflo/sdk';
import { secretRedactor } from '../secrets/redact.js';

/** Name of the token file in the data folder. */
export const ADMIN_TOKEN_FILE = 'admin-token';

/** The admin token and where it came from. */
export interface ResolvedAdminToken {
  /** The token. */
  token: string;
  /** Where it came from: `NOCOFLO_ADMIN_TOKEN`, a token file, or a file created now. */
  source: 'environment' | 'file' | 'new file';
  /** The token file, when the token came from one. */
  path?: string;
}

/** Options of {@link resolveAdminToken}. */
export interface ResolveAdminTokenOptions {
  /** A token file to read instead of `<dataDir>/admin-token` (it must exist). */
  file?: string | undefined;
  /** Environment to read and scrub. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Resolves the admin token (see the module comment for the order) and adds it to the
 * secrets the host redacts from logs.
 *
 * @throws NocofloError `NCF_SECRET_REFUSED` when a given token file is missing or empty.
 */
export function resolveAdminToken(
  dataDir: string,
  options: ResolveAdminTokenOptions = {},
): ResolvedAdminToken {
  const env = options.env ?? process.env;
  const fromEnv = env.NOCOFLO_ADMIN_TOKEN;
  delete env.NOCOFLO_ADMIN_TOKEN;
  const resolved = resolve(dataDir, fromEnv, options.file);
  secretRedactor.add(resolved.token);
  return resolved;
}

function resolve(dataDir: string, fromEnv: string | undefined, file: string | undefined): ResolvedAdminToken {
  if (fromEnv) return { token: fromEnv, source: 'environment' };
  if (file) {
    const token = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (!token) {
      throw NocofloError.create(Errors.SecretRefused, [
        `the admin token file ${file}`,
        'it is missing or empty',
      ]);
    }
    chmodSync(file, 0o600);
    return { token, source: 'file', path: file };
  }
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (token) {
      chmodSync(path, 0o600);
      return { token, source: 'file', path };
    }
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('hex');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { token, source: 'new file', path };
}
