/**
 * The account store on SQLite and PostgreSQL: users with scrypt hashes (never read back),
 * grants, tokens that expire and never exceed their owner, sessions, per-user view
 * preferences and the append-only audit trail.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountStore } from '../../src/accounts/index.js';
import { type MetadataStore, openMetadataStore } from '../../src/store/index.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, tempDir, uniqueSchema } from '../ops/helpers.js';

const hasPostgres = await postgresAvailable();

const backends = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = await tempDir();
      return { store: await openMetadataStore(join(dir.path, 'metadata.db')), cleanup: dir.cleanup };
    },
  },
  {
    name: 'postgres',
    skip: !hasPostgres,
    async open() {
      const schema = uniqueSchema('ncf_accounts');
      return {
        store: await openMetadataStore(`${POSTGRES_URL}?schema=${schema}`),
        cleanup: () => dropSchema(schema),
      };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`account store on ${backend.name}`, () => {
    let store: MetadataStore;
    let accounts: AccountStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      const opened = await backend.open();
      store = opened.store;
      cleanup = opened.cleanup;
      accounts = store.accounts();
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    it('creates users with scrypt hashes and checks passwords', async () => {
      expect(await accounts.countUsers()).toBe(0);
      const ada = await accounts.createUser('ada', 'admin', 'correct horse');
      expect(ada).toMatchObject({ name: 'ada', role: 'admin' });
      expect(JSON.stringify(ada)).not.toMatch(/scrypt|hash|correct horse/);
      expect(await accounts.countUsers()).toBe(1);
      expect(await accounts.verifyPassword('ada', 'correct horse')).toMatchObject({ id: ada.id });
      expect(await accounts.verifyPassword('ada', 'wrong horse')).toBeUndefined();
      expect(await accounts.verifyPassword('nobody', 'correct horse')).toBeUndefined();
      await expect(accounts.createUser('ada', 'viewer', 'another one')).rejects.toThrow(/already exists/);
      await expect(accounts.createUser('bob', 'viewer', 'short')).rejects.toThrow(/8 characters/);
      await expect(accounts.createUser('bob', 'root' as never, 'long enough')).rejects.toThrow(/not a role/);
      await accounts.setRole('ada', 'viewer');
      expect((await accounts.findUser('ada'))?.role).toBe('viewer');
      await accounts.setPassword('ada', 'battery staple');
      expect(await accounts.verifyPassword('ada', 'battery staple')).toBeDefined();
      expect(await accounts.verifyPassword('ada', 'correct horse')).toBeUndefined();
    });

    it('keeps grants per datasource and table', async () => {
      const eve = await accounts.createUser('eve', 'editor', 'password1');
      await accounts.setGrant(eve.id, 'demo', 'customers', 'read');
      await accounts.setGrant(eve.id, 'demo', 'customers', 'none');
      await accounts.setGrant(eve.id, 'demo', '*', 'write');
      const grants = await accounts.listGrants(eve.id);
      expect(grants.map((g) => [g.table, g.access])).toEqual([
        ['*', 'write'],
        ['customers', 'none'],
      ]);
      expect(await accounts.removeGrant(eve.id, 'demo', 'customers')).toBe(true);
      expect(await accounts.listGrants(eve.id)).toHaveLength(1);
    });

    it('makes tokens for a user, at most its role, that expire and are found by secret only', async () => {
      const viewer = await accounts.createUser('vic', 'viewer', 'password1');
      const { secret, token } = await accounts.createToken(viewer.id, 'ci');
      expect(JSON.stringify(await accounts.listTokens(viewer.id))).not.toContain(secret);
      expect((await accounts.findToken(secret))?.id).toBe(token.id);
      expect(await accounts.findToken(`${secret}x`)).toBeUndefined();
      await expect(accounts.createToken(viewer.id, 'up', { role: 'admin' })).rejects.toThrow(/cannot act as/);
      await expect(
        accounts.createToken(viewer.id, 'old', { expiresAt: new Date(Date.now() - 1000).toISOString() }),
      ).rejects.toThrow(/in the past/);
      // Owned by its user, acting with the owner's role (kept, so a downgrade shows).
      expect(token).toMatchObject({ userId: viewer.id, role: 'viewer', permissions: [] });
      await expect(accounts.createToken(viewer.id, 'p', { permissions: ['x.read'] })).rejects.toThrow(
        /only admins hold plugin permissions/,
      );
      const soon = await accounts.createToken(viewer.id, 'soon', {
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      });
      expect((await accounts.findToken(soon.secret))?.id).toBe(soon.token.id);
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        vi.setSystemTime(Date.now() + 60_001);
        expect(await accounts.findToken(soon.secret)).toBeUndefined();
      } finally {
        vi.useRealTimers();
      }
      expect(await accounts.revokeToken(token.id)).toBe(true);
      expect(await accounts.findToken(secret)).toBeUndefined();
    });

    it('stores sessions until they expire or the password changes', async () => {
      const user = await accounts.createUser('sam', 'viewer', 'password1');
      const later = new Date(Date.now() + 60_000).toISOString();
      await accounts.setSession('s1', { data: { userId: user.id }, expiresAt: later }, user.id);
      expect((await accounts.getSession('s1'))?.data).toEqual({ userId: user.id });
      await accounts.setSession(
        's2',
        { data: {}, expiresAt: new Date(Date.now() - 1).toISOString() },
        undefined,
      );
      expect(await accounts.getSession('s2')).toBeUndefined();
      await accounts.setPassword('sam', 'password2');
      expect(await accounts.getSession('s1')).toBeUndefined();
    });

    it('keeps a view preference per user', async () => {
      const a = await accounts.createUser('a1', 'viewer', 'password1');
      const b = await accounts.createUser('b1', 'viewer', 'password1');
      await accounts.writeUserViewPreference(a.id, 'k', 'chart');
      expect(await accounts.readUserViewPreference(a.id, 'k')).toBe('chart');
      expect(await accounts.readUserViewPreference(b.id, 'k')).toBeUndefined();
      await accounts.writeUserViewPreference(a.id, 'k', undefined);
      expect(await accounts.readUserViewPreference(a.id, 'k')).toBeUndefined();
    });

    it('appends to the audit trail and filters it newest first', async () => {
      await accounts.appendAudit({ actor: 'user:a', action: 'auth.sign-in' });
      const update = await accounts.appendAudit({
        actor: 'user:a',
        action: 'row.update',
        datasource: 'demo',
        table: 'orders',
        key: { id: 1 },
        before: { id: 1, qty: 1 },
        after: { id: 1, qty: 2 },
      });
      await accounts.appendAudit({
        actor: 'user:b',
        action: 'row.delete',
        datasource: 'demo',
        table: 'lines',
      });
      const rows = await accounts.listAudit({ action: 'row.' });
      expect(rows.map((r) => r.action)).toEqual(['row.delete', 'row.update']);
      expect(await accounts.listAudit({ actor: 'user:a', table: 'orders' })).toEqual([update]);
      expect(await accounts.getAudit(update.id)).toEqual(update);
      expect(await accounts.listAudit({ before: update.id })).toHaveLength(1);
    });
  });
}
