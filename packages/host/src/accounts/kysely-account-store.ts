/**
 * The account store over the host's Kysely store (SQLite or PostgreSQL): the same queries
 * for both, values passed through the store's codec.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { Kysely } from 'kysely';
import type { StoreCodec } from '../store/schema/codec.js';
import type { HostTables } from '../store/schema/tables.js';
import { dummyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import type {
  Access,
  AccountStore,
  ApiToken,
  AuditEntry,
  AuditFilter,
  CreatedToken,
  Grant,
  Role,
  StoredSession,
  User,
} from './types.js';
import { ROLES } from './types.js';

/** What the account store needs from the metadata store. */
export interface AccountStoreBackend {
  /** The query builder on the host's tables. */
  db: Kysely<HostTables>;
  /** Dialect differences in stored values. */
  codec: StoreCodec;
  /** Runs an operation, wrapping driver errors as `NCF_METADATA_STORE_FAILED`. */
  run<T>(operation: string, fn: () => Promise<T>): Promise<T>;
}

/** sha256 hex of a token secret: what the store keeps. */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Throws `NCF_BAD_REQUEST` unless `role` is a role. */
export function assertRole(role: string): asserts role is Role {
  if (!ROLES.includes(role as Role)) {
    throw NocofloError.create(Errors.BadRequest, [`"${role}" is not a role; use one of ${ROLES.join(', ')}`]);
  }
}

/**
 * Whether a token with `role` (undefined: its owner's) and plugin `permissions` stays within
 * what an owner with `ownerRole` holds: no stronger role, and plugin permissions only for admins.
 */
export function tokenWithin(
  ownerRole: Role,
  role: string | null | undefined,
  permissions: readonly string[],
): boolean {
  if (role && ROLES.indexOf(role as Role) > ROLES.indexOf(ownerRole)) return false;
  return permissions.length === 0 || ownerRole === 'admin';
}

/** Store setting claimed by the setup link that created the first admin (its user id). */
const FIRST_ADMIN_SETTING = 'first_admin_created';

/** Store setting holding the days audit entries are kept. */
const AUDIT_RETENTION_SETTING = 'audit_retention_days';

let sequence = 0;

/** Ids that sort by time (and by order within a process): the audit trail is listed newest first by id. */
function timeOrderedId(): string {
  sequence = (sequence + 1) % 1_679_616;
  return `${Date.now().toString(36).padStart(10, '0')}-${sequence.toString(36).padStart(4, '0')}-${randomBytes(4).toString('hex')}`;
}

type UserRow = { id: string; name: string; role: string; created_at: unknown; updated_at: unknown };

/** {@link AccountStore} on the host's store. */
export class KyselyAccountStore implements AccountStore {
  readonly #db: Kysely<HostTables>;
  readonly #codec: StoreCodec;
  readonly #run: AccountStoreBackend['run'];

  constructor(backend: AccountStoreBackend) {
    this.#db = backend.db;
    this.#codec = backend.codec;
    this.#run = backend.run;
  }

  #user(row: UserRow): User {
    return {
      id: row.id,
      name: row.name,
      role: row.role as Role,
      createdAt: this.#codec.readTime(row.created_at),
      updatedAt: this.#codec.readTime(row.updated_at),
    };
  }

  async #require(name: string): Promise<User> {
    const user = await this.findUser(name);
    if (!user) throw NocofloError.create(Errors.UserNotFound, [name]);
    return user;
  }

  countUsers(): Promise<number> {
    return this.#run('count users', async () => {
      const row = await this.#db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    });
  }

  listUsers(): Promise<User[]> {
    return this.#run('read users', async () => {
      const rows = await this.#db
        .selectFrom('users')
        .select(['id', 'name', 'role', 'created_at', 'updated_at'])
        .orderBy('name')
        .execute();
      return rows.map((row) => this.#user(row));
    });
  }

  getUser(id: string): Promise<User | undefined> {
    return this.#run('read user', async () => {
      const row = await this.#db
        .selectFrom('users')
        .select(['id', 'name', 'role', 'created_at', 'updated_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row && this.#user(row);
    });
  }

  findUser(name: string): Promise<User | undefined> {
    return this.#run('read user', async () => {
      const row = await this.#db
        .selectFrom('users')
        .select(['id', 'name', 'role', 'created_at', 'updated_at'])
        .where('name', '=', name)
        .executeTakeFirst();
      return row && this.#user(row);
    });
  }

  /** The cleaned name, or throws `NCF_BAD_REQUEST` for a name or password the store refuses. */
  #checkNewUser(name: string, password: string): string {
    const clean = name.trim();
    if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(clean)) {
      throw NocofloError.create(Errors.BadRequest, [
        'a user name is 1 to 64 letters, digits, ".", "_", "@" or "-"',
      ]);
    }
    const problem = passwordProblem(password);
    if (problem) throw NocofloError.create(Errors.BadRequest, [problem]);
    return clean;
  }

  async createFirstAdmin(name: string, password: string): Promise<User | undefined> {
    const clean = this.#checkNewUser(name, password);
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    const id = randomUUID();
    return this.#run('create the first admin', () =>
      this.#db.transaction().execute(async (trx) => {
        // The marker first: a second host's transaction waits on this row's unique key (and
        // then inserts nothing), so only one first admin is ever made from setup links.
        const claimed = await trx
          .insertInto('store_settings')
          .values({ key: FIRST_ADMIN_SETTING, value: id, updated_at: now })
          .onConflict((oc) => oc.column('key').doNothing())
          .executeTakeFirst();
        if (Number(claimed.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined;
        const users = await trx
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow();
        // A user made another way (`nocoflo users add`) first: setup is over; keep the marker.
        if (Number(users.n) > 0) return undefined;
        await trx
          .insertInto('users')
          .values({ id, name: clean, role: 'admin', password_hash: hash, created_at: now, updated_at: now })
          .execute();
        return { id, name: clean, role: 'admin' as const, createdAt: now, updatedAt: now };
      }),
    );
  }

  async setupDone(): Promise<boolean> {
    const marker = await this.#run('read the setup marker', () =>
      this.#db
        .selectFrom('store_settings')
        .select('key')
        .where('key', '=', FIRST_ADMIN_SETTING)
        .executeTakeFirst(),
    );
    return marker !== undefined;
  }

  async createUser(name: string, role: Role, password: string): Promise<User> {
    assertRole(role);
    const clean = this.#checkNewUser(name, password);
    if (await this.findUser(clean)) {
      throw NocofloError.create(Errors.BadRequest, [`a user named "${clean}" already exists`]);
    }
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    const id = randomUUID();
    await this.#run('create user', () =>
      this.#db
        .insertInto('users')
        .values({ id, name: clean, role, password_hash: hash, created_at: now, updated_at: now })
        .execute(),
    );
    return { id, name: clean, role, createdAt: now, updatedAt: now };
  }

  async removeUser(name: string): Promise<boolean> {
    const user = await this.findUser(name);
    if (!user) return false;
    await this.#run('remove user', () =>
      this.#db.transaction().execute(async (trx) => {
        await trx.deleteFrom('grants').where('user_id', '=', user.id).execute();
        await trx.deleteFrom('api_tokens').where('user_id', '=', user.id).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
        await trx.deleteFrom('user_view_preferences').where('user_id', '=', user.id).execute();
        await trx.deleteFrom('users').where('id', '=', user.id).execute();
      }),
    );
    return true;
  }

  async setRole(name: string, role: Role): Promise<User> {
    assertRole(role);
    const user = await this.#require(name);
    const now = new Date().toISOString();
    await this.#run('change role', () =>
      this.#db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ role, updated_at: now }).where('id', '=', user.id).execute();
        // A token carries a subset of its owner's rights: the ones a downgrade leaves beyond
        // the new role (a stronger role, or plugin permissions, which only admins hold) are
        // revoked with it, so they do not come back if the role is raised again.
        const tokens = await trx
          .selectFrom('api_tokens')
          .select(['id', 'role', 'permissions'])
          .where('user_id', '=', user.id)
          .execute();
        const beyond = tokens
          .filter((t) => !tokenWithin(role, t.role, this.#codec.readJson(t.permissions) as string[]))
          .map((t) => t.id);
        if (beyond.length > 0) await trx.deleteFrom('api_tokens').where('id', 'in', beyond).execute();
      }),
    );
    return { ...user, role, updatedAt: now };
  }

  async setPassword(name: string, password: string): Promise<User> {
    const problem = passwordProblem(password);
    if (problem) throw NocofloError.create(Errors.BadRequest, [problem]);
    const user = await this.#require(name);
    const hash = await hashPassword(password);
    const now = new Date().toISOString();
    await this.#run('change password', () =>
      this.#db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ password_hash: hash, updated_at: now })
          .where('id', '=', user.id)
          .execute();
        await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      }),
    );
    return { ...user, updatedAt: now };
  }

  async verifyPassword(name: string, password: string): Promise<User | undefined> {
    const row = await this.#run('read user', () =>
      this.#db
        .selectFrom('users')
        .select(['id', 'name', 'role', 'created_at', 'updated_at', 'password_hash'])
        .where('name', '=', name.trim())
        .executeTakeFirst(),
    );
    const ok = await verifyPassword(password, row?.password_hash ?? (await dummyHash()));
    return row && ok ? this.#user(row) : undefined;
  }

  #grant(row: {
    id: string;
    user_id: string;
    datasource: string;
    table_name: string;
    access: string;
    created_at: unknown;
  }): Grant {
    return {
      id: row.id,
      userId: row.user_id,
      datasource: row.datasource,
      table: row.table_name,
      access: row.access as Access,
      createdAt: this.#codec.readTime(row.created_at),
    };
  }

  listGrants(userId: string): Promise<Grant[]> {
    return this.#run('read grants', async () => {
      const rows = await this.#db
        .selectFrom('grants')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('datasource')
        .orderBy('table_name')
        .execute();
      return rows.map((row) => this.#grant(row));
    });
  }

  async setGrant(userId: string, datasource: string, table: string, access: Access): Promise<Grant> {
    if (!['none', 'read', 'write'].includes(access)) {
      throw NocofloError.create(Errors.BadRequest, [`"${access}" is not an access; use none, read or write`]);
    }
    const now = new Date().toISOString();
    const id = randomUUID();
    await this.#run('set grant', () =>
      this.#db
        .insertInto('grants')
        .values({ id, user_id: userId, datasource, table_name: table, access, created_at: now })
        .onConflict((oc) =>
          oc.columns(['user_id', 'datasource', 'table_name']).doUpdateSet({ access, created_at: now }),
        )
        .execute(),
    );
    return { id, userId, datasource, table, access, createdAt: now };
  }

  removeGrant(userId: string, datasource: string, table: string): Promise<boolean> {
    return this.#run('remove grant', async () => {
      const result = await this.#db
        .deleteFrom('grants')
        .where('user_id', '=', userId)
        .where('datasource', '=', datasource)
        .where('table_name', '=', table)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  getSession(id: string): Promise<StoredSession | undefined> {
    return this.#run('read session', async () => {
      const row = await this.#db
        .selectFrom('sessions')
        .select(['data', 'expires_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) return undefined;
      const expiresAt = this.#codec.readTime(row.expires_at);
      if (Date.parse(expiresAt) <= Date.now()) return undefined;
      return { data: this.#codec.readJson(row.data) as Record<string, unknown>, expiresAt };
    });
  }

  setSession(id: string, session: StoredSession, userId: string | undefined): Promise<void> {
    const values = {
      data: this.#codec.json(session.data),
      user_id: userId ?? null,
      expires_at: session.expiresAt,
    };
    return this.#run('write session', async () => {
      await this.#db
        .insertInto('sessions')
        .values({ id, ...values })
        .onConflict((oc) => oc.column('id').doUpdateSet(values))
        .execute();
      // Expired sessions are swept as new ones are written.
      await this.#db.deleteFrom('sessions').where('expires_at', '<', new Date().toISOString()).execute();
    });
  }

  destroySession(id: string): Promise<void> {
    return this.#run('end session', async () => {
      await this.#db.deleteFrom('sessions').where('id', '=', id).execute();
    });
  }

  #token(row: {
    id: string;
    name: string;
    permissions: unknown;
    created_at: unknown;
    user_id: string | null;
    role: string | null;
    expires_at: unknown;
  }): ApiToken {
    return {
      id: row.id,
      name: row.name,
      permissions: this.#codec.readJson(row.permissions) as string[],
      createdAt: this.#codec.readTime(row.created_at),
      ...(row.user_id ? { userId: row.user_id } : {}),
      ...(row.role ? { role: row.role as Role } : {}),
      ...(row.expires_at ? { expiresAt: this.#codec.readTime(row.expires_at) } : {}),
    };
  }

  async createToken(
    userId: string,
    name: string,
    options: { role?: Role; expiresAt?: string; permissions?: readonly string[] } = {},
  ): Promise<CreatedToken> {
    const owner = await this.getUser(userId);
    if (!owner) throw NocofloError.create(Errors.UserNotFound, [userId]);
    if (options.role !== undefined) {
      assertRole(options.role);
      if (ROLES.indexOf(options.role) > ROLES.indexOf(owner.role)) {
        throw NocofloError.create(Errors.BadRequest, [
          `a token of ${owner.name} (${owner.role}) cannot act as ${options.role}: a token carries at most its owner's rights`,
        ]);
      }
    }
    const permissions = [...new Set(options.permissions ?? [])].sort();
    if (permissions.length > 0 && owner.role !== 'admin') {
      throw NocofloError.create(Errors.BadRequest, [
        `a token of ${owner.name} (${owner.role}) cannot hold the plugin permissions ${permissions.join(', ')}: only admins hold plugin permissions, and a token carries at most its owner's rights`,
      ]);
    }
    if (options.expiresAt !== undefined) {
      const at = Date.parse(options.expiresAt);
      if (Number.isNaN(at)) throw NocofloError.create(Errors.BadRequest, ['"expiresAt" is not a date']);
      if (at <= Date.now()) throw NocofloError.create(Errors.BadRequest, ['"expiresAt" is in the past']);
    }
    if (name.trim() === '') throw NocofloError.create(Errors.BadRequest, ['a token needs a name']);
    const secret = `ncf_${randomBytes(24).toString('base64url')}`;
    const token: ApiToken = {
      id: randomUUID(),
      name: name.trim(),
      permissions,
      createdAt: new Date().toISOString(),
      userId,
      // Kept explicitly (not "the owner's"), so a later downgrade of the owner shows as a
      // token beyond its owner's rights, which stops working (see `server/access/actor.ts`).
      role: options.role ?? owner.role,
      ...(options.expiresAt ? { expiresAt: new Date(options.expiresAt).toISOString() } : {}),
    };
    await this.#run('store API token', () =>
      this.#db
        .insertInto('api_tokens')
        .values({
          id: token.id,
          name: token.name,
          secret_hash: hashTokenSecret(secret),
          permissions: this.#codec.json(token.permissions),
          created_at: token.createdAt,
          user_id: userId,
          role: token.role ?? null,
          expires_at: token.expiresAt ?? null,
        })
        .execute(),
    );
    return { secret, token };
  }

  findToken(secret: string): Promise<ApiToken | undefined> {
    return this.#run('read API token', async () => {
      const row = await this.#db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'permissions', 'created_at', 'user_id', 'role', 'expires_at'])
        .where('secret_hash', '=', hashTokenSecret(secret))
        .executeTakeFirst();
      if (!row) return undefined;
      const token = this.#token(row);
      if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return undefined;
      return token;
    });
  }

  listTokens(userId?: string): Promise<ApiToken[]> {
    return this.#run('read API tokens', async () => {
      let query = this.#db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'permissions', 'created_at', 'user_id', 'role', 'expires_at']);
      if (userId !== undefined) query = query.where('user_id', '=', userId);
      const rows = await query.orderBy('created_at').orderBy('id').execute();
      return rows.map((row) => this.#token(row));
    });
  }

  revokeToken(id: string): Promise<boolean> {
    return this.#run('revoke API token', async () => {
      const result = await this.#db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }

  readUserViewPreference(userId: string, key: string): Promise<string | undefined> {
    return this.#run('read view preference', async () => {
      const row = await this.#db
        .selectFrom('user_view_preferences')
        .select('view')
        .where('user_id', '=', userId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row?.view;
    });
  }

  writeUserViewPreference(userId: string, key: string, view: string | undefined): Promise<void> {
    return this.#run('write view preference', async () => {
      if (view === undefined) {
        await this.#db
          .deleteFrom('user_view_preferences')
          .where('user_id', '=', userId)
          .where('key', '=', key)
          .execute();
        return;
      }
      const now = new Date().toISOString();
      await this.#db
        .insertInto('user_view_preferences')
        .values({ user_id: userId, key, view, updated_at: now })
        .onConflict((oc) => oc.columns(['user_id', 'key']).doUpdateSet({ view, updated_at: now }))
        .execute();
    });
  }

  #audit(row: {
    id: string;
    at: unknown;
    actor: string;
    action: string;
    datasource: string | null;
    table_name: string | null;
    row_key: unknown;
    before: unknown;
    after: unknown;
    detail: unknown;
  }): AuditEntry {
    const json = (value: unknown) =>
      value === null || value === undefined ? undefined : this.#codec.readJson(value);
    const key = json(row.row_key);
    const before = json(row.before);
    const after = json(row.after);
    const detail = json(row.detail);
    return {
      id: row.id,
      at: this.#codec.readTime(row.at),
      actor: row.actor,
      action: row.action,
      ...(row.datasource !== null ? { datasource: row.datasource } : {}),
      ...(row.table_name !== null ? { table: row.table_name } : {}),
      ...(key !== undefined ? { key: key as Record<string, unknown> } : {}),
      ...(before !== undefined ? { before: before as Record<string, unknown> } : {}),
      ...(after !== undefined ? { after: after as Record<string, unknown> } : {}),
      ...(detail !== undefined ? { detail: detail as Record<string, unknown> } : {}),
    };
  }

  async appendAudit(entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
    const full: AuditEntry = { ...entry, id: timeOrderedId(), at: new Date().toISOString() };
    const json = (value: unknown) => (value === undefined ? null : this.#codec.json(value));
    await this.#run('append to the audit trail', () =>
      this.#db
        .insertInto('audit_log')
        .values({
          id: full.id,
          at: full.at,
          actor: full.actor,
          action: full.action,
          datasource: full.datasource ?? null,
          table_name: full.table ?? null,
          row_key: json(full.key),
          before: json(full.before),
          after: json(full.after),
          detail: json(full.detail),
        })
        .execute(),
    );
    return full;
  }

  listAudit(filter: AuditFilter = {}): Promise<AuditEntry[]> {
    return this.#run('read the audit trail', async () => {
      let query = this.#db.selectFrom('audit_log').selectAll();
      if (filter.actor) query = query.where('actor', '=', filter.actor);
      if (filter.action) {
        query = filter.action.endsWith('.')
          ? query.where('action', 'like', `${filter.action.replace(/[%_\\]/g, '')}%`)
          : query.where('action', '=', filter.action);
      }
      if (filter.datasource) query = query.where('datasource', '=', filter.datasource);
      if (filter.table) query = query.where('table_name', '=', filter.table);
      if (filter.before) query = query.where('id', '<', filter.before);
      const limit = Math.min(Math.max(1, filter.limit ?? 50), 500);
      const rows = await query.orderBy('id', 'desc').limit(limit).execute();
      return rows.map((row) => this.#audit(row));
    });
  }

  async pruneAudit(before: string): Promise<number> {
    const cutoff = new Date(before);
    if (Number.isNaN(cutoff.getTime()))
      throw NocofloError.create(Errors.BadRequest, ['"before" is not a date']);
    return this.#run('prune the audit trail', async () => {
      const result = await this.#db
        .deleteFrom('audit_log')
        .where('at', '<', cutoff.toISOString())
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  readAuditRetention(): Promise<number | undefined> {
    return this.#run('read the audit retention', async () => {
      const row = await this.#db
        .selectFrom('store_settings')
        .select('value')
        .where('key', '=', AUDIT_RETENTION_SETTING)
        .executeTakeFirst();
      const days = row ? Number(row.value) : Number.NaN;
      return Number.isInteger(days) && days > 0 ? days : undefined;
    });
  }

  async writeAuditRetention(days: number | undefined): Promise<void> {
    if (days !== undefined && !(Number.isInteger(days) && days > 0)) {
      throw NocofloError.create(Errors.BadRequest, [
        'the audit retention is a whole number of days, at least 1',
      ]);
    }
    return this.#run('write the audit retention', async () => {
      if (days === undefined) {
        await this.#db.deleteFrom('store_settings').where('key', '=', AUDIT_RETENTION_SETTING).execute();
        return;
      }
      const now = new Date().toISOString();
      const value = String(days);
      await this.#db
        .insertInto('store_settings')
        .values({ key: AUDIT_RETENTION_SETTING, value, updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
        .execute();
    });
  }

  getAudit(id: string): Promise<AuditEntry | undefined> {
    return this.#run('read the audit trail', async () => {
      const row = await this.#db.selectFrom('audit_log').selectAll().where('id', '=', id).executeTakeFirst();
      return row && this.#audit(row);
    });
  }
}
