import { describe, expect, it } from 'vitest';
import { bearerActor, bearerToken, isAdminToken } from '../../../src/server/access/actor.js';
import { holdsPluginPermission } from '../../../src/server/access/rules.js';
import { createApiToken, hashSecret } from '../../../src/server/admin-api/credentials.js';
import type { StoredApiToken } from '../../../src/store/metadata.js';
import { SqliteMetadataStore } from '../../../src/store/sqlite-store.js';

describe('credentials', () => {
  it('reads bearer tokens and nothing else', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc  ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('compares the admin token exactly', () => {
    expect(isAdminToken('s3cret', 's3cret')).toBe(true);
    expect(isAdminToken('s3cret ', 's3cret')).toBe(false);
    expect(isAdminToken(undefined, 's3cret')).toBe(false);
  });

  it('stores only the hash of a new API token', async () => {
    const saved = new Map<string, StoredApiToken>();
    const store = {
      insertApiToken: async (token: StoredApiToken, hash: string) => void saved.set(hash, token),
    };
    const { secret, token } = await createApiToken(store, 'ci', ['b.read', 'a.read', 'a.read']);
    expect(token.permissions).toEqual(['a.read', 'b.read']);
    expect([...saved.keys()]).toEqual([hashSecret(secret)]);
    expect(JSON.stringify([...saved.values()])).not.toContain(secret);
  });

  it('the auth path finds the actor of an API token by its secret and holds only its permissions', async () => {
    const store = await SqliteMetadataStore.open(':memory:');
    try {
      const { secret } = await createApiToken(store, 'ci', ['a.read']);
      const accounts = store.accounts();
      const actor = await bearerActor(secret, 'admin', accounts);
      expect(actor).toMatchObject({ kind: 'token', role: undefined, permissions: ['a.read'] });
      if (!actor) throw new Error('no actor');
      expect(holdsPluginPermission(actor, 'GET', 'a.read')).toBe(true);
      expect(holdsPluginPermission(actor, 'GET', 'c.write')).toBe(false);
      // Without a permission the route needs a role, which such a token does not have.
      expect(holdsPluginPermission(actor, 'GET', undefined)).toBe(false);
      const admin = await bearerActor('admin', 'admin', accounts);
      expect(admin && holdsPluginPermission(admin, 'POST', 'c.write')).toBe(true);
      expect(await bearerActor('unknown', 'admin', accounts)).toBeUndefined();
      const star = { ...actor, permissions: ['*'] };
      expect(holdsPluginPermission(star, 'GET', 'anything')).toBe(true);
    } finally {
      await store.close();
    }
  });
});
