/**
 * The account model: users with a role, grants that narrow it, API tokens that act for a
 * user with at most its rights, sessions, per-user preferences and the audit trail.
 */

/** Roles, each including the one before: `viewer` reads, `editor` also writes, `admin` also runs the host. */
export type Role = 'viewer' | 'editor' | 'admin';

/** Every role, weakest first. */
export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** What a grant allows on a datasource or table: nothing, reading, or reading and writing. */
export type Access = 'none' | 'read' | 'write';

/** A person who signs in (the password hash is never part of it). */
export interface User {
  /** Stable id. */
  id: string;
  /** Sign-in name, unique. */
  name: string;
  /** Role. */
  role: Role;
  /** When the user was created (ISO 8601). */
  createdAt: string;
  /** When name, role or password last changed (ISO 8601). */
  updatedAt: string;
}

/** A grant: narrows a user's role on one datasource (`table: '*'`) or one table of it. */
export interface Grant {
  /** Stable id. */
  id: string;
  /** The user it narrows. */
  userId: string;
  /** Datasource id as the server names it (e.g. `demo`). */
  datasource: string;
  /** Table name, or `*` for every table of the datasource. */
  table: string;
  /** The most the user may do there. */
  access: Access;
  /** When it was set (ISO 8601). */
  createdAt: string;
}

/** An API token as stored (its secret is kept only as a sha256). */
export interface ApiToken {
  /** Stable id, used to revoke it. */
  id: string;
  /** Label. */
  name: string;
  /** Plugin-route permission keys it holds (`*`: every one); only an admin's token holds any. */
  permissions: string[];
  /** When it was created (ISO 8601). */
  createdAt: string;
  /**
   * The user it acts for, whose rights it carries a subset of. Tokens made before accounts
   * existed have none, and are refused.
   */
  userId?: string;
  /**
   * The role it acts with, never more than its owner's (new tokens keep it explicitly, so a
   * token whose owner was downgraded below it stops working); undefined: the owner's.
   */
  role?: Role;
  /** When it stops working (ISO 8601); undefined: never. */
  expiresAt?: string;
}

/** One entry of the audit trail. */
export interface AuditEntry {
  /** Stable id, increasing with time. */
  id: string;
  /** When (ISO 8601). */
  at: string;
  /** Who: `user:<name>`, `token:<token name>@<owner>`, `admin-token`, `cli`, `retention`, `anonymous`. */
  actor: string;
  /** What: `row.insert`, `row.update`, `row.delete`, `row.revert`, `plugin.enable`, `config.set`, `auth.sign-in`, … */
  action: string;
  /** Datasource id, for row actions. */
  datasource?: string;
  /** Table, for row actions. */
  table?: string;
  /** Key of the row, for row actions. */
  key?: Record<string, unknown>;
  /** The row before the change (undefined for an insert). */
  before?: Record<string, unknown> | null;
  /** The row after the change (undefined for a delete). */
  after?: Record<string, unknown> | null;
  /** Anything else worth keeping (the plugin acted on, the entry a revert undid, …). */
  detail?: Record<string, unknown>;
}

/** Filters of {@link AccountStore.listAudit}; all optional, combined with AND. */
export interface AuditFilter {
  /** Exact actor. */
  actor?: string;
  /** Exact action, or a prefix ending in `.` (e.g. `row.`). */
  action?: string;
  /** Datasource id. */
  datasource?: string;
  /** Table. */
  table?: string;
  /** Only entries older than this id (paging, newest first). */
  before?: string;
  /** At most this many (default 50, at most 500). */
  limit?: number;
}

/** A stored session: what @fastify/session keeps, and whose it is. */
export interface StoredSession {
  /** The session's data as @fastify/session serialises it. */
  data: Record<string, unknown>;
  /** When it stops being valid (ISO 8601). */
  expiresAt: string;
}

/** A token just created: its secret (shown this once, never stored) and its record. */
export interface CreatedToken {
  /** The secret to send as `Authorization: Bearer <secret>`. */
  secret: string;
  /** The stored token, without the secret. */
  token: ApiToken;
}

/** Where users, grants, tokens, sessions, per-user preferences and the audit trail live. */
export interface AccountStore {
  /** How many users exist. */
  countUsers(): Promise<number>;
  /** Every user, by name. */
  listUsers(): Promise<User[]>;
  /** A user by id. */
  getUser(id: string): Promise<User | undefined>;
  /** A user by sign-in name. */
  findUser(name: string): Promise<User | undefined>;
  /** Creates a user; the password is stored as a scrypt hash. Throws when the name is taken. */
  createUser(name: string, role: Role, password: string): Promise<User>;
  /**
   * Creates the first admin, once for the store's lifetime: in one transaction, claims the
   * store's setup marker (a unique row, so hosts sharing the store race on it and one wins)
   * and creates the admin only while no user exists. Returns undefined when the first admin
   * was already created (here or by another host) or a user exists; throws, claiming
   * nothing, when the name or password is refused.
   */
  createFirstAdmin(name: string, password: string): Promise<User | undefined>;
  /**
   * Whether a setup link already created the first admin of this store (its marker is
   * claimed). The marker stays when every user is later removed, so setup links never
   * reopen; `nocoflo serve` then prints how to add an admin instead of a link.
   */
  setupDone(): Promise<boolean>;
  /** Removes a user with its grants, tokens and sessions; returns whether it existed. */
  removeUser(name: string): Promise<boolean>;
  /** Changes a user's role; a downgrade revokes the user's tokens that carry more than the new role. */
  setRole(name: string, role: Role): Promise<User>;
  /** Changes a user's password (its sessions end). */
  setPassword(name: string, password: string): Promise<User>;
  /** The user whose name and password match, else undefined (in the time a match takes). */
  verifyPassword(name: string, password: string): Promise<User | undefined>;
  /** A user's grants. */
  listGrants(userId: string): Promise<Grant[]>;
  /** Sets (or replaces) the grant of a user on a datasource or table. */
  setGrant(userId: string, datasource: string, table: string, access: Access): Promise<Grant>;
  /** Removes a grant; returns whether it existed. */
  removeGrant(userId: string, datasource: string, table: string): Promise<boolean>;
  /** A session by id, unless expired. */
  getSession(id: string): Promise<StoredSession | undefined>;
  /** Stores a session. */
  setSession(id: string, session: StoredSession, userId: string | undefined): Promise<void>;
  /** Ends a session. */
  destroySession(id: string): Promise<void>;
  /**
   * Creates an API token for a user, with at most its rights (a role no stronger, plugin
   * permissions only for an admin, an expiry in the future; else `NCF_BAD_REQUEST`); returns
   * the secret, which is not kept and not shown again.
   */
  createToken(
    userId: string,
    name: string,
    options?: { role?: Role; expiresAt?: string; permissions?: readonly string[] },
  ): Promise<CreatedToken>;
  /** The token a secret belongs to, unless it expired. */
  findToken(secret: string): Promise<ApiToken | undefined>;
  /** Tokens, of one user or every one. */
  listTokens(userId?: string): Promise<ApiToken[]>;
  /** Revokes a token; returns whether it existed. */
  revokeToken(id: string): Promise<boolean>;
  /** The view (and its settings) a user chose for a table. */
  readUserViewPreference(userId: string, key: string): Promise<string | undefined>;
  /** Stores the view a user chose for a table; `undefined` forgets it. */
  writeUserViewPreference(userId: string, key: string, view: string | undefined): Promise<void>;
  /** Appends to the audit trail (entries are never changed). */
  appendAudit(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry>;
  /** Audit entries, newest first. */
  listAudit(filter?: AuditFilter): Promise<AuditEntry[]>;
  /** One audit entry. */
  getAudit(id: string): Promise<AuditEntry | undefined>;
  /**
   * Removes audit entries recorded before `before` (ISO 8601); returns how many. Only
   * retention does this (see `audit-retention.ts`, which records each pruning in the trail).
   */
  pruneAudit(before: string): Promise<number>;
  /** Days audit entries are kept (stored setting, shared by hosts on one store); undefined: forever. */
  readAuditRetention(): Promise<number | undefined>;
  /** Sets the days audit entries are kept; undefined keeps them forever. */
  writeAuditRetention(days: number | undefined): Promise<void>;
}
