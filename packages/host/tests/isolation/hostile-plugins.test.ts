/**
 * The hostile-plugin corpus (hostile-corpus.ts), each case beside a well-behaved plugin.
 * Responsiveness is checked without wall-clock limits: while the incident is still under
 * way (the offender still looping), the host answers data and admin calls.
 */
import type { PluginHost } from '@nocoflo/host';
import type { IsolationLevel, PluginState } from '@nocoflo/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { HOSTILE_CASES } from './hostile-corpus.js';
import { MEMORY_DATASOURCE, startHost, writePlugin } from './isolated-plugins.js';

const GOOD = `${MEMORY_DATASOURCE}
export default definePlugin({
  datasources: [{ name: 'good', schemes: ['good'], async open(url) { return memoryDatasource(url); } }],
});`;

/** Resolves when `plugin` is in `state` (the test's own timeout catches a host that never gets there). */
function stateReached(host: PluginHost, plugin: string, state: PluginState): Promise<void> {
  return new Promise((resolve) => {
    if (host.get(plugin)?.state === state) return resolve();
    const off = host.on('stateChange', (change) => {
      if (change.plugin === plugin && change.to === state) {
        off();
        resolve();
      }
    });
  });
}

/** The host answers: a data read through the good plugin and an admin-style listing. */
async function probe(host: PluginHost): Promise<void> {
  const ds = await host.datasources.open('good:x');
  const page = await ds.readPage('items', { limit: 10 });
  await ds.close();
  expect(page.rows.map((row) => row.id)).toEqual(expect.arrayContaining([1, 2, 3]));
  expect(host.list().find((p) => p.name === 'good')?.state).toBe('enabled');
}

describe.each<IsolationLevel>(['worker', 'process'])('hostile plugins at the %s level', (level) => {
  let root: FixtureRoot | undefined;
  let host: PluginHost | undefined;
  afterEach(async () => {
    await host?.stop();
    root?.cleanup();
    host = undefined;
  });

  it.each(HOSTILE_CASES.map((c) => [c.name, c] as const))('%s', async (_name, hostile) => {
    root = new FixtureRoot(`hostile-${level}`);
    writePlugin(root, 'good', GOOD);
    writePlugin(root, 'offender', hostile.source);
    host = await startHost(root, level, {
      callbackTimeoutMs: 4_000,
      tapTimeoutMs: 2_000,
      ...(hostile.maxHeapMb ? { maxHeapMb: hostile.maxHeapMb } : {}),
    });
    const running = host;
    let settled = false;
    const incident = hostile.trigger
      ? hostile.trigger(running).then(
          () => undefined,
          () => undefined,
        )
      : Promise.resolve();
    void incident.finally(() => {
      settled = true;
    });
    // The host answers while the incident is under way (a sync call, such as canHandle or a
    // service method, holds the host until its deadline, then the host answers again).
    await probe(running);
    const stillLooping = !settled;
    await incident;
    if (hostile.cause) {
      await stateReached(running, 'offender', 'failed');
      const offender = running.get('offender');
      expect(offender?.state).toBe('failed');
      expect(offender?.error?.message).toMatch(hostile.cause);
      expect(offender?.error?.message).toContain('offender');
      if (hostile.trigger && /did not finish|stopped answering/.test(offender?.error?.message ?? ''))
        expect(stillLooping || /canHandle|viewCandidates|service/.test(offender?.error?.message ?? '')).toBe(
          true,
        );
    } else {
      await hostile.confined?.(running);
      expect(running.get('offender')?.state).toBe('enabled');
    }
    // The other plugin is untouched and its data intact.
    await probe(running);
    expect(running.get('good')?.state).toBe('enabled');
  });
});

const SPY = `import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
const attempt = (fn) => { try { fn(); return 'allowed'; } catch (error) { return error.code ?? error.message; } };
export default definePlugin({ setup(ctx) { ctx.registerRoute({ method: 'GET', path: '/spy', handler: () => {
  const hostData = join(ctx.dataDir, '..', '..');
  return { body: {
    token: attempt(() => readFileSync(join(hostData, 'admin-token'), 'utf8')),
    key: attempt(() => readFileSync(join(hostData, 'secret.key'), 'utf8')),
    store: attempt(() => readFileSync(join(hostData, 'metadata.db'))),
    otherPlugin: attempt(() => readFileSync(join(hostData, '..', 'plugins', 'good', 'index.js'), 'utf8')),
    hostFolder: attempt(() => readdirSync(join(hostData, '..'))),
    writeOutside: attempt(() => writeFileSync(join(hostData, 'planted'), 'x')),
    ownData: attempt(() => { writeFileSync(join(ctx.dataDir, 'mine'), 'x'); readFileSync(join(ctx.dataDir, 'mine')); }),
    childProcess: attempt(() => execSync('id')),
    worker: attempt(() => new Worker('1', { eval: true })),
    env: Object.keys(process.env).sort(),
  } };
} }); } });`;

describe('a plugin at the process level', () => {
  it('cannot read the admin token, the secrets key, the store or another plugin, nor write outside its data, spawn, or see undeclared env', async () => {
    const root = new FixtureRoot('process-spy');
    let host: PluginHost | undefined;
    try {
      writePlugin(root, 'good', GOOD);
      writePlugin(root, 'spy', SPY, { permissions: { env: ['NOCOFLO_SPY_ALLOWED'] } });
      root.file('.nocoflo/admin-token', 'the-admin-token');
      root.file('.nocoflo/secret.key', 'the-key');
      root.file('.nocoflo/metadata.db', 'the-store');
      process.env.NOCOFLO_SPY_ALLOWED = 'yes';
      process.env.NOCOFLO_SPY_SECRET = 'no';
      host = await startHost(root, 'process');
      const match = host.routes.match('spy', 'GET', '/spy');
      const response = (await match!.route.route.handler({
        params: {},
        query: {},
        body: undefined,
        headers: {},
      })) as {
        body: Record<string, unknown>;
      };
      expect(response.body).toEqual({
        token: 'ERR_ACCESS_DENIED',
        key: 'ERR_ACCESS_DENIED',
        store: 'ERR_ACCESS_DENIED',
        otherPlugin: 'ERR_ACCESS_DENIED',
        hostFolder: 'ERR_ACCESS_DENIED',
        writeOutside: 'ERR_ACCESS_DENIED',
        ownData: 'allowed',
        childProcess: 'ERR_ACCESS_DENIED',
        worker: 'ERR_ACCESS_DENIED',
        env: ['NOCOFLO_SPY_ALLOWED'],
      });
      expect(host.get('spy')?.runtime).toMatchObject({
        isolation: 'process',
        permissions: { addons: false, fsRead: [], env: ['NOCOFLO_SPY_ALLOWED'] },
      });
    } finally {
      delete process.env.NOCOFLO_SPY_ALLOWED;
      delete process.env.NOCOFLO_SPY_SECRET;
      await host?.stop();
      root.cleanup();
    }
  });
});
