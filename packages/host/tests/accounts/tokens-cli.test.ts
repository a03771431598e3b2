/**
 * `nocoflo tokens …` run as a real process: every token names its owner (`--user`), carries
 * at most the owner's rights, can expire, prints its secret once, and is audited as `cli`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../src/store/index.js';
import { resolvableTempRoot, runChild } from '../ops/fixtures/child-process.js';

describe('nocoflo tokens', () => {
  let root: string;
  const cli = (args: string[]) =>
    runChild('cli', [...args, '--root', root], { NOCOFLO_PASSWORD: 'correct horse' });

  beforeEach(() => {
    root = resolvableTempRoot();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('creates tokens for a named user within its rights, lists them without secrets, revokes them', async () => {
    expect((await cli(['users', 'add', 'ed', '--role', 'editor'])).code).toBe(0);

    const ownerless = await cli(['tokens', 'create', 'ci']);
    expect(ownerless.code).not.toBe(0);
    expect(ownerless.stderr).toContain('--user');

    const beyond = await cli(['tokens', 'create', 'ci', '--user', 'ed', '--role', 'admin']);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toContain('cannot act as admin');
    const permission = await cli(['tokens', 'create', 'ci', '--user', 'ed', '--permission', 'notes.export']);
    expect(permission.code).toBe(1);
    expect(permission.stderr).toContain('only admins hold plugin permissions');
    const nobody = await cli(['tokens', 'create', 'ci', '--user', 'nobody']);
    expect(nobody.stderr).toContain('NCF_USER_NOT_FOUND');

    const made = await cli([
      'tokens',
      'create',
      'ci',
      '--user',
      'ed',
      '--role',
      'viewer',
      '--expires',
      '2999-01-01',
      '--json',
    ]);
    expect(made.code).toBe(0);
    const { token, secret } = JSON.parse(made.stdout);
    expect(token).toMatchObject({
      name: 'ci',
      user: 'ed',
      role: 'viewer',
      expiresAt: '2999-01-01T00:00:00.000Z',
    });
    expect(secret).toMatch(/^ncf_/);

    const listed = await cli(['tokens', 'list']);
    expect(listed.stdout).toMatch(/ci\s+ed\s+viewer\s+expires 2999/);
    expect(listed.stdout).not.toContain(secret);

    const store = await openMetadataStore(join(root, '.nocoflo', 'metadata.db'));
    try {
      const accounts = store.accounts();
      expect((await accounts.findToken(secret))?.userId).toBe((await accounts.findUser('ed'))?.id);
      const trail = await accounts.listAudit({ actor: 'cli', action: 'token.' });
      expect(trail[0]).toMatchObject({
        action: 'token.create',
        detail: { token: 'ci', user: 'ed', role: 'viewer' },
      });
      expect(JSON.stringify(trail)).not.toContain(secret);
    } finally {
      await store.close();
    }

    expect((await cli(['tokens', 'revoke', token.id])).stdout).toContain(`Revoked token ${token.id}`);
    expect((await cli(['tokens', 'revoke', token.id])).code).toBe(1);
    expect((await cli(['tokens', 'list', '--json'])).stdout).toContain('"tokens": []');
  });
});
