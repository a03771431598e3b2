// `pnpm bench`: @nocoflo/mysql-datasource (built, from dist/) against raw mysql2 doing the
// same work on the same 1,000,000-row table, in the same process. Uses the server in
// NOCOFLO_MYSQL_URL (in a database of its own, dropped afterwards); without it, says how to
// run it and exits 0 (there is no embedded MySQL to fall back on).
// Run with `node --expose-gc tests/performance/bench.mjs`; BENCH_ROWS=… for a smaller table.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { encodeCursor } from '@nocoflo/sdk/sql';
import mysql from 'mysql2/promise';
import {
  compareRates,
  compareStreams,
  report,
  resultCollector,
} from '../../../../scripts/bench/datasource-harness.mjs';
import { openMysql, SESSION_SQL } from '../../dist/index.js';

const base = process.env.NOCOFLO_MYSQL_URL;
if (!base) {
  console.log(
    'mysql bench skipped: set NOCOFLO_MYSQL_URL to a MySQL or MariaDB server, e.g. NOCOFLO_MYSQL_URL=mysql://root@127.0.0.1:3306/test',
  );
  process.exit(0);
}
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const pluginDir = fileURLToPath(new URL('../..', import.meta.url));

const database = `ncf_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const root = await mysql.createConnection({ uri: base });
await root.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
const [[{ version }]] = await root.query('SELECT VERSION() AS version');
await root.end();
const url = new URL(base);
url.pathname = `/${database}`;

// The raw pool reads like the datasource's: prepared statements, big numbers exact, dates as text.
const raw = mysql.createPool({
  uri: url.toString(),
  connectionLimit: 5,
  supportBigNumbers: true,
  dateStrings: true,
  jsonStrings: true,
});
raw.pool.on('connection', (connection) => connection.query(SESSION_SQL, () => {}));

console.log(`generating ${ROWS.toLocaleString('en-US')} rows …`);
await raw.query(
  'CREATE TABLE bench (id bigint PRIMARY KEY, name varchar(40) NOT NULL, category int NOT NULL, amount double, note varchar(10)) ENGINE=InnoDB',
);
const mariadb = /mariadb/i.test(version);
for (let start = 1; start <= ROWS; start += 100_000) {
  const end = Math.min(ROWS, start + 99_999);
  const source = mariadb
    ? `seq_${start}_to_${end}`
    : `(WITH RECURSIVE s (seq) AS (SELECT ${start} UNION ALL SELECT seq + 1 FROM s WHERE seq < ${end}) SELECT seq FROM s) AS s`;
  if (!mariadb) await raw.query('SET SESSION cte_max_recursion_depth = 200000');
  await raw.query(
    `INSERT INTO bench SELECT seq, CONCAT('name ', seq), seq % 100, (seq % 1000) * 1.25, IF(seq % 7 = 0, NULL, 'note') FROM ${source}`,
  );
}
await raw.query('ANALYZE TABLE bench');
const ds = await openMysql(url.toString());

const randomIds = Array.from({ length: 4096 }, () => 1 + Math.floor(Math.random() * (ROWS - 100)));
const cursors = randomIds.map((id) => encodeCursor({ direction: 'after', values: [id], sort: 'id:asc' }));
let i = 0;
const next = () => i++ & 4095;
const COLUMNS = '"id", "name", "category", "amount", "note"';

// Raw mysql2 streaming with the same guarantee the datasource gives (backpressure, so flat
// memory): the statement's `.stream()`, a Readable read with for await, as a user would.
async function rawStream(onRow) {
  const connection = await raw.getConnection();
  try {
    const rows = connection.connection
      .execute(`SELECT ${COLUMNS} FROM bench ORDER BY "id"`, [])
      .stream({ highWaterMark: 1000 });
    for await (const _row of rows) onRow();
  } finally {
    connection.release();
  }
}

// The floor below that: the callback API's bare row events, no backpressure at all.
function rawEvents(onRow) {
  return new Promise((resolve, reject) => {
    raw.pool.getConnection((error, connection) => {
      if (error) return reject(error);
      connection
        .execute(`SELECT ${COLUMNS} FROM bench ORDER BY "id"`, [])
        .on('result', () => onRow())
        .on('error', (failure) => {
          connection.release();
          reject(failure);
        })
        .on('end', () => {
          connection.release();
          resolve();
        });
    });
  });
}

const { results, run } = resultCollector();
await run('100-row keyset page', (name) =>
  compareRates(
    name,
    () =>
      raw.execute(`SELECT ${COLUMNS} FROM bench WHERE "id" > ? ORDER BY "id" LIMIT 100`, [randomIds[next()]]),
    () => ds.readPage('bench', { limit: 100, cursor: cursors[next()] }),
  ),
);
const oursStream = async (onRow) => {
  for await (const _row of ds.stream('bench')) onRow();
};
await run(`stream all ${ROWS.toLocaleString('en-US')} rows`, (name) =>
  compareStreams(name, rawStream, oursStream),
);
await run(`stream all ${ROWS.toLocaleString('en-US')} rows vs bare row events (no backpressure)`, (name) =>
  compareStreams(name, rawEvents, oursStream, { rounds: 3 }),
);
await run('update one row by key', (name) =>
  compareRates(
    name,
    () => raw.execute('UPDATE bench SET "name" = ? WHERE "id" = ?', [`raw ${i}`, randomIds[next()]]),
    () => ds.update('bench', { id: randomIds[next()] }, { name: `ours ${i}` }),
  ),
);
await run(`GROUP BY aggregate over ${ROWS.toLocaleString('en-US')} rows`, (name) =>
  compareRates(
    name,
    () =>
      raw.execute(
        'SELECT "category", count(*) AS "count", sum("amount") AS "sum_amount" FROM bench GROUP BY 1 ORDER BY 1 LIMIT 1000',
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
const cleanup = await mysql.createConnection({ uri: base });
await cleanup.query(`DROP DATABASE IF EXISTS \`${database}\``);
await cleanup.end();

report({
  pluginDir,
  key: 'mysql',
  title: '@nocoflo/mysql-datasource vs mysql2',
  environment: `Node ${process.version}, ${mariadb ? 'MariaDB' : 'MySQL'} ${version}, ${ROWS.toLocaleString('en-US')} rows`,
  results,
  recordInDocs: ROWS === 1_000_000,
});
