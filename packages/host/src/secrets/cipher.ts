/**
 * Sealing one secret value: AES-256-GCM with a random 96-bit nonce, bound to where the value
 * belongs (plugin and field path as additional data, so a sealed value copied to another
 * field or plugin does not open). The sealed text names its key by id:
 * `ncf1:<key id>:<nonce>:<tag>:<ciphertext>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { SecretKeyring } from './keyring.js';

const PREFIX = 'ncf1';

/** Whether a string is a sealed value. */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(`${PREFIX}:`) && value.split(':').length === 5;
}

/** The id of the key that sealed a value. */
export function sealedKeyId(sealed: string): string {
  return sealed.split(':')[1] ?? '';
}

/** Encrypts a JSON value with the keyring's current key. */
export function seal(keyring: SecretKeyring, value: unknown, context: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyring.current.bytes, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [
    PREFIX,
    keyring.current.id,
    nonce.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join(':');
}

/**
 * Decrypts a sealed value.
 *
 * @throws NocofloError `NCF_SECRET_UNAVAILABLE` when the key is not in the keyring, or the
 * value was changed or moved.
 */
export function open(keyring: SecretKeyring, sealed: string, context: string): unknown {
  const [, id, nonce, tag, body] = sealed.split(':') as [string, string, string, string, string];
  const key = keyring.keys.get(id);
  if (!key) {
    throw NocofloError.create(Errors.SecretUnavailable, [
      context,
      `it was encrypted with key ${id}, and this host has ${[...keyring.keys.keys()].join(', ')} (from ${keyring.source})`,
    ]);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
    return JSON.parse(text);
  } catch {
    throw NocofloError.create(Errors.SecretUnavailable, [
      context,
      'the stored value was altered or belongs elsewhere',
    ]);
  }
}
