import { encodeCursor } from '@nocoflo/sdk/sql';
import pg from 'pg';
import { openPostgres, pgTypes } from './dist/index.js';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const pool = new pg.Pool({ connectionString: url, max: 4 });
await pool.query(
  "DROP TABLE IF EXISTS qbench; CREATE TABLE qbench (id bigint PRIMARY KEY, name text NOT NULL, category int NOT NULL, amount double precision, note text); INSERT INTO qbench SELECT g, 'name ' || g, g % 100, (g % 1000) * 1.25, 'note' FROM generate_series(1, 100000) g; ANALYZE qbench",
);
const ds = await openPostgres(url);
const a = 'SELECT id, name, category, amount, note FROM qbench WHERE id > $1 ORDER BY id LIMIT 100';
const cursors = Array.from({ length: 1000 }, (_, i) =>
  encodeCursor({ direction: 'after', values: [i * 50], sort: 'id:asc' }),
);
let tr = 0,
  td = 0,
  tq = 0;
await ds.readPage('qbench', { limit: 100 });
for (let i = 0; i < 2000; i++) {
  let t = performance.now();
  await pool.query(a, [(i % 1000) * 50]);
  tr += performance.now() - t;
  t = performance.now();
  await ds.readPage('qbench', { limit: 100, cursor: cursors[i % 1000] });
  td += performance.now() - t;
  t = performance.now();
  await ds.pool.query({ text: a, values: [(i % 1000) * 50], types: pgTypes });
  tq += performance.now() - t;
}
console.log(
  'raw',
  (tr / 2).toFixed(0),
  'ds',
  (td / 2).toFixed(0),
  'dsPoolRawSql',
  (tq / 2).toFixed(0),
  'ratio',
  (td / tr).toFixed(2),
);
await pool.query('DROP TABLE qbench');
await pool.end();
await ds.close();
