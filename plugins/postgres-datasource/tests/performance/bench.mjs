// `pnpm bench`: @nocoflo/postgres-datasource (built, from dist/) against raw pg / pg-cursor
// doing the same work on the same 1,000,000-row table, in the same process. Uses the server
// in NOCOFLO_PG_URL (in a database of its own, dropped afterwards), else an embedded PGlite.
// Run with `node --expose-gc tests/performance/bench.mjs`; BENCH_ROWS=… for a smaller table.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { encodeCursor } from '@nocoflo/sdk/sql';
import pg from 'pg';
import Cursor from 'pg-cursor';
import {
  compareRates,
  compareStreams,
  report,
  resultCollector,
} from '../../../../scripts/bench/datasource-harness.mjs';
import { openPostgres } from '../../dist/index.js';

// A real server gets the million rows; the embedded PGlite fallback (single session, WASM)
// a tenth of them, so that `pnpm bench` stays within minutes on a fresh machine.
const ROWS = Number(process.env.BENCH_ROWS ?? (process.env.NOCOFLO_PG_URL ? 1_000_000 : 100_000));
const pluginDir = fileURLToPath(new URL('../..', import.meta.url));

async function server() {
  const base = process.env.NOCOFLO_PG_URL;
  if (base) {
    const database = `ncf_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const root = new pg.Client({ connectionString: base });
    await root.connect();
    await root.query(`CREATE DATABASE "${database}"`);
    await root.end();
    const url = new URL(base);
    url.pathname = `/${database}`;
    return {
      url: url.toString(),
      kind: 'PostgreSQL server (NOCOFLO_PG_URL)',
      async stop() {
        const cleanup = new pg.Client({ connectionString: base });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await cleanup.end();
      },
    };
  }
  console.log('NOCOFLO_PG_URL is not set: benchmarking an embedded PGlite (slow; set it for real figures)');
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const socket = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
  await socket.start();
  return {
    url: `postgres://postgres@${socket.getServerConn()}/postgres`,
    kind: 'embedded PGlite over pglite-socket',
    async stop() {
      await socket.stop();
      await db.close();
    },
  };
}

const target = await server();
const raw = new pg.Pool({ connectionString: target.url, max: 10 });
console.log(`generating ${ROWS.toLocaleString('en-US')} rows …`);
await raw.query(`
  CREATE TABLE bench (id bigint PRIMARY KEY, name text NOT NULL, category int NOT NULL, amount double precision, note text);
  INSERT INTO bench SELECT g, 'name ' || g, g % 100, (g % 1000) * 1.25, CASE WHEN g % 7 = 0 THEN NULL ELSE 'note' END
    FROM generate_series(1, ${ROWS}) g;
  ANALYZE bench;`);
const version = (await raw.query('SHOW server_version')).rows[0].server_version;
const ds = await openPostgres(target.url);

const randomIds = Array.from({ length: 4096 }, () => 1 + Math.floor(Math.random() * (ROWS - 100)));
const cursors = randomIds.map((id) => encodeCursor({ direction: 'after', values: [id], sort: 'id:asc' }));
let i = 0;
const next = () => i++ & 4095;
const COLUMNS = 'id, name, category, amount, note';

const { results, run } = resultCollector();
await run('100-row keyset page', (name) =>
  compareRates(
    name,
    () => raw.query(`SELECT ${COLUMNS} FROM bench WHERE id > $1 ORDER BY id LIMIT 100`, [randomIds[next()]]),
    () => ds.readPage('bench', { limit: 100, cursor: cursors[next()] }),
  ),
);
await run(`stream all ${ROWS.toLocaleString('en-US')} rows`, (name) =>
  compareStreams(
    name,
    async (onRow) => {
      const client = await raw.connect();
      try {
        await client.query('BEGIN READ ONLY');
        const cursor = client.query(new Cursor(`SELECT ${COLUMNS} FROM bench ORDER BY id`));
        for (;;) {
          const rows = await cursor.read(1000);
          if (rows.length === 0) break;
          for (const _row of rows) onRow();
        }
        await cursor.close();
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
    async (onRow) => {
      for await (const _row of ds.stream('bench')) onRow();
    },
  ),
);
await run('update one row by key', (name) =>
  compareRates(
    name,
    () =>
      raw.query(`UPDATE bench SET name = $1 WHERE id = $2 RETURNING ${COLUMNS}`, [
        `raw ${i}`,
        randomIds[next()],
      ]),
    () => ds.update('bench', { id: randomIds[next()] }, { name: `ours ${i}` }),
  ),
);
await run(`GROUP BY aggregate over ${ROWS.toLocaleString('en-US')} rows`, (name) =>
  compareRates(
    name,
    () =>
      raw.query(
        'SELECT category, count(*) AS count, sum(amount) AS sum_amount FROM bench GROUP BY 1 ORDER BY 1 LIMIT 1000',
      ),
    () =>
      ds.aggregate('bench', {
        groupBy: ['category'],
        measures: [{ fn: 'count' }, { fn: 'sum', column: 'amount' }],
      }),
    { rounds: 3, ms: 1000 },
  ),
);

await ds.close();
await raw.end();
await target.stop();

report({
  pluginDir,
  key: 'postgres',
  title: '@nocoflo/postgres-datasource vs pg / pg-cursor',
  environment: `Node ${process.version}, PostgreSQL ${version} (${target.kind}), ${ROWS.toLocaleString('en-US')} rows`,
  results,
  recordInDocs: target.kind.startsWith('PostgreSQL server') && ROWS === 1_000_000,
});
