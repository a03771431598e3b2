/**
 * The hostile-plugin corpus at the process level (the worker level: hostile-plugins.test.ts),
 * and what a process-level plugin cannot reach: the host's secrets and store, other plugins,
 * anything outside its data folder, child processes, workers, undeclared env.
 */
import type { PluginHost } from '@nocoflo/host';
import { describe, expect, it } from 'vitest';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { describeHostilePlugins, GOOD } from './hostile-suite.js';
import { startHost, writePlugin } from './isolated-plugins.js';

describeHostilePlugins('process');

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
