/**
 * A short-lived cache of the actors of API tokens, so a script calling the data API with a
 * token does not cost three store reads per request (the token, its user, the user's
 * grants: three round trips on a PostgreSQL store).
 *
 * - Keyed by the SHA-256 of the secret (no secret is kept in memory); only tokens that were
 *   found are cached, so unknown secrets cannot fill it (and they stay rate-limited).
 * - Bounded: at most {@link TOKEN_CACHE_SIZE} entries, least recently used first out.
 * - In this host, exact: every change to users, roles, passwords, grants or tokens made
 *   through the account store this host serves with clears it (see {@link invalidating}),
 *   and a lookup that began before such a change never stores its (older) answer.
 * - Across hosts sharing one store, a change made by another host (or the CLI) is seen
 *   here within {@link TOKEN_CACHE_TTL_MS}: a revoked token or a lowered role may still
 *   work for up to that long on the other hosts. A token's own expiry is never exceeded.
 */
import { hash } from 'node:crypto';
import type { AccountStore } from '../../accounts/types.js';
import { type Actor, ADMIN_TOKEN_ACTOR, bearerActor, isAdminToken } from './actor.js';

/** How long a cached token actor is used before the store is asked again: 5 s. */
export const TOKEN_CACHE_TTL_MS = 5_000;

/** Most token actors cached at once. */
export const TOKEN_CACHE_SIZE = 1_000;

/** The account store methods that change who a token acts for or whether it works. */
const CHANGES: ReadonlySet<PropertyKey> = new Set([
  'removeUser',
  'setRole',
  'setPassword',
  'setGrant',
  'removeGrant',
  'revokeToken',
]);

interface Entry {
  actor: Actor;
  until: number;
}

/** Token actors by the hash of their secret (see the module comment). */
export class TokenActorCache {
  readonly #entries = new Map<string, Entry>();
  #generation = 0;

  constructor(
    private readonly ttlMs = TOKEN_CACHE_TTL_MS,
    private readonly size = TOKEN_CACHE_SIZE,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Increases with every {@link clear}: a lookup started in an older generation is not stored. */
  get generation(): number {
    return this.#generation;
  }

  /** How many actors are cached. */
  get count(): number {
    return this.#entries.size;
  }

  /** The cached actor of a secret's hash, if still fresh. */
  get(key: string): Actor | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    // Most recently used last (a Map keeps insertion order).
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.actor;
  }

  /** Caches an actor found in `generation`, until the TTL or `expiresAt` (ISO 8601), whichever is first. */
  set(key: string, actor: Actor, generation: number, expiresAt?: string): void {
    if (generation !== this.#generation) return;
    const expiry = expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(expiresAt);
    const until = Math.min(this.now() + this.ttlMs, Number.isNaN(expiry) ? 0 : expiry);
    if (until <= this.now()) return;
    this.#entries.delete(key);
    this.#entries.set(key, { actor, until });
    if (this.#entries.size > this.size) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** Forgets every actor (a user, role, grant or token changed). */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}

/** The cache key of a secret. */
function keyOf(secret: string): string {
  return hash('sha256', secret, 'base64url');
}

/**
 * {@link bearerActor} through `cache`: the admin token as always, an API token from the
 * cache while fresh, else from the store (and then cached).
 */
export async function cachedBearerActor(
  cache: TokenActorCache,
  secret: string,
  adminToken: string,
  accounts: AccountStore | undefined,
): Promise<Actor | undefined> {
  // The admin token's actor at once (bearerActor would compare the token a second time).
  if (isAdminToken(secret, adminToken)) return ADMIN_TOKEN_ACTOR;
  if (!accounts) return undefined;
  const key = keyOf(secret);
  const cached = cache.get(key);
  if (cached) return cached;
  const generation = cache.generation;
  const token = await accounts.findToken(secret);
  if (!token) return undefined;
  const actor = await bearerActor(secret, adminToken, accounts);
  if (actor) cache.set(key, actor, generation, token.expiresAt ?? undefined);
  return actor;
}

/** `accounts`, clearing `cache` after every change to users, roles, passwords, grants or tokens. */
export function invalidating(accounts: AccountStore, cache: TokenActorCache): AccountStore {
  return new Proxy(accounts, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      if (!CHANGES.has(key)) return value.bind(target);
      return async (...args: unknown[]) => {
        // Cleared before (a lookup running now is not stored) and after (nor one that read the old state).
        cache.clear();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          cache.clear();
        }
      };
    },
  });
}
