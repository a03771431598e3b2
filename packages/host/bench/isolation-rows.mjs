// The rows API with the SQLite datasource at each isolation level (inline, worker, process)
// against a bare Fastify route running the same SQL on the same database with
// better-sqlite3, for three kinds of page: the first page, a deep keyset page (a cursor
// 90,000 rows in) and a filtered, sorted page. Every server runs in this process over real
// HTTP on loopback, driven by autocannon, in paired rounds whose order rotates, so a burst
// of load elsewhere on the machine hits every side of a ratio alike.
//
// "The same SQL" is literal: the floor runs the SQL and parameters the SQLite datasource
// runs for that page (recorded from the plugin itself), so a ratio is what the host layer
// and the isolation boundary cost, not a different query.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { createHost, createServer } from '../dist/index.js';
import { repoRoot, row } from './report.mjs';

const ROWS = 100_000;
const ROUNDS = Number(process.env.NOCOFLO_BENCH_ROUNDS ?? 4);
const SECONDS = 2;
const LEVELS = ['inline', 'worker', 'process'];
const SQLITE = '@nocoflo/sqlite-datasource';

function makeDatabase(dir) {
  const file = join(dir, 'items.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, price REAL, created TEXT)');
  db.exec('CREATE INDEX items_price ON items (price)');
  const insert = db.prepare('INSERT INTO items (label, price, created) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++)
      insert.run(`item ${i}`, (i % 997) / 10, `2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
  })();
  db.close();
  return file;
}

/** The SQLite datasource opened in this process, recording the statement each read runs. */
async function recorder(file) {
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
  return {
    datasource,
    /** The SQL and parameters the datasource runs for one page. */
    async query(options) {
      recorded = undefined;
      const page = await datasource.readPage('items', options);
      if (!recorded) throw new Error('the SQLite datasource read a page without a statement the bench saw');
      return { ...recorded, page };
    },
  };
}

const ADMIN_TOKEN = 'bench-admin-token';
// The data API needs a signed-in actor: every request carries the admin token (the bare route ignores it).
const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function throughput(url, seconds) {
  const result = await autocannon({ url, headers, connections: 10, duration: seconds, pipelining: 1 });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

async function hostServer(level, source, dir) {
  // A plugin process reads only its package and its data folder: each level reads its own
  // copy of the database, in the SQLite plugin's data folder.
  const dataDir = join(dir, `data-${level}`);
  const pluginData = join(dataDir, 'plugins', 'nocoflo__sqlite-datasource');
  mkdirSync(pluginData, { recursive: true });
  const file = join(pluginData, 'items.db');
  copyFileSync(source, file);
  const host = await createHost({
    root: repoRoot,
    pluginDirs: ['plugins'],
    scanNodeModules: false,
    dataDir,
    isolation: { default: level },
  });
  await host.start();
  const info = host.get(SQLITE);
  if (info?.state !== 'enabled')
    throw new Error(`${SQLITE} did not start at ${level}: ${info?.error?.message}`);
  if (info.runtime?.isolation !== level) throw new Error(`${SQLITE} runs at ${info.runtime?.isolation}`);
  const app = await createServer({ host, datasources: [`sqlite:${file}`], adminToken: ADMIN_TOKEN });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${app.server.address().port}/api/datasources/items/tables/items/rows`;
  return {
    base,
    async close() {
      await app.close();
      await host.stop();
    },
  };
}

export async function benchIsolationRows() {
  const dir = join(import.meta.dirname, '.tmp', `isolation-rows-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = makeDatabase(dir);
  const record = await recorder(file);

  // A cursor 90,000 rows in, found by walking the table with the datasource itself.
  let cursor;
  for (let read = 0; read < 90_000; read += 10_000)
    cursor = (await record.datasource.readPage('items', { limit: 10_000, ...(cursor ? { cursor } : {}) }))
      .nextCursor;
  const filter = [{ column: 'price', op: 'lt', value: 20 }];
  const sort = [{ column: 'price', direction: 'desc' }];
  const kinds = [
    { name: 'first page', options: { limit: 100 }, query: 'limit=100' },
    {
      name: 'deep keyset page (row 90,000)',
      options: { limit: 100, cursor },
      query: `limit=100&cursor=${encodeURIComponent(cursor)}`,
    },
    {
      name: 'filtered + sorted page',
      options: { limit: 100, filter, sort },
      query: `limit=100&filter=${encodeURIComponent(JSON.stringify(filter))}&sort=price:desc`,
    },
  ];

  const db = new Database(file, { readonly: true });
  const bare = Fastify();
  for (const [i, kind] of kinds.entries()) {
    const { sql, params, page } = await record.query(kind.options);
    kind.expected = page.rows.map((r) => r.id);
    const statement = db.prepare(sql);
    // The datasource reads one row more than the page to know whether another page follows.
    bare.get(`/rows/${i}`, async () => ({ rows: statement.all(...params).slice(0, 100) }));
  }
  await record.datasource.close();
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const bareBase = `http://127.0.0.1:${bare.server.address().port}/rows`;

  const servers = {};
  for (const level of LEVELS) servers[level] = await hostServer(level, file, dir);

  const rows = [];
  const notes = [];
  for (const [i, kind] of kinds.entries()) {
    const targets = {
      bare: `${bareBase}/${i}`,
      ...Object.fromEntries(LEVELS.map((level) => [level, `${servers[level].base}?${kind.query}`])),
    };
    // Every server answers the same rows before anything counts.
    for (const [name, url] of Object.entries(targets)) {
      const answer = await (await fetch(url, { headers })).json();
      const ids = answer.rows?.map((r) => r.id);
      if (JSON.stringify(ids) !== JSON.stringify(kind.expected))
        throw new Error(
          `${name} answered other rows for the ${kind.name}: ${JSON.stringify(answer).slice(0, 600)}`,
        );
      await throughput(url, 1);
    }
    const results = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
    const names = Object.keys(targets);
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate who goes first each round.
      const order = names.map((_, j) => names[(j + round) % names.length]);
      for (const name of order) results[name].push(await throughput(targets[name], SECONDS));
    }
    for (const level of LEVELS) {
      const r = row(
        'isolation',
        `rows API at ${level}, ${kind.name} (req/s)`,
        results[level],
        'bare Fastify + better-sqlite3, same SQL',
        results.bare,
        level === 'worker' ? 1.25 : undefined,
      );
      rows.push(r);
      notes.push(
        `rows API at ${level}, ${kind.name}: ${(1 / r.ratio).toFixed(2)}x of the bare route's throughput${level === 'worker' ? ' (target ≥ 0.8x)' : ''}`,
      );
    }
  }
  for (const server of Object.values(servers)) await server.close();
  await bare.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { rows, notes };
}
