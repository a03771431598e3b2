// start() of 100 small plugins, reload latency of one plugin, and heap growth per reload
// (after GC) for a small and a realistic plugin. The floors are a fresh import + setup in
// this thread, so the targeted figures run the plugins inline (the level is set here, not
// left to the default); a reload at the default level, a worker's restart, is reported
// beside them against the same floor.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHost } from '../dist/index.js';
import { measure, repoRoot, row } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const smallEntry = (i) => `import { definePlugin, defineView } from '@nocoflo/sdk';
export default definePlugin({
  views: [defineView({ name: 'view-${i}', title: 'View ${i}', canHandle: () => ${i % 50}, render: () => ({ html: '<p>${i}</p>' }) })],
  hooks: { afterWrite: () => {} },
  setup(ctx) { ctx.services.provide('svc-${i}', { n: ${i} }); },
});
`;

function pluginFolder(root, name, entrySource) {
  const dir = join(root, 'plugins', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({
      name,
      version: '1.0.0',
      type: 'module',
      keywords: ['nocoflo-plugin'],
      nocoflo: { entry: './index.js', host: '*' },
    }),
  );
  writeFileSync(join(dir, 'index.js'), entrySource);
  return dir;
}

let importSerial = 0;
/** The floor of starting plugins: import each entry afresh and call its setup. */
async function importAndSetup(dirs) {
  importSerial += 1;
  for (const dir of dirs) {
    const mod = await import(`${pathToFileURL(join(dir, 'index.js')).href}?floor=${importSerial}`);
    await mod.default.setup?.({ services: { provide() {} } });
  }
}

const INLINE = { default: 'inline' };

const heapAfterGc = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
};

async function reloadGrowth(root, name, reloads) {
  const host = await createHost({ root, scanNodeModules: false, isolation: INLINE });
  await host.start();
  for (let i = 0; i < 20; i++) await host.reload(name); // warm up
  const before = heapAfterGc();
  for (let i = 0; i < reloads; i++) await host.reload(name);
  const after = heapAfterGc();
  await host.stop();
  return (after - before) / reloads;
}

export async function benchLifecycle() {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  const root = join(here, '.tmp', `lifecycle-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  const dirs = Array.from({ length: 100 }, (_, i) => pluginFolder(root, `small-${i}`, smallEntry(i)));

  const start = await measure(
    {
      host: async () => {
        const host = await createHost({ root, scanNodeModules: false, isolation: INLINE });
        await host.start();
        if (host.list().filter((p) => p.state === 'enabled').length !== 100)
          throw new Error('not all plugins started');
        await host.stop();
      },
      floor: () => importAndSetup(dirs),
    },
    { time: 1500, rounds: 3, iterations: 3 },
  );

  const reloadHost = await createHost({ root, scanNodeModules: false, isolation: INLINE });
  await reloadHost.start();
  // A worker host of one plugin: its reload restarts the plugin's worker.
  const workerRoot = join(here, '.tmp', `lifecycle-worker-${process.pid}`);
  rmSync(workerRoot, { recursive: true, force: true });
  pluginFolder(workerRoot, 'small-7', smallEntry(7));
  const workerHost = await createHost({
    root: workerRoot,
    scanNodeModules: false,
    isolation: { default: 'worker' },
  });
  await workerHost.start();
  if (workerHost.get('small-7')?.runtime?.isolation !== 'worker')
    throw new Error('small-7 is not in a worker');
  const reload = await measure(
    {
      host: () => reloadHost.reload('small-7'),
      worker: () => workerHost.reload('small-7'),
      floor: () => importAndSetup([dirs[7]]),
    },
    { time: 800, rounds: Number(process.env.NOCOFLO_BENCH_ROUNDS ?? 5), iterations: 10 },
  );
  await reloadHost.stop();
  await workerHost.stop();
  rmSync(workerRoot, { recursive: true, force: true });

  // Memory: a tiny module, and a realistic one (the built table view, if present, else a generated 27 KB module).
  const growthRoot = join(here, '.tmp', `growth-${process.pid}`);
  rmSync(growthRoot, { recursive: true, force: true });
  pluginFolder(growthRoot, 'tiny', smallEntry(1));
  const tableViewDist = join(repoRoot, 'plugins', 'table-view', 'dist', 'index.js');
  let realisticSource;
  let realisticLabel;
  try {
    realisticSource = readFileSync(tableViewDist, 'utf8');
    realisticLabel = `@nocoflo/table-view's built entry (${Math.round(realisticSource.length / 1024)} KB)`;
  } catch {
    realisticSource = `${smallEntry(2)}\n${Array.from({ length: 600 }, (_, i) => `export function helper${i}(x) { return x * ${i} + ${i}; }`).join('\n')}`;
    realisticLabel = `a generated ${Math.round(realisticSource.length / 1024)} KB module`;
  }
  const realisticDir = pluginFolder(growthRoot, 'realistic', realisticSource);
  try {
    cpSync(join(repoRoot, 'plugins', 'table-view', 'assets'), join(realisticDir, 'assets'), {
      recursive: true,
    });
  } catch {}
  const smallGrowth = await reloadGrowth(growthRoot, 'tiny', 500);
  const realisticGrowth = await reloadGrowth(growthRoot, 'realistic', 150);
  rmSync(root, { recursive: true, force: true });
  rmSync(growthRoot, { recursive: true, force: true });

  return {
    rows: [
      row(
        'lifecycle',
        'start() of 100 small plugins',
        start.host,
        'fresh import + setup of the 100 entries',
        start.floor,
      ),
      row(
        'lifecycle',
        'reload of one plugin (inline)',
        reload.host,
        'fresh import + setup of its entry',
        reload.floor,
        2,
      ),
      row(
        'lifecycle',
        'reload of one plugin (worker, the default)',
        reload.worker,
        'fresh import + setup of its entry',
        reload.floor,
      ),
    ],
    notes: [
      `start() of 100 small plugins: ${(1000 / Math.max(...start.host)).toFixed(1)} ms at best (floor ${(1000 / Math.max(...start.floor)).toFixed(1)} ms)`,
      `reload of one plugin: ${(1000 / Math.max(...reload.host)).toFixed(2)} ms at best inline, ${(1000 / Math.max(...reload.worker)).toFixed(2)} ms in a worker (floor ${(1000 / Math.max(...reload.floor)).toFixed(2)} ms)`,
      `heap growth per reload after GC: ${(smallGrowth / 1024).toFixed(1)} KB for a tiny plugin; ${(realisticGrowth / 1024).toFixed(1)} KB for ${realisticLabel}. Node never evicts an ES module, so each reload keeps the old module's code; restart the host after many reloads.`,
    ],
  };
}
