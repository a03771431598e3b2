/**
 * API tokens' actors are cached briefly (server/access/token-cache.ts): a token used again
 * costs no store read, every account change made through the server takes effect on the
 * next request, and a change made elsewhere (another host, the CLI) within the TTL.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Actor } from '../../../src/server/access/actor.js';
import {
  cachedBearerActor,
  invalidating,
  TOKEN_CACHE_TTL_MS,
  TokenActorCache,
} from '../../../src/server/access/token-cache.js';
import { ADMIN_TOKEN, startWebHost, type WebHost } from '../fixtures/web-host.js';

const rows = '/api/datasources/main/tables/items/rows';
const operator = { authorization: `Bearer ${ADMIN_TOKEN}` };

describe('the token actor cache', () => {
  const actor = (name: string): Actor => ({
    kind: 'token',
    label: `token:${name}`,
    name,
    role: 'viewer',
    grants: [],
    permissions: [],
    via: 'bearer',
  });

  it('keeps an actor for the TTL, never past the token expiry, and at most `size` of them', () => {
    let now = 1_000_000;
    const cache = new TokenActorCache(5_000, 2, () => now);
    cache.set('a', actor('a'), cache.generation);
    cache.set('b', actor('b'), cache.generation, new Date(now + 1_000).toISOString());
    expect(cache.get('a')?.name).toBe('a');
    now += 1_000;
    expect(cache.get('b')).toBeUndefined(); // its token expired
    expect(cache.get('a')?.name).toBe('a');
    now += 4_000;
    expect(cache.get('a')).toBeUndefined(); // the TTL
    cache.set('c', actor('c'), cache.generation);
    cache.set('d', actor('d'), cache.generation);
    expect(cache.get('c')?.name).toBe('c'); // c used last: d is older now
    cache.set('e', actor('e'), cache.generation);
    expect(cache.count).toBe(2);
    expect(cache.get('d')).toBeUndefined();
    expect(cache.get('c')?.name).toBe('c');
  });

  it('does not store what a lookup begun before a change found', () => {
    const cache = new TokenActorCache();
    const generation = cache.generation;
    cache.clear();
    cache.set('a', actor('a'), generation);
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('API tokens through the server', () => {
  let web: WebHost;
  let secret: string;
  let tokenId: string;

  beforeEach(async () => {
    web = await startWebHost();
    const editor = await web.accounts.createUser('ed', 'editor', 'correct horse');
    const created = await web.accounts.createToken(editor.id, 'script');
    secret = created.secret;
    tokenId = created.token.id;
  });
  afterEach(async () => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    await web.close();
  });

  const read = () => web.app.inject({ url: rows, headers: { authorization: `Bearer ${secret}` } });

  it('reads the store once for a token used again and again', async () => {
    const findToken = vi.spyOn(Object.getPrototypeOf(web.accounts), 'findToken');
    for (let i = 0; i < 5; i++) expect((await read()).statusCode).toBe(200);
    // Once for the token's expiry, once in the actor lookup: then never while it is fresh.
    expect(findToken.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('refuses a token revoked through the admin API on the very next request', async () => {
    expect((await read()).statusCode).toBe(200);
    const revoked = await web.app.inject({
      method: 'POST',
      url: `/admin/users/ed/tokens/${tokenId}/revoke`,
      headers: operator,
      payload: {},
    });
    expect(revoked.statusCode).toBeLessThan(300);
    expect((await read()).statusCode).toBe(401);
  });

  it('stops writing once its owner is downgraded through the admin API, on the very next request', async () => {
    const write = () =>
      web.app.inject({
        method: 'POST',
        url: rows,
        headers: { authorization: `Bearer ${secret}` },
        payload: { values: { label: 'cached?', price: 1 } },
      });
    expect((await write()).statusCode).toBe(201);
    const demoted = await web.app.inject({
      method: 'POST',
      url: '/admin/users/ed/role',
      headers: operator,
      payload: { role: 'viewer' },
    });
    expect(demoted.statusCode).toBeLessThan(300);
    // Refused on the next request: 403 for the viewer it now acts as, or 401 once the downgrade
    // revoked it (a token above its owner's role stops working); never the cached editor's 201.
    expect([401, 403]).toContain((await write()).statusCode);
  });

  it('sees a change made elsewhere (another host, the CLI) once the TTL has passed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    expect((await read()).statusCode).toBe(200);
    // Straight to the store, as another host would: this server's cache does not hear of it.
    await web.accounts.revokeToken(tokenId);
    expect((await read()).statusCode).toBe(200);
    vi.setSystemTime(Date.now() + TOKEN_CACHE_TTL_MS + 1);
    expect((await read()).statusCode).toBe(401);
  });
});

describe('an account store that clears the cache', () => {
  it('clears it on every change to users, roles, passwords, grants or tokens, not on reads', async () => {
    const cache = new TokenActorCache();
    const calls: string[] = [];
    const store = new Proxy({} as Record<string, unknown>, {
      get: (_t, key) => async () => {
        calls.push(String(key));
        return undefined;
      },
    });
    const accounts = invalidating(store as never, cache);
    for (const change of ['removeUser', 'setRole', 'setPassword', 'setGrant', 'removeGrant', 'revokeToken']) {
      const before = cache.generation;
      await (accounts as unknown as Record<string, () => Promise<unknown>>)[change]!();
      expect(cache.generation, change).toBeGreaterThan(before);
    }
    const before = cache.generation;
    await accounts.findToken('x');
    await accounts.listUsers();
    expect(cache.generation).toBe(before);
    expect(calls).toContain('revokeToken');
    // The admin token never reaches the store.
    expect(await cachedBearerActor(cache, 'admin', 'admin', accounts)).toMatchObject({ kind: 'admin-token' });
  });
});
