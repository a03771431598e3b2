import pg from 'pg';
import { pgTypes, parsePostgresUrl, openPostgres } from './dist/index.js';
import { encodeCursor } from '@nocoflo/sdk/sql';
const url = 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Pool({ connectionString: url, max: 1 });
await admin.query('DROP TABLE IF EXISTS qbench; CREATE TABLE qbench (id bigint PRIMARY KEY, name text NOT NULL, category int NOT NULL, amount double precision, note text); INSERT INTO qbench SELECT g, \'name \' || g, g % 100, (g % 1000) * 1.25, \'note\' FROM generate_series(1, 100000) g; ANALYZE qbench');
const a = 'SELECT id, name, category, amount, note FROM qbench WHERE id > $1 ORDER BY id LIMIT 100';
const base = parsePostgresUrl(url).pool;
const ds = await openPostgres(url);
const cursors = Array.from({length: 1000}, (_, i) => encodeCursor({ direction: 'after', values: [i * 50], sort: 'id:asc' }));
const pools = {
  plain: [new pg.Pool({ connectionString: url }), (p, v) => p.query(a, [v])],
  ourcfg: [new pg.Pool({ ...base, types: pgTypes }), (p, v) => p.query({ text: a, values: [v], types: pgTypes })],
  ds: [null, (p, v, i) => ds.readPage('qbench', { limit: 100, cursor: cursors[i % 1000] })],
};
const t = Object.fromEntries(Object.keys(pools).map((k) => [k, 0]));
for (let i = 0; i < 3000; i++) {
  for (const [k, [p, f]] of Object.entries(pools)) {
    const s = performance.now(); await f(p, (i % 1000) * 50, i); t[k] += performance.now() - s;
  }
}
console.log(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v / 3).toFixed(0)])));
await admin.query('DROP TABLE qbench');
for (const [p] of Object.values(pools)) await p?.end();
await admin.end(); await ds.close();
