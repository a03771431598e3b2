/**
 * The key secret config is encrypted with. Where it comes from, in order:
 *
 * 1. `NOCOFLO_SECRET_KEY`: 32 bytes as 64 hex digits or base64 (several hosts sharing a
 *    PostgreSQL store must all be given the same key this way, or the same file below);
 * 2. `NOCOFLO_SECRET_KEY_FILE`: a file holding such a key;
 * 3. `<dataDir>/secret.key`, generated (0600) the first time it is needed.
 *
 * `NOCOFLO_SECRET_KEY_PREVIOUS` (and the file `<dataDir>/secret.key.previous`) add a key that
 * decrypts but never encrypts: the old key while secrets are rotated to a new one. The
 * variables are removed from `process.env` once read, so plugins and child processes do not
 * inherit them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Errors, NocofloError } from '@nocoflo/sdk';

/** The file name of the host-generated key in the data folder. */
export const SECRET_KEY_FILE = 'secret.key';

/** One key and its id (a hash of it, safe to show and store). */
export interface SecretKey {
  /** 16 hex digits identifying the key; stored with every value it encrypts. */
  id: string;
  /** The 32 key bytes. */
  bytes: Buffer;
}

/** The key that encrypts, and every key that may decrypt. */
export interface SecretKeyring {
  /** Encrypts new values. */
  readonly current: SecretKey;
  /** Decrypt by id: the current key and any previous ones. */
  readonly keys: ReadonlyMap<string, SecretKey>;
  /** Where the current key came from, for messages (never the key). */
  readonly source: string;
}

/** A key's id: the first 16 hex digits of a hash of it. */
export function keyId(bytes: Buffer): string {
  return createHash('sha256').update('nocoflo-secret-key:').update(bytes).digest('hex').slice(0, 16);
}

/**
 * Parses a key: 64 hex digits, or base64 / base64url of 32 bytes.
 *
 * @throws NocofloError `NCF_SECRET_REFUSED` for anything else.
 */
export function parseKey(text: string, where: string): SecretKey {
  const trimmed = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) bytes = Buffer.from(trimmed, 'base64');
  if (!bytes || bytes.length !== 32) {
    throw NocofloError.create(Errors.SecretRefused, [
      `the secret key in ${where}`,
      'it must be 32 random bytes written as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)',
    ]);
  }
  return { id: keyId(bytes), bytes };
}

/** A new random key, as the hex text a key file holds. */
export function generateKeyText(): string {
  return randomBytes(32).toString('hex');
}

/** Writes a key file readable by its owner only, atomically (temp file, then rename). */
export function writeKeyFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${text}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Options of {@link loadKeyring}. */
export interface LoadKeyringOptions {
  /** The host's data folder (for the generated key). */
  dataDir: string;
  /** Environment to read (and scrub). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Create `<dataDir>/secret.key` when no key is configured. Default true. */
  create?: boolean;
}

/**
 * Loads the keyring (see the module comment for the order), creating the key file when none
 * is configured, and removes the key variables from the environment.
 *
 * @throws NocofloError `NCF_SECRET_REFUSED` for a malformed key.
 */
export function loadKeyring(options: LoadKeyringOptions): SecretKeyring {
  const env = options.env ?? process.env;
  const fromEnv = env.NOCOFLO_SECRET_KEY;
  const fileFromEnv = env.NOCOFLO_SECRET_KEY_FILE;
  const previousFromEnv = env.NOCOFLO_SECRET_KEY_PREVIOUS;
  delete env.NOCOFLO_SECRET_KEY;
  delete env.NOCOFLO_SECRET_KEY_PREVIOUS;
  delete env.NOCOFLO_SECRET_KEY_FILE;

  const keys = new Map<string, SecretKey>();
  const defaultFile = join(options.dataDir, SECRET_KEY_FILE);
  let current: SecretKey;
  let source: string;
  if (fromEnv) {
    current = parseKey(fromEnv, 'NOCOFLO_SECRET_KEY');
    source = 'NOCOFLO_SECRET_KEY';
  } else if (fileFromEnv) {
    current = parseKey(readFileSync(fileFromEnv, 'utf8'), fileFromEnv);
    source = fileFromEnv;
  } else {
    if (!existsSync(defaultFile)) {
      if (options.create === false) {
        throw NocofloError.create(Errors.SecretUnavailable, [
          'the secret key',
          `${defaultFile} does not exist`,
        ]);
      }
      writeKeyFile(defaultFile, generateKeyText());
    }
    current = parseKey(readFileSync(defaultFile, 'utf8'), defaultFile);
    source = defaultFile;
  }
  keys.set(current.id, current);
  if (previousFromEnv) {
    const previous = parseKey(previousFromEnv, 'NOCOFLO_SECRET_KEY_PREVIOUS');
    keys.set(previous.id, previous);
  }
  // The previous key (kept by a rotation) and a next one (a rotation that stopped before it
  // swapped the files) decrypt too, so a value sealed under either opens.
  for (const extra of [`${defaultFile}.previous`, `${defaultFile}.next`]) {
    if (!existsSync(extra)) continue;
    const key = parseKey(readFileSync(extra, 'utf8'), extra);
    keys.set(key.id, key);
  }
  return { current, keys, source };
}

/** A keyring of one given key (tests, embedding). */
export function keyringOf(keyText: string, previous: readonly string[] = []): SecretKeyring {
  const current = parseKey(keyText, 'the given key');
  const keys = new Map([[current.id, current]]);
  for (const text of previous) {
    const key = parseKey(text, 'a previous key');
    keys.set(key.id, key);
  }
  return { current, keys, source: 'given' };
}
