/**
 * Sessions live in the store: two hosts on one PostgreSQL store (a schema of the test's
 * own) accept each other's sign-ins, and a sign-out on one ends the session on both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../src/store/index.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../ops/helpers.js';
import { signIn } from '../web/fixtures/sign-in.js';
import { startWebHost, type WebHost } from '../web/fixtures/web-host.js';

const hasPostgres = await postgresAvailable();
const rows = '/api/datasources/main/tables/items/rows';

describe.skipIf(!hasPostgres)('sessions shared by two hosts on one PostgreSQL store', () => {
  const schema = uniqueSchema('ncf_sessions');
  let first: WebHost;
  let second: WebHost;

  beforeAll(async () => {
    const url = `${POSTGRES_URL}?schema=${schema}`;
    first = await startWebHost({ store: await openMetadataStore(url) });
    second = await startWebHost({ store: await openMetadataStore(url) });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await dropSchema(schema);
  });

  it('signs in on one host and is signed in on the other, until signed out on either', async () => {
    await first.accounts.createUser('shared', 'editor', 'shared-password');
    const session = await signIn(first.app, 'shared', 'shared-password');
    const onSecond = await second.app.inject({ url: rows, cookies: session.cookies });
    expect(onSecond.statusCode).toBe(200);
    // A write on the second host with the first host's page token passes its CSRF check too.
    const write = await second.app.inject({
      method: 'PATCH',
      url: rows,
      cookies: session.cookies,
      headers: session.headers,
      payload: { key: { id: 1 }, changes: { qty: 3 } },
    });
    expect(write.statusCode).toBe(200);
    const out = await second.app.inject({
      method: 'POST',
      url: '/sign-out',
      cookies: session.cookies,
      headers: session.headers,
      payload: {},
    });
    expect(out.statusCode).toBe(303);
    expect((await first.app.inject({ url: rows, cookies: session.cookies })).statusCode).toBe(401);
  });
});
