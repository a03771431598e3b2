/**
 * `nocoflo users …` run as a real process: passwords never on the command line, generated
 * ones printed once, every change audited as `cli`, hashes never printed.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../src/store/index.js';
import { resolvableTempRoot, runChild } from '../ops/fixtures/child-process.js';

describe('nocoflo users', () => {
  let root: string;
  const users = (args: string[], env: Record<string, string | undefined> = {}) =>
    runChild('cli', ['users', ...args, '--root', root], { NOCOFLO_PASSWORD: undefined, ...env });

  beforeEach(() => {
    root = resolvableTempRoot();
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('adds, lists, changes and removes users, auditing each change', async () => {
    const added = await users(['add', 'ada', '--role', 'admin', '--json'], {
      NOCOFLO_PASSWORD: 'correct horse',
    });
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ user: { name: 'ada', role: 'admin' } });
    expect(added.stdout).not.toContain('correct horse');

    const generated = await users(['add', 'bob']);
    expect(generated.code).toBe(0);
    const password = /Password \(shown once\): (\S+)/.exec(generated.stdout)?.[1];
    expect(password).toBeDefined();

    expect((await users(['set-role', 'bob', 'editor'])).stdout).toContain('bob is now editor');
    const badRole = await users(['set-role', 'bob', 'root']);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toContain('not a role');

    const listed = await users(['list']);
    expect(listed.stdout).toMatch(/ada\s+admin/);
    expect(listed.stdout).toMatch(/bob\s+editor/);
    expect(listed.stdout).not.toMatch(/scrypt/);

    const reset = await users(['reset-password', 'bob'], { NOCOFLO_PASSWORD: 'new password!' });
    expect(reset.code).toBe(0);
    expect(reset.stdout).not.toContain('new password!');

    expect((await users(['remove', 'bob'])).code).toBe(0);
    const missing = await users(['remove', 'bob']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NCF_USER_NOT_FOUND');

    const store = await openMetadataStore(join(root, '.nocoflo', 'metadata.db'));
    try {
      const accounts = store.accounts();
      expect(await accounts.verifyPassword('ada', 'correct horse')).toBeDefined();
      const trail = await accounts.listAudit({ actor: 'cli' });
      expect(trail.map((entry) => entry.action)).toEqual([
        'user.remove',
        'user.reset-password',
        'user.set-role',
        'user.add',
        'user.add',
      ]);
    } finally {
      await store.close();
    }
  });
});
