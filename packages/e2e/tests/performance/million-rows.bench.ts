/**
 * The views on a table of a million rows, through the real SQLite datasource: a page
 * must cost about what the bare query for one page costs (keyset paging, no count), and a
 * chart one grouped scan in the database. Run with `npm run bench` (not part of the tests);
 * read the results as ratios to the floor (`SELECT … LIMIT 50` straight on the file).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chartPlugin from '@nocoflo/chart-view';
import type { Datasource, TableSchema } from '@nocoflo/sdk';
import sqlitePlugin from '@nocoflo/sqlite-datasource';
import tablePlugin from '@nocoflo/table-view';
import Database from 'better-sqlite3';
import { bench, describe } from 'vitest';

const ROWS = 1_000_000;
const dir = join(tmpdir(), 'nocoflo-bench');
const file = join(dir, `events-${ROWS}.sqlite`);

if (!existsSync(file)) {
  mkdirSync(dir, { recursive: true });
  const db = new Database(`${file}.tmp`);
  db.exec(`
    CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, amount DECIMAL(10,2) NOT NULL,
                         happened_at TIMESTAMP NOT NULL, note TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
    INSERT INTO events SELECT i, 'kind ' || (i % 12), (i % 997) / 10.0,
      datetime(1672531200 + i * 60, 'unixepoch'), CASE WHEN i % 5 = 0 THEN NULL ELSE 'note ' || i END FROM n;`);
  db.close();
  const { renameSync } = await import('node:fs');
  renameSync(`${file}.tmp`, file);
}

const factory = sqlitePlugin.datasources?.[0];
const tableView = tablePlugin.views?.[0];
const chartView = chartPlugin.views?.[0];
if (!factory || !tableView || !chartView) throw new Error('the plugins contribute no datasource or views');
const datasource: Datasource = await factory.open(`sqlite:${file}`, { readOnly: true });
const table: TableSchema = await datasource.describeTable('events');
const urls = { page: '/d/bench/t/events', rows: '/api/rows', assets: '/assets/' };

// A cursor half-way through the table, found by paging there.
let deepCursor: string | null = null;
for (let i = 0; i < 50; i++)
  deepCursor = (await datasource.readPage('events', { limit: 10_000, cursor: deepCursor })).nextCursor;

const raw = new Database(file, { readonly: true });
const floor = raw.prepare('SELECT * FROM events ORDER BY id LIMIT 50');
const options = { time: 1_000, iterations: 5 };

/** The floor every other number is read against, measured in the same run. */
const benchFloor = () => bench('floor: SELECT … LIMIT 50 on the file', () => void floor.all(), options);
const benchTable = (name: string, params: Record<string, string>) =>
  bench(name, async () => void (await tableView.render({ table, data: datasource, params, urls })), options);
const benchChart = (name: string, params: Record<string, string>) =>
  bench(name, async () => void (await chartView.render({ table, data: datasource, params, urls })), options);

describe(`table view on ${ROWS.toLocaleString('en-US')} rows`, () => {
  benchFloor();
  benchTable('first page', {});
  benchTable('a page half-way through (keyset cursor)', { cursor: deepCursor ?? '' });
  benchTable('first page filtered (status-like text column)', { fcol: 'kind', fop: 'eq', fval: 'kind 3' });
});

describe(`chart view on ${ROWS.toLocaleString('en-US')} rows`, () => {
  benchFloor();
  benchChart('bars: sum of amount by kind', { x: 'kind', y: 'amount', agg: 'sum' });
  benchChart('line: count by month', {});
});
