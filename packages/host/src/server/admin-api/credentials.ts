/**
 * API tokens made by the admin API: a random secret shown once, stored as its sha256 hash
 * in the metadata store with the plugin-route permissions it grants. Who a request with such
 * a token is, is decided by the auth plugin (`access/actor.ts`).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { MetadataStore, StoredApiToken } from '../../store/metadata.js';

/** sha256 hex of a token secret: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * Creates an API token granting `permissions`, stores its hash, and returns the secret
 * (shown once: it cannot be read back).
 */
export async function createApiToken(
  store: Pick<MetadataStore, 'insertApiToken'>,
  name: string,
  permissions: readonly string[],
): Promise<{ secret: string; token: StoredApiToken }> {
  const secret = `ncf_${randomBytes(24).toString('base64url')}`;
  const token: StoredApiToken = {
    id: randomUUID(),
    name,
    permissions: [...new Set(permissions)].sort(),
    createdAt: new Date().toISOString(),
  };
  await store.insertApiToken(token, hashSecret(secret));
  return { secret, token };
}
