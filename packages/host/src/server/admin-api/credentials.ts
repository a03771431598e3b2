/**
 * Who a request speaks for: the admin (admin token: every permission) or an API token
 * with a set of permissions, stored hashed in the metadata store. Plugin routes that
 * require a permission check it here.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { MetadataStore, StoredApiToken } from '../../store/metadata.js';
import { bearerToken, isAdminToken } from '../access/actor.js';

export { bearerToken, isAdminToken };

/** The caller behind a request. */
export type Caller = { kind: 'admin' } | { kind: 'token'; token: StoredApiToken } | { kind: 'anonymous' };

/** sha256 hex of a token secret: what the store keeps. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Identifies the caller from its `Authorization` header. */
export async function identifyCaller(
  header: string | string[] | undefined,
  adminToken: string,
  store: Pick<MetadataStore, 'findApiToken'> | undefined,
): Promise<Caller> {
  const given = bearerToken(header);
  if (given === undefined) return { kind: 'anonymous' };
  if (isAdminToken(given, adminToken)) return { kind: 'admin' };
  const token = store ? await store.findApiToken(hashSecret(given)) : undefined;
  return token ? { kind: 'token', token } : { kind: 'anonymous' };
}

/** Whether the caller holds `permission` (the admin holds all; `*` grants all). */
export function holds(caller: Caller, permission: string): boolean {
  if (caller.kind === 'admin') return true;
  if (caller.kind === 'anonymous') return false;
  return caller.token.permissions.includes('*') || caller.token.permissions.includes(permission);
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
