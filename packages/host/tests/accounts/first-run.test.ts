// First run: with no user, `nocoflo serve` prints a one-time setup link that creates the first
// admin and then stops working; on a non-loopback address with no user and no --read-only it
// refuses to start, says why, and exits non-zero. Real `nocoflo serve` processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultMetadataStorePath, openMetadataStore } from '../../src/store/index.js';
import { bundleChild, resolvableTempRoot } from '../ops/fixtures/child-process.js';

const TOKEN = 'first-run-admin-token';

function serve(cli: string, root: string, extra: string[]): ChildProcess {
  return spawn(
    process.execPath,
    // No datasource plugin is installed in this root: the URL is only there to serve.
    [cli, 'serve', 'sqlite::memory:', '--serve-unavailable', '--root', root, '--port', '0', ...extra],
    { env: { ...process.env, NOCOFLO_ADMIN_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describe('first run', () => {
  const children: ChildProcess[] = [];
  const roots: string[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('prints a one-time setup link that creates the first admin and cannot be reused', async () => {
    const root = resolvableTempRoot();
    roots.push(root);
    const child = serve(await bundleChild('cli'), root, []);
    children.push(child);
    let output = '';
    const link = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        const match = /setup: (http:\/\/127\.0\.0\.1:\d+\/setup\?token=[\w-]+)/.exec(output);
        if (match?.[1]) resolve(match[1]);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('close', (code) =>
        reject(new Error(`serve exited (${code}) before printing a link:\n${output}`)),
      );
    });
    const url = new URL(link);
    const token = url.searchParams.get('token') ?? '';
    const form = await fetch(link);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="password"');

    const created = await fetch(`${url.origin}/setup`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(token)}&name=ada&password=${encodeURIComponent('a long enough password')}`,
    });
    expect(created.status).toBe(303);
    const cookie = (created.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^nocoflo_session=/);
    // Signed in as the new admin.
    const admin = await fetch(`${url.origin}/admin/plugins`, { headers: { cookie } });
    expect(admin.status).toBe(200);

    // The link works once: now the first admin exists.
    const used = await fetch(link);
    expect(used.status).toBe(409);
    expect(await used.text()).toContain('NCF_SETUP_DONE');
    const again = await fetch(`${url.origin}/setup`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(token)}&name=mallory&password=${encodeURIComponent('another long password')}`,
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('set-cookie')).toBeNull();
  });

  it('prints no setup link once a link made the first admin, even after every user was removed', async () => {
    const root = resolvableTempRoot();
    roots.push(root);
    const store = await openMetadataStore(defaultMetadataStorePath(join(root, '.nocoflo')));
    try {
      const accounts = store.accounts();
      expect(await accounts.setupDone()).toBe(false);
      await accounts.createFirstAdmin('ada', 'a long enough password');
      await accounts.removeUser('ada');
      expect(await accounts.countUsers()).toBe(0);
      expect(await accounts.setupDone()).toBe(true);
    } finally {
      await store.close();
    }
    const child = serve(await bundleChild('cli'), root, []);
    children.push(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (output.includes('Press Ctrl+C')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.on('close', (code) => reject(new Error(`serve exited (${code}):\n${output}`)));
    });
    expect(output).toMatch(/is serving/);
    expect(output).not.toMatch(/setup: /);
    expect(output).toMatch(/nocoflo users add <name> --role admin/);
  });

  it('refuses to serve on a non-loopback address with no user and no --read-only, and says why', async () => {
    const root = resolvableTempRoot();
    roots.push(root);
    const child = serve(await bundleChild('cli'), root, ['--host', '0.0.0.0']);
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/no user exists yet/);
    expect(output).toMatch(/--read-only/);
    expect(output).not.toMatch(/is serving/);
  });
});
