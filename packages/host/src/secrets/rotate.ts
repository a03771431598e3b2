/**
 * Key rotation: every sealed config value is re-encrypted with a new key, in one store
 * transaction.
 *
 * - With the host-generated key file: the new key is written to `secret.key.next` first,
 *   the store is rewritten, then `secret.key` becomes `secret.key.previous` and the new key
 *   `secret.key`. A rotation stopped anywhere leaves every value readable (both keys are
 *   loaded while `.next` exists), and running it again finishes it.
 * - With `NOCOFLO_SECRET_KEY`: set the new key there and the old one in
 *   `NOCOFLO_SECRET_KEY_PREVIOUS`, rotate, then drop the previous key.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { MetadataStore } from '../store/metadata.js';
import { open, seal } from './cipher.js';
import { isSecretBox } from './config-secrets.js';
import { generateKeyText, parseKey, SECRET_KEY_FILE, type SecretKeyring, writeKeyFile } from './keyring.js';

/** What a rotation did. */
export interface RotationResult {
  /** Id of the key everything is now sealed with. */
  keyId: string;
  /** Secret values re-encrypted. */
  values: number;
  /** Where the new key lives. */
  source: string;
}

/** A stored config with every sealed value re-sealed under `to` (opened with `from`). */
export function resealSecrets(
  plugin: string,
  stored: unknown,
  from: SecretKeyring,
  to: SecretKeyring,
  count: () => void,
): unknown {
  const walk = (value: unknown, path: string[], depth: number): unknown => {
    if (isSecretBox(value)) {
      const context = `${plugin}#${path.join('.')}`;
      count();
      return { $secret: seal(to, open(from, value.$secret, context), context) };
    }
    if (depth > 32 || !value || typeof value !== 'object' || Array.isArray(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, walk(inner, [...path, key], depth + 1)]),
    );
  };
  return walk(stored, [], 0);
}

/**
 * Re-encrypts every secret with a new key (see the module comment). `keyring` is what the
 * host loaded (`loadKeyring`); when its key came from `<dataDir>/secret.key`, a new key file
 * is made.
 */
export async function rotateSecretKey(options: {
  store: MetadataStore;
  dataDir: string;
  keyring: SecretKeyring;
}): Promise<RotationResult> {
  const { store, dataDir, keyring } = options;
  const file = join(dataDir, SECRET_KEY_FILE);
  const fileMode = keyring.source === file;
  let target: SecretKeyring = keyring;
  if (fileMode) {
    const nextFile = `${file}.next`;
    if (!existsSync(nextFile)) writeKeyFile(nextFile, generateKeyText());
    const next = parseKey(readFileSync(nextFile, 'utf8'), nextFile);
    target = { current: next, keys: new Map([...keyring.keys, [next.id, next]]), source: file };
  }
  let values = 0;
  await store.rewritePluginConfigs((plugin, config) =>
    resealSecrets(plugin, config, target, target, () => values++),
  );
  if (fileMode) {
    renameSync(file, `${file}.previous`);
    renameSync(`${file}.next`, file);
  }
  return { keyId: target.current.id, values, source: target.source };
}
