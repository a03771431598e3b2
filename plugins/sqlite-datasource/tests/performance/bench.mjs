// `pnpm bench`: @nocoflo/sqlite-datasource (built, from dist/) against raw better-sqlite3
// doing the same work on the same 1,000,000-row file, in the same process.
// Run with `node --expose-gc tests/performance/bench.mjs`; BENCH_ROWS=… for a smaller table.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeCursor } from '@nocoflo/sdk/sql';
import Database from 'better-sqlite3';
import {
  compareRates,
  compareStreams,
  report,
  resultCollector,
} from '../../../../scripts/bench/datasource-harness.mjs';
import { openSqlite } from '../../dist/index.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const pluginDir = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ncf-bench-sqlite-'));
const file = join(dir, 'bench.db');

console.log(`generating ${ROWS.toLocaleString('en-US')} rows in ${file} …`);
const setup = new Database(file);
setup.pragma('journal_mode = WAL');
setup.exec(`
  CREATE TABLE bench (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category INTEGER NOT NULL, amount REAL, note TEXT);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
  INSERT INTO bench SELECT i, 'name ' || i, i % 100, (i % 1000) * 1.25, CASE WHEN i % 7 = 0 THEN NULL ELSE 'note' END FROM n;
`);
setup.close();

const ds = await openSqlite(`sqlite:${file}`);
const raw = new Database(file);
raw.pragma('journal_mode = WAL');

const randomIds = Array.from({ length: 4096 }, () => 1 + Math.floor(Math.random() * (ROWS - 100)));
const cursors = randomIds.map((id) => encodeCursor({ direction: 'after', values: [id], sort: 'id:asc' }));
let i = 0;
const next = () => i++ & 4095;

const rawPage = raw.prepare(
  'SELECT id, name, category, amount, note FROM bench WHERE id > ? ORDER BY id LIMIT 100',
);
const rawAll = raw.prepare('SELECT id, name, category, amount, note FROM bench ORDER BY id');
const rawUpdate = raw.prepare(
  'UPDATE bench SET name = ? WHERE id = ? RETURNING id, name, category, amount, note',
);
const rawAggregate = raw.prepare(
  'SELECT category, count(*) AS count, sum(amount) AS sum_amount FROM bench GROUP BY 1 ORDER BY 1 LIMIT 1000',
);

const { results, run } = resultCollector();
await run('100-row keyset page', (name) =>
  compareRates(
    name,
    () => rawPage.all(randomIds[next()]),
    () => ds.readPage('bench', { limit: 100, cursor: cursors[next()] }),
  ),
);
await run(`stream all ${ROWS.toLocaleString('en-US')} rows`, (name) =>
  compareStreams(
    name,
    async (onRow) => {
      for (const _row of rawAll.iterate()) onRow();
    },
    async (onRow) => {
      for await (const _row of ds.stream('bench')) onRow();
    },
  ),
);
await run('update one row by key', (name) =>
  compareRates(
    name,
    () => rawUpdate.get(`raw ${i}`, randomIds[next()]),
    () => ds.update('bench', { id: randomIds[next()] }, { name: `ours ${i}` }),
  ),
);
await run(`GROUP BY aggregate over ${ROWS.toLocaleString('en-US')} rows`, (name) =>
  compareRates(
    name,
    () => rawAggregate.all(),
    () =>
      ds.aggregate('bench', {
        groupBy: ['category'],
        measures: [{ fn: 'count' }, { fn: 'sum', column: 'amount' }],
      }),
    { rounds: 3, ms: 1000 },
  ),
);

const sqliteVersion = raw.prepare('SELECT sqlite_version() AS v').get().v;
await ds.close();
raw.close();
rmSync(dir, { recursive: true, force: true });

report({
  pluginDir,
  key: 'sqlite',
  title: '@nocoflo/sqlite-datasource vs better-sqlite3',
  environment: `Node ${process.version}, SQLite ${sqliteVersion}, file in WAL mode, ${ROWS.toLocaleString('en-US')} rows`,
  results,
  recordInDocs: ROWS === 1_000_000,
});
