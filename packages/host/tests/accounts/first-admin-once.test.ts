/**
 * First run with several hosts on one PostgreSQL store: each host prints its own setup link,
 * and only one first admin is ever created. The links are opened and sent at the same time;
 * one creates the admin and signs in, every other gets a clear 409 (NCF_SETUP_DONE) and no
 * session, and a link sent afterwards on any host is refused the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../../src/store/index.js';
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../ops/helpers.js';
import { startWebHost, type WebHost } from '../web/fixtures/web-host.js';

const hasPostgres = await postgresAvailable();
const PASSWORD = 'a long enough password';

function setup(web: WebHost, token: string, name: string) {
  return web.app.inject({
    method: 'POST',
    url: '/setup',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: `token=${encodeURIComponent(token)}&name=${name}&password=${encodeURIComponent(PASSWORD)}`,
  });
}

describe.skipIf(!hasPostgres)('the first admin on hosts sharing one PostgreSQL store', () => {
  const schema = uniqueSchema('ncf_first_admin');
  const hosts: { web: WebHost; token: string }[] = [];

  beforeAll(async () => {
    const url = `${POSTGRES_URL}?schema=${schema}`;
    for (const token of ['setup-link-of-host-a', 'setup-link-of-host-b', 'setup-link-of-host-c']) {
      hosts.push({
        web: await startWebHost({ store: await openMetadataStore(url), setupToken: token }),
        token,
      });
    }
  });
  afterAll(async () => {
    for (const { web } of hosts) await web.close();
    await dropSchema(schema);
  });

  it('creates one first admin from the setup links sent to every host at once; the others get NCF_SETUP_DONE', async () => {
    // Every link works before anyone used one.
    for (const { web, token } of hosts) {
      expect((await web.app.inject({ url: `/setup?token=${token}` })).statusCode).toBe(200);
    }
    const answers = await Promise.all(hosts.map(({ web, token }, i) => setup(web, token, `admin${i}`)));
    const winners = answers.filter((a) => a.statusCode === 303);
    expect(winners.length, 'first admins created').toBe(1);
    expect(winners[0]?.headers['set-cookie']).toBeDefined();
    for (const loser of answers.filter((a) => a.statusCode !== 303)) {
      expect(loser.statusCode).toBe(409);
      expect(loser.body).toContain('NCF_SETUP_DONE');
      expect(loser.body).toContain('first admin was already created');
      expect(loser.headers['set-cookie']).toBeUndefined();
    }
    const users = await hosts[0]!.web.accounts.listUsers();
    expect(users.map((u) => u.role)).toEqual(['admin']);
    // The audit trail records one setup.
    const setups = await hosts[0]!.web.accounts.listAudit({ action: 'user.setup' });
    expect(setups.map((e) => e.actor)).toEqual([`user:${users[0]?.name}`]);

    // Afterwards, on every host: the link and the form are refused the same clear way.
    for (const { web, token } of hosts) {
      const page = await web.app.inject({ url: `/setup?token=${token}` });
      expect(page.statusCode).toBe(409);
      expect(page.body).toContain('NCF_SETUP_DONE');
      expect((await setup(web, token, 'late')).statusCode).toBe(409);
    }
    expect(await hosts[1]!.web.accounts.countUsers()).toBe(1);
  });

  it('makes no second first admin from a setup link even after every user was removed', async () => {
    const accounts = hosts[2]!.web.accounts;
    for (const user of await accounts.listUsers()) await accounts.removeUser(user.name);
    expect(await accounts.countUsers()).toBe(0);
    expect(await accounts.createFirstAdmin('again', PASSWORD)).toBeUndefined();
    expect(await accounts.countUsers()).toBe(0);
  });
});
