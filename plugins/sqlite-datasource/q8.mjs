import Database from 'better-sqlite3';
import { encodeCursor } from '@nocoflo/sdk/sql';
import { openSqlite } from './dist/index.js';
const file = '/tmp/prof.db';
const ds = await openSqlite(`sqlite:${file}`);
const raw = new Database(file);
const rawPage = raw.prepare('SELECT id, name, category, amount, note FROM bench WHERE id > ? ORDER BY id LIMIT 100');
const cursors = Array.from({length: 1000}, (_, i) => encodeCursor({ direction: 'after', values: [i * 50], sort: 'id:asc' }));
const ratios = [];
for (let b = 0; b < 10; b++) {
  let s = performance.now();
  for (let i = 0; i < 2000; i++) await rawPage.all((i % 1000) * 50);
  const r = performance.now() - s;
  s = performance.now();
  for (let i = 0; i < 2000; i++) await ds.readPage('bench', { limit: 100, cursor: cursors[i % 1000] });
  const o = performance.now() - s;
  ratios.push(o / r);
}
console.log(ratios.map((x) => x.toFixed(2)).join(' '));
let s = performance.now();
for (let i = 0; i < 2000; i++) { const it = rawPage.iterate((i % 1000) * 50); let n = 0; for (const r of it) n++; }
console.log('iterate', performance.now() - s);
