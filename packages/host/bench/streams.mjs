// Streams through the host: `for await` over the hooked datasource the host hands out (the
// SQLite datasource plugin, registered in code, so at the inline level) against the raw
// driver's `iterate()` over the same table, and against the plugin's own stream without the
// host (what the host adds is the difference between the two ratios). A second host runs
// the plugin at the default level, in a worker, where rows cross threads in batches (read
// from the plugin's stream with its batch read, nextBatch). Both are held to 1.1x the raw
// driver (issue #19). NOCOFLO_BENCH_STREAM_ROWS sets the table's size (e.g. 1000000).
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { createHost } from '../dist/index.js';
import { repoRoot, row } from './report.mjs';

const ROWS = Number(process.env.NOCOFLO_BENCH_STREAM_ROWS ?? 200_000);
const ROUNDS = Number(process.env.NOCOFLO_BENCH_ROUNDS ?? 11);
const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname;

export async function benchStreams() {
  const dir = join(here, '.tmp', `streams-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'items.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, price REAL, created TEXT)');
  const insert = db.prepare('INSERT INTO items (label, price, created) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(`item ${i}`, (i % 997) / 10, '2024-01-01');
  })();
  db.close();

  const pluginEntry = join(repoRoot, 'plugins', 'sqlite-datasource', 'dist', 'index.js');
  const plugin = await import(pathToFileURL(pluginEntry).href);
  const host = await createHost({ scanNodeModules: false, pluginDirs: [], dataDir: join(dir, 'data') });
  await host.start();
  await host.register(plugin.default, { name: '@nocoflo/sqlite-datasource' });
  const url = `sqlite:${file}`;
  const viaHost = await host.datasources.open(url);
  // The worker host finds the plugin in its plugins folder (a link to the built package).
  const workerRoot = join(dir, 'worker-root');
  mkdirSync(join(workerRoot, 'plugins'), { recursive: true });
  symlinkSync(
    join(repoRoot, 'plugins', 'sqlite-datasource'),
    join(workerRoot, 'plugins', 'sqlite-datasource'),
  );
  const workerHost = await createHost({
    root: workerRoot,
    scanNodeModules: false,
    dataDir: join(dir, 'worker-data'),
    isolation: { default: 'worker' },
  });
  await workerHost.start();
  const runtime = workerHost.get('@nocoflo/sqlite-datasource')?.runtime;
  if (runtime?.isolation !== 'worker')
    throw new Error(`the SQLite plugin runs at ${runtime?.isolation}, not worker`);
  const viaWorker = await workerHost.datasources.open(url);
  const alone = await plugin.default.datasources[0].open(url, { readOnly: true });
  const raw = new Database(file, { readonly: true });
  const all = raw.prepare('SELECT * FROM items');

  const count = async (iterable) => {
    let n = 0;
    for await (const _ of iterable) n += 1;
    if (n !== ROWS) throw new Error(`streamed ${n} rows, not ${ROWS}`);
  };
  // Whole reads, timed one after another in a rotating order, several rounds: ops/s per round.
  const tasks = {
    raw: async () => {
      let n = 0;
      for (const _ of all.iterate()) n += 1;
      if (n !== ROWS) throw new Error('raw iterate lost rows');
    },
    plugin: () => count(alone.stream('items')),
    host: () => count(viaHost.stream('items')),
    worker: () => count(viaWorker.stream('items')),
  };
  const result = { raw: [], plugin: [], host: [], worker: [] };
  const names = Object.keys(tasks);
  for (const name of names) await tasks[name](); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const started = performance.now();
      await tasks[name]();
      result[name].push(1000 / (performance.now() - started));
    }
  }
  await viaHost.close();
  await viaWorker.close();
  await alone.close();
  raw.close();
  await host.stop();
  await workerHost.stop();
  rmSync(dir, { recursive: true, force: true });
  const name = `stream all ${ROWS.toLocaleString('en-US')} rows`;
  return [
    row(
      'streams',
      `${name} through the host (inline)`,
      result.host,
      'raw better-sqlite3 iterate()',
      result.raw,
      1.1,
    ),
    row('streams', `${name}, the plugin alone`, result.plugin, 'raw better-sqlite3 iterate()', result.raw),
    row(
      'streams',
      `${name} through the host (worker, the default)`,
      result.worker,
      'raw better-sqlite3 iterate()',
      result.raw,
      1.1,
    ),
  ];
}
