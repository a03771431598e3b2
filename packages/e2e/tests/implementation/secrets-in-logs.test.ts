/**
 * Passwords, their hashes, API token secrets and session ids never appear in a response
 * body or a line the server prints, through sign-in (right and wrong), user and token
 * management, with `--verbose` on.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type RunningServer, startServer } from '../fixtures/serve.js';

const PASSWORD = 'pw-never-shown-1';
const WRONG = 'pw-wrong-never-shown';

describe('secrets stay out of responses and logs', () => {
  let server: RunningServer;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ncf-secrets-'));
    const dataDir = join(work, 'data');
    const added = spawnSync(
      process.execPath,
      [CLI, 'users', 'add', 'boss', '--role', 'admin', '--data-dir', dataDir],
      {
        env: { ...process.env, NOCOFLO_PASSWORD: PASSWORD },
        encoding: 'utf8',
      },
    );
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout + added.stderr).not.toContain(PASSWORD);
    const db = new Database(join(work, 'notes.sqlite'));
    db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'hello');");
    db.close();
    server = await startServer({
      urls: [`sqlite:${join(work, 'notes.sqlite')}`],
      dataDir,
      localAdmin: false,
      verbose: true,
    });
  });
  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('never shows them', async () => {
    const bodies: string[] = [];
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const post = async (path: string, fields: Record<string, string>, cookie = '') => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, origin: server.url },
        body: form(fields),
      });
      bodies.push(await response.text());
      return response;
    };
    const wrong = await post('/sign-in', { name: 'boss', password: WRONG });
    expect(wrong.status).toBe(401);
    const right = await post('/sign-in', { name: 'boss', password: PASSWORD, next: '/' });
    expect(right.status).toBe(303);
    const sessionCookie = (right.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(sessionCookie).toMatch(/^nocoflo_session=/);
    const usersPage = await fetch(`${server.url}/admin/users`, {
      headers: { cookie: sessionCookie, accept: 'text/html' },
    });
    const usersHtml = await usersPage.text();
    bodies.push(usersHtml);
    const csrf = /name="nocoflo-csrf" content="([^"]+)"/.exec(usersHtml)?.[1] ?? '';
    expect(csrf).not.toBe('');
    await post(
      '/admin/users',
      { _csrf: csrf, name: 'helper', password: 'helper-password', role: 'editor' },
      sessionCookie,
    );
    const tokenPage = await post(
      '/admin/users/helper/tokens',
      { _csrf: csrf, name: 'ci', role: '' },
      sessionCookie,
    );
    expect(tokenPage.status).toBe(200);
    const secret = /class="ncf-token-secret">([^<]+)</.exec(bodies.at(-1) ?? '')?.[1] ?? '';
    expect(secret).toMatch(/^ncf_/);
    // The secret works once shown, and is not shown again.
    const again = await fetch(`${server.url}/admin/users`, {
      headers: { cookie: sessionCookie, accept: 'text/html' },
    });
    expect(await again.text()).not.toContain(secret);
    const viaToken = await fetch(`${server.url}/api/datasources`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(viaToken.status).toBe(200);

    const sessionId = sessionCookie.split('=')[1]?.split('.')[0] ?? '';
    const output = server.output();
    for (const text of [...bodies.slice(0, -1), output]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain('helper-password');
      expect(text).not.toMatch(/scrypt\$/);
    }
    expect(output).not.toContain(secret);
    expect(output).not.toContain(decodeURIComponent(sessionId));
  });
});
