// The rows API (a first 100-row page through the host, its data hooks and the SQLite
// datasource at the default isolation level) against a bare Fastify route running the same
// statement on the same database, both over real HTTP on loopback, driven by a load
// generator in a process of its own (fixtures/rows.mjs, `load`).
// The setup is shared with isolation-rows.mjs (fixtures/rows.mjs), which measures every
// kind of page at every level on SQLite and PostgreSQL.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  bareServer,
  checkAnswer,
  hostServer,
  interleaved,
  makeSqliteItems,
  pageKinds,
  sqliteRecorder,
} from './fixtures/rows.mjs';
import { row } from './report.mjs';

const ROUNDS = 6;
const SECONDS = 2;

export async function benchRowsApi() {
  const dir = join(import.meta.dirname, '.tmp', `rows-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const database = { kind: 'sqlite', file: makeSqliteItems(dir), table: 'items' };
  const recorder = await sqliteRecorder(database.file);
  const [first] = await pageKinds(recorder.datasource, 'items');
  const bare = await bareServer(database, recorder, 'items', [first]);
  await recorder.datasource.close();
  const server = await hostServer({ database, dir, table: 'items' });
  let results;
  try {
    const targets = { ours: `${server.base}?${first.query}`, bare: bare.url(0) };
    for (const [name, url] of Object.entries(targets))
      await checkAnswer(name, url, first.expected, first.name);
    results = await interleaved(targets, { rounds: ROUNDS, seconds: SECONDS });
  } finally {
    await server.close();
    await bare.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const result = row(
    'http',
    'rows API, 100-row page (req/s)',
    results.ours,
    'bare Fastify route, same SQL',
    results.bare,
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
