/**
 * One logger, and no secret in it: the host, Fastify's request log and each plugin (a child
 * with its name bound) write through one pino instance, captured here line by line. Through
 * a sign-in (right and wrong), a token created on the users page and through the admin API,
 * a password reset, requests with a bearer token and with the session cookie, the setup
 * link, and a plugin logging a database URL with its password, no password, token secret,
 * session id, setup token or URL password appears in any line, while the lines that would
 * carry them are there, censored. The stored password hash is in no line either, nor in any
 * answer of the pages and admin routes that show users, tokens and the audit trail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { definePlugin } from '@nocoflo/sdk';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHost } from '../../../src/create-host.js';
import { createHostLogger } from '../../../src/logging/pino-logger.js';
import { createServer } from '../../../src/server/index.js';
import { type MetadataStore, openMetadataStore } from '../../../src/store/index.js';
import type { HostTables } from '../../../src/store/schema/tables.js';
import type { PluginHost } from '../../../src/types.js';
import { signIn } from '../fixtures/sign-in.js';

const ADMIN_TOKEN = 'log-test-admin-token-Zq81';
const PASSWORD = 'pw-in-no-log-line-7731';
const NEW_PASSWORD = 'pw-reset-in-no-log-line-4410';
const WRONG = 'pw-wrong-in-no-log-line-9090';
const SETUP_TOKEN = 'setup-token-in-no-log-line-5521';
const DB_PASSWORD = 'DbPassInNoLogLine3377';

describe('the host logger', () => {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  let root: string;
  let host: PluginHost;
  let store: MetadataStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ncf-log-secrets-'));
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          raw.push(line);
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    const logger = createHostLogger({ level: 'debug', destination: sink });
    host = await createHost({ root, pluginDirs: [], scanNodeModules: false, logger });
    await host.start();
    await host.register(
      definePlugin({
        setup(ctx) {
          ctx.logger.info(`connecting to postgres://app:${DB_PASSWORD}@db.internal:5432/shop`);
          ctx.logger.warn('retrying', {
            url: `postgres://app:${DB_PASSWORD}@db.internal/shop`,
            password: DB_PASSWORD,
          });
        },
      }),
      { name: 'chatty', version: '1.0.0' },
    );
    store = await openMetadataStore(':memory:');
    app = await createServer({
      host,
      datasources: [],
      adminToken: ADMIN_TOKEN,
      store,
      setupToken: SETUP_TOKEN,
      logRequests: true,
    });
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    await host?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('is Fastify’s logger too, and gives each plugin a child with its name', async () => {
    // Fastify's own log (app.log, and the request log below) lands in the host's stream.
    app.log.info({ marker: 'from-fastify' }, 'fastify says hello');
    expect(lines.some((line) => line.marker === 'from-fastify' && line.msg === 'fastify says hello')).toBe(
      true,
    );
    const fromPlugin = lines.filter((line) => line.plugin === 'chatty');
    expect(fromPlugin.map((line) => line.msg)).toEqual([
      'connecting to postgres://app:***@db.internal:5432/shop',
      'retrying',
    ]);
    expect(fromPlugin[1]).toMatchObject({
      url: 'postgres://app:***@db.internal/shop',
      password: '[redacted]',
    });
  });

  it('keeps every secret out of every line', async () => {
    // The setup link (its token in the URL), then the first admin it creates.
    const setupPage = await app.inject({
      url: `/setup?token=${SETUP_TOKEN}`,
      headers: { accept: 'text/html' },
    });
    expect(setupPage.statusCode).toBe(200);
    const setup = await app.inject({
      method: 'POST',
      url: '/setup',
      payload: `token=${SETUP_TOKEN}&name=ada&password=${PASSWORD}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(setup.statusCode).toBe(303);

    // Sign-ins, wrong and right.
    const wrong = await app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: `name=ada&password=${WRONG}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.statusCode).toBe(401);
    const session = await signIn(app, 'ada', PASSWORD);
    const sessionId = session.cookies.nocoflo_session ?? '';
    expect(sessionId).not.toBe('');

    // A token on the users page (session cookie and CSRF token), and one through the admin API.
    const made = await app.inject({
      method: 'POST',
      url: '/admin/users/ada/tokens',
      cookies: session.cookies,
      headers: session.headers,
      payload: { name: 'ci' },
    });
    expect(made.statusCode).toBe(200);
    const userTokenSecret = /ncf_[\w-]+/.exec(made.body)?.[0] ?? '';
    expect(userTokenSecret).not.toBe('');
    const apiToken = await app.inject({
      method: 'POST',
      url: '/admin/tokens',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { name: 'deploy', user: 'ada', permissions: [] },
    });
    expect(apiToken.statusCode).toBe(201);
    const apiTokenSecret = apiToken.json().secret as string;

    // A password reset, and requests with each bearer token.
    const reset = await app.inject({
      method: 'POST',
      url: '/admin/users/ada/password',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      payload: { password: NEW_PASSWORD },
    });
    expect(reset.statusCode).toBe(200);
    for (const secret of [userTokenSecret, apiTokenSecret, ADMIN_TOKEN, 'ncf_not-a-real-token-3141']) {
      await app.inject({ url: '/api/datasources', headers: { authorization: `Bearer ${secret}` } });
    }

    const all = raw.join('\n');
    for (const secret of [
      PASSWORD,
      NEW_PASSWORD,
      WRONG,
      SETUP_TOKEN,
      DB_PASSWORD,
      ADMIN_TOKEN,
      userTokenSecret,
      apiTokenSecret,
      sessionId,
      session.csrf,
    ]) {
      expect(all, `a log line holds ${secret.slice(0, 6)}…`).not.toContain(secret);
    }
    // The lines that would have carried them are there, censored: not a vacuous pass.
    const requests = lines.filter((line) => (line.req as { url?: string } | undefined)?.url !== undefined);
    const urls = requests.map((line) => (line.req as { url: string }).url);
    expect(urls).toContain('/setup?token=***');
    const headers = requests.map((line) => (line.req as { headers?: Record<string, unknown> }).headers ?? {});
    expect(headers.filter((h) => h.authorization === '[redacted]').length).toBeGreaterThanOrEqual(6);
    expect(headers.some((h) => h.cookie === '[redacted]')).toBe(true);
    expect(headers.some((h) => h['x-csrf-token'] === '[redacted]')).toBe(true);
    // The failed bearer token was logged as a failed authentication, without the token.
    expect(lines.some((line) => String(line.msg).includes('failed authentication'))).toBe(true);

    // Password hashes (and their salts) are in no log line and in no answer of the pages and
    // admin routes that show users, tokens and the audit trail.
    const db = (store as unknown as { db: Kysely<HostTables> }).db;
    const hashes = (await db.selectFrom('users').select('password_hash').execute()).map(
      (r) => r.password_hash,
    );
    expect(hashes.length).toBe(1);
    const parts = hashes.flatMap((hash) => [hash, ...hash.split('$').slice(4)]);
    const admin = await signIn(app, 'ada', NEW_PASSWORD);
    const answers: string[] = [];
    for (const url of ['/admin/users', '/admin/audit', '/admin', '/', '/admin/tokens', '/admin/plugins']) {
      const response = await app.inject({ url, cookies: admin.cookies, headers: { accept: 'text/html' } });
      expect(response.statusCode, url).toBe(200);
      answers.push(response.body, JSON.stringify(response.headers));
    }
    // The users page does list ada, so an empty answer cannot pass.
    expect(answers.join('\n')).toContain('ada');
    for (const part of parts) {
      expect(raw.join('\n'), 'a log line holds a password hash').not.toContain(part);
      expect(answers.join('\n'), 'an answer holds a password hash').not.toContain(part);
    }
    // Nor a token secret, once it was shown.
    for (const secret of [userTokenSecret, apiTokenSecret]) expect(answers.join('\n')).not.toContain(secret);
  });
});
