import { encodeCursor } from '@nocoflo/sdk/sql';
import Database from 'better-sqlite3';
import { openSqlite } from './dist/index.js';

const file = '/tmp/prof.db';
const ds = await openSqlite(`sqlite:${file}`);
const raw = new Database(file);
const rawPage = raw.prepare(
  'SELECT id, name, category, amount, note FROM bench WHERE id > ? ORDER BY id LIMIT 100',
);
const cursors = Array.from({ length: 1000 }, (_, i) =>
  encodeCursor({ direction: 'after', values: [i * 50], sort: 'id:asc' }),
);
let tr = 0,
  td = 0;
for (let i = 0; i < 20000; i++) {
  let t = performance.now();
  rawPage.all((i % 1000) * 50);
  tr += performance.now() - t;
  t = performance.now();
  await ds.readPage('bench', { limit: 100, cursor: cursors[i % 1000] });
  td += performance.now() - t;
}
console.log('page raw', (tr / 20).toFixed(1), 'us ours', (td / 20).toFixed(1), 'ratio', (td / tr).toFixed(2));
const rawUpd = raw.prepare(
  'UPDATE bench SET name = ? WHERE id = ? RETURNING id, name, category, amount, note',
);
tr = 0;
td = 0;
for (let i = 0; i < 5000; i++) {
  let t = performance.now();
  rawUpd.get('r' + i, i + 1);
  tr += performance.now() - t;
  t = performance.now();
  await ds.update('bench', { id: i + 2 }, { name: 'o' + i });
  td += performance.now() - t;
}
console.log('update raw', (tr / 5).toFixed(1), 'us ours', (td / 5).toFixed(1), 'ratio', (td / tr).toFixed(2));
await ds.close();
raw.close();
