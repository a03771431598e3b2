/**
 * The @fastify/session store over the host's account store: sessions live in the host's
 * store, so every host on one PostgreSQL store knows every sign-in.
 */
import type { SessionStore } from '@fastify/session';
import type { Session } from 'fastify';
import type { AccountStore } from '../../accounts/types.js';

type Callback = (error?: unknown) => void;
type GetCallback = (error: unknown, session?: Session | null) => void;

/** The default lifetime of a session without an expiry of its own: 12 hours. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

/** A `SessionStore` for @fastify/session backed by an {@link AccountStore}. */
export class AccountSessionStore implements SessionStore {
  readonly #accounts: AccountStore;

  constructor(accounts: AccountStore) {
    this.#accounts = accounts;
  }

  set(sessionId: string, session: Session, callback: Callback): void {
    const data = JSON.parse(JSON.stringify(session)) as Record<string, unknown>;
    const cookie = data.cookie as { expires?: string } | undefined;
    const expiresAt = cookie?.expires ?? new Date(Date.now() + SESSION_MAX_AGE_MS).toISOString();
    const userId = typeof data.userId === 'string' ? data.userId : undefined;
    this.#accounts.setSession(sessionId, { data, expiresAt }, userId).then(() => callback(), callback);
  }

  get(sessionId: string, callback: GetCallback): void {
    this.#accounts.getSession(sessionId).then(
      (stored) => callback(null, (stored?.data as Session | undefined) ?? null),
      (error) => callback(error),
    );
  }

  destroy(sessionId: string, callback: Callback): void {
    this.#accounts.destroySession(sessionId).then(() => callback(), callback);
  }
}
