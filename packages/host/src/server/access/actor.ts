/**
 * The actor behind a request: a signed-in user (session cookie), an API token (acting for
 * its user with at most the user's role), the operator's admin token (an admin), or
 * anonymous. Every access decision of the server is made on an actor.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { tokenWithin } from '../../accounts/kysely-account-store.js';
import type { AccountStore, Grant, Role } from '../../accounts/types.js';

/** Who a request speaks for, and with which rights. */
export interface Actor {
  /** What kind of credential it came with. */
  kind: 'user' | 'token' | 'admin-token' | 'anonymous';
  /** How it is written in the audit trail: `user:ada`, `token:ci@ada`, `admin-token`, `anonymous`. */
  label: string;
  /** Display name for the page header. */
  name: string;
  /** Its role; undefined: no rights at all. */
  role: Role | undefined;
  /** The user it is or acts for. */
  userId?: string;
  /** Grants that narrow the role per datasource or table. */
  grants: readonly Grant[];
  /** Plugin-route permission keys it holds besides what its role gives (tokens). */
  permissions: readonly string[];
  /** Where the credential came from: the session cookie needs CSRF tokens on writes, a bearer token does not. */
  via: 'session' | 'bearer' | 'none';
  /** Set on a read-only server: whatever the role, data can only be read (and views offer no edits). */
  readOnly?: true;
}

/** The actor of a request with no credential. */
export function anonymousActor(role: Role | undefined = undefined): Actor {
  return {
    kind: 'anonymous',
    label: 'anonymous',
    name: 'anonymous',
    role,
    grants: [],
    permissions: [],
    via: 'none',
  };
}

/** The operator's admin token acts as an admin. */
export const ADMIN_TOKEN_ACTOR: Actor = {
  kind: 'admin-token',
  label: 'admin-token',
  name: 'admin (token)',
  role: 'admin',
  grants: [],
  permissions: ['*'],
  via: 'bearer',
};

/** The bearer token of an `Authorization` header, if any. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

/**
 * The admin token's SHA-256, made once per token rather than on every request (a server
 * has one admin token; the digest of what a request sends is still made every time, so the
 * comparison stays constant-time).
 */
let adminDigest: { token: string; digest: Buffer } | undefined;

/** Whether `given` is the admin token, compared in constant time. */
export function isAdminToken(given: string | undefined, adminToken: string): boolean {
  if (given === undefined) return false;
  if (adminDigest?.token !== adminToken)
    adminDigest = { token: adminToken, digest: hash('sha256', adminToken, 'buffer') };
  // One-shot `hash`: no Hash object (a native handle per request for the GC to track).
  return timingSafeEqual(hash('sha256', given, 'buffer'), adminDigest.digest);
}

/** The actor of a signed-in user, with its grants; undefined when the user no longer exists. */
export async function userActor(accounts: AccountStore, userId: string): Promise<Actor | undefined> {
  const user = await accounts.getUser(userId);
  if (!user) return undefined;
  return {
    kind: 'user',
    label: `user:${user.name}`,
    name: user.name,
    role: user.role,
    userId: user.id,
    grants: await accounts.listGrants(user.id),
    permissions: [],
    via: 'session',
  };
}

const ORDER: readonly Role[] = ['viewer', 'editor', 'admin'];

/** The weaker of two roles. */
function weaker(a: Role, b: Role): Role {
  return ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b;
}

/**
 * The actor of an `Authorization: Bearer` secret: the admin token, or an API token (its
 * user's grants apply, its role is at most the user's); undefined when the secret is unknown.
 */
export async function bearerActor(
  secret: string,
  adminToken: string,
  accounts: AccountStore | undefined,
): Promise<Actor | undefined> {
  if (isAdminToken(secret, adminToken)) return ADMIN_TOKEN_ACTOR;
  const token = accounts ? await accounts.findToken(secret) : undefined;
  // Every token belongs to a user: one made before accounts (no owner) is no credential.
  if (!token?.userId || !accounts) return undefined;
  const owner = await userActor(accounts, token.userId);
  if (!owner?.role) return undefined;
  // A token carries a subset of its owner's rights, checked on every request: once the
  // owner is downgraded below the token's role (or loses the admin role that its plugin
  // permissions need, on this host or another one sharing the store), it stops working.
  if (!tokenWithin(owner.role, token.role, token.permissions)) return undefined;
  return {
    ...owner,
    kind: 'token',
    label: `token:${token.name}@${owner.name}`,
    role: token.role ? weaker(token.role, owner.role) : owner.role,
    permissions: token.permissions,
    via: 'bearer',
  };
}
