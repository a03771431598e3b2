import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  createApiToken,
  hashSecret,
  holds,
  identifyCaller,
  isAdminToken,
} from '../../../src/server/admin-api/credentials.js';
import type { StoredApiToken } from '../../../src/store/metadata.js';

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

  it('stores only the hash of a new API token and finds the caller by its secret', async () => {
    const saved = new Map<string, StoredApiToken>();
    const store = {
      insertApiToken: async (token: StoredApiToken, hash: string) => void saved.set(hash, token),
      findApiToken: async (hash: string) => saved.get(hash),
    };
    const { secret, token } = await createApiToken(store, 'ci', ['b.read', 'a.read', 'a.read']);
    expect(token.permissions).toEqual(['a.read', 'b.read']);
    expect([...saved.keys()]).toEqual([hashSecret(secret)]);
    expect(JSON.stringify([...saved.values()])).not.toContain(secret);

    const caller = await identifyCaller(`Bearer ${secret}`, 'admin', store);
    expect(caller).toEqual({ kind: 'token', token });
    expect(holds(caller, 'a.read')).toBe(true);
    expect(holds(caller, 'c.write')).toBe(false);
    expect(holds(await identifyCaller('Bearer admin', 'admin', store), 'c.write')).toBe(true);
    expect(holds(await identifyCaller('Bearer unknown', 'admin', store), 'a.read')).toBe(false);
    expect(holds(await identifyCaller(undefined, 'admin', store), 'a.read')).toBe(false);
    expect(holds({ kind: 'token', token: { ...token, permissions: ['*'] } }, 'anything')).toBe(true);
  });
});
