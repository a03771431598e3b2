/**
 * Where the admin token comes from: the command line, else `NOCOFLO_ADMIN_TOKEN`, else a
 * file in the data folder created with a random token on first start (readable by the
 * owner only).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the token file in the data folder. */
export const ADMIN_TOKEN_FILE = 'admin-token';

/** The admin token and where it came from. */
export interface ResolvedAdminToken {
  /** The token. */
  token: string;
  /** Where it came from: `--admin-token`, `NOCOFLO_ADMIN_TOKEN`, the token file, or a file created now. */
  source: 'option' | 'environment' | 'file' | 'new file';
  /** The token file, when the token came from one. */
  path?: string;
}

/** Resolves the admin token (see the module comment for the order). */
export function resolveAdminToken(
  dataDir: string,
  given?: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedAdminToken {
  if (given) return { token: given, source: 'option' };
  if (env.NOCOFLO_ADMIN_TOKEN) return { token: env.NOCOFLO_ADMIN_TOKEN, source: 'environment' };
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  if (existsSync(path)) {
    const token = readFileSync(path, 'utf8').trim();
    if (token) return { token, source: 'file', path };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('hex');
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return { token, source: 'new file', path };
}
