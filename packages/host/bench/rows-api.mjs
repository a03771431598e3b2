// The rows API (a 100-row page through the host, its data hooks and the SQLite datasource)
// against a bare Fastify route running the same query on the same database, both over
// real HTTP on loopback, driven by autocannon. "The same query" is literal: the floor runs
// the SQL and parameters the SQLite datasource runs for that page (recorded from the
// plugin itself), so the ratio is what the host layer costs, not a different query.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { createHost, createServer } from '../dist/index.js';
import { repoRoot, row } from './report.mjs';

const ROWS = 100_000;
const ROUNDS = 6;
const SECONDS = 2;

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

/** The SQL and parameters the SQLite datasource runs for the first 100-row page of `items`. */
async function recordPageQuery(file) {
  const plugin = join(repoRoot, 'plugins', 'sqlite-datasource', 'dist', 'index.js');
  const { openSqlite } = await import(pathToFileURL(plugin).href);
  const datasource = await openSqlite(`sqlite:${file}`, { readOnly: true });
  const prepare = datasource.db.prepare.bind(datasource.db);
  let recorded;
  datasource.db.prepare = (sql) => {
    const statement = prepare(sql);
    const all = statement.all.bind(statement);
    statement.all = (...params) => {
      recorded = { sql, params };
      return all(...params);
    };
    return statement;
  };
  await datasource.readPage('items', { limit: 100 });
  await datasource.close();
  if (!recorded)
    throw new Error('the SQLite datasource read the page without a statement the bench could see');
  return recorded;
}

// The data API needs a signed-in actor: every request carries the admin token (the bare route ignores it).
const headers = { authorization: 'Bearer bench' };

async function throughput(url, seconds) {
  const result = await autocannon({ url, headers, connections: 10, duration: seconds, pipelining: 1 });
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

  const { sql, params } = await recordPageQuery(file);
  const db = new Database(file, { readonly: true });
  const page = db.prepare(sql);
  const bare = Fastify();
  // The datasource reads one row more than the page to know whether another page follows.
  bare.get('/rows', async () => ({ rows: page.all(...params).slice(0, 100) }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = `http://127.0.0.1:${bare.server.address().port}/rows`;

  const check = await (await fetch(apiUrl, { headers })).json();
  if (check.rows?.length !== 100)
    throw new Error(`the rows API answered ${JSON.stringify(check).slice(0, 200)}`);

  // Both routes warm (JIT, statement caches) before anything counts.
  await throughput(bareUrl, 1);
  await throughput(apiUrl, 1);
  // Paired rounds, the order swapped every round so a drift in machine load hits both
  // sides alike; the ratio is the median of the per-round ratios.
  const ours = [];
  const floor = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      floor.push(await throughput(bareUrl, SECONDS));
      ours.push(await throughput(apiUrl, SECONDS));
    } else {
      ours.push(await throughput(apiUrl, SECONDS));
      floor.push(await throughput(bareUrl, SECONDS));
    }
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
    'bare Fastify route, same SQL',
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
