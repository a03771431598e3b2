// The rows API (a 100-row page through the host, its data hooks and the SQLite datasource)
// against a bare Fastify route running the same query on the same database, both over
// real HTTP on loopback, driven by autocannon.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { createHost, createServer } from '../dist/index.js';
import { repoRoot, row } from './report.mjs';

const ROWS = 100_000;

function makeDatabase(dir) {
  const file = join(dir, 'items.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, price REAL, created TEXT)');
  const insert = db.prepare('INSERT INTO items (label, price, created) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++)
      insert.run(`item ${i}`, (i % 997) / 10, `2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
  })();
  db.close();
  return file;
}

async function throughput(url, seconds) {
  const result = await autocannon({ url, connections: 10, duration: seconds, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

export async function benchRowsApi() {
  const dir = join(
    import.meta.dirname ?? new URL('.', import.meta.url).pathname,
    '.tmp',
    `rows-${process.pid}`,
  );
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = makeDatabase(dir);

  const host = await createHost({
    root: repoRoot,
    pluginDirs: ['plugins'],
    scanNodeModules: false,
    dataDir: join(dir, 'data'),
  });
  await host.start();
  if (host.get('@nocoflo/sqlite-datasource')?.state !== 'enabled')
    throw new Error('build the workspace first (pnpm build)');
  const app = await createServer({ host, datasources: [`sqlite:${file}`], adminToken: 'bench' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const apiUrl = `http://127.0.0.1:${app.server.address().port}/api/datasources/items/tables/items/rows?limit=100`;

  const db = new Database(file, { readonly: true });
  const page = db.prepare('SELECT * FROM items ORDER BY id LIMIT 100');
  const bare = Fastify();
  bare.get('/rows', async () => ({ rows: page.all() }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${bare.server.address().port}/rows`;

  const check = await (await fetch(apiUrl)).json();
  if (check.rows?.length !== 100)
    throw new Error(`the rows API answered ${JSON.stringify(check).slice(0, 200)}`);

  // Interleaved rounds; the ratio is the median of the per-round ratios.
  const ours = [];
  const floor = [];
  for (let round = 0; round < 3; round++) {
    floor.push(await throughput(bareUrl, 3));
    ours.push(await throughput(apiUrl, 3));
  }
  await app.close();
  await bare.close();
  db.close();
  await host.stop();
  rmSync(dir, { recursive: true, force: true });
  const result = row(
    'http',
    'rows API, 100-row page (req/s)',
    ours,
    'bare Fastify route, same query',
    floor,
    1.25,
  );
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  return {
    rows: [result],
    notes: [
      `rows API: ${fmt(result.opsPerSec)} req/s vs ${fmt(result.floorOpsPerSec)} req/s for the bare route (medians) = ${(1 / result.ratio).toFixed(2)}x of its throughput (target ≥ 0.8x, i.e. a time ratio ≤ 1.25x)`,
    ],
  };
}
