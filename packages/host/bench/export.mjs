// The export route (CSV of a table of a million rows, streamed through the host, its data
// hooks and the SQLite datasource as the host runs it) against the raw driver: a bare
// Fastify route that walks better-sqlite3's `iterate()` over the same SELECT and writes the
// same CSV text in the same chunks. Both are downloaded over real HTTP on loopback and their
// bytes compared once, so the ratio is what the host's streaming path costs. Memory: the
// process's resident set (the host's thread and the plugin's worker) and the host thread's
// heap while an export runs, over their size just before it, for the export and for the raw
// driver alike, after a warm-up export of the whole table through each path (so what is
// measured is what a million rows hold, not the first use of the code, the worker's start or
// V8 sizing its heaps for this allocation rate).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { createHost, createServer } from '../dist/index.js';
import { repoRoot, row } from './report.mjs';

const ROWS = Number(process.env.NOCOFLO_BENCH_EXPORT_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.NOCOFLO_BENCH_EXPORT_ROUNDS ?? 5);
const CHUNK_CHARS = 64 * 1024;
const MEMORY_ROUNDS = 2;

function makeDatabase(dir) {
  const file = join(dir, 'events.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, amount REAL NOT NULL,
                         happened_at TEXT NOT NULL, note TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
    INSERT INTO events SELECT i, 'kind ' || (i % 12), (i % 997) / 10.0,
      datetime(1672531200 + i * 60, 'unixepoch'),
      CASE WHEN i % 5 = 0 THEN NULL WHEN i % 7 = 0 THEN 'say "hi", ' || i ELSE 'note ' || i END FROM n;`);
  db.close();
  return file;
}

// The same RFC 4180 text the host writes (fields with a comma, quote or line break quoted;
// text a spreadsheet would run as a formula with a leading quote, the export's default).
const field = (value) => {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

function* rawCsv(db, columns, limit) {
  let text = `${columns.map(field).join(',')}\r\n`;
  const statement = db
    .prepare(`SELECT ${columns.map((c) => `"${c}"`).join(', ')} FROM events ORDER BY id LIMIT ?`)
    .raw();
  for (const values of statement.iterate(limit)) {
    let line = '';
    for (let i = 0; i < values.length; i++) line += (i ? ',' : '') + field(values[i]);
    text += `${line}\r\n`;
    if (text.length >= CHUNK_CHARS) {
      yield text;
      text = '';
    }
  }
  if (text) yield text;
}

/** Downloads a URL, dropping the body as it comes; returns its byte count (and the text when asked). */
async function download(url, keep = false) {
  // The host's route needs a reader: the operator's admin token.
  const response = await fetch(url, { headers: { authorization: 'Bearer bench' } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`);
  let bytes = 0;
  const parts = [];
  for await (const chunk of response.body) {
    bytes += chunk.byteLength;
    if (keep) parts.push(Buffer.from(chunk));
  }
  return { bytes, text: keep ? Buffer.concat(parts).toString('utf8') : undefined };
}

async function timed(url) {
  const started = performance.now();
  await download(url);
  return performance.now() - started;
}

/** Resident set and the host thread's heap (used + external buffers), in bytes. */
const memoryNow = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
};

/**
 * The largest growth of the resident set and of the heap over their size at the start (after
 * a full GC of the host's thread), sampled every 20 ms while `fn` runs.
 */
async function peakGrowth(fn) {
  globalThis.gc?.();
  const base = memoryNow();
  const peak = { ...base };
  const sample = () => {
    const now = memoryNow();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heap = Math.max(peak.heap, now.heap);
  };
  const timer = setInterval(sample, 20);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  sample();
  return { rss: peak.rss - base.rss, heap: peak.heap - base.heap };
}

/** The largest of each growth over rounds. */
const worst = (growths) => ({
  rss: Math.max(...growths.map((g) => g.rss)),
  heap: Math.max(...growths.map((g) => g.heap)),
});

export async function benchExport() {
  const dir = join(
    import.meta.dirname ?? new URL('.', import.meta.url).pathname,
    '.tmp',
    `export-${process.pid}`,
  );
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = makeDatabase(dir);

  const host = await createHost({
    root: repoRoot,
    pluginDirs: ['plugins'],
    scanNodeModules: false,
    dataDir: join(dir, 'data'),
  });
  await host.start();
  if (host.get('@nocoflo/sqlite-datasource')?.state !== 'enabled')
    throw new Error('build the workspace first (pnpm build)');
  const app = await createServer({ host, datasources: [`sqlite:${file}`], adminToken: 'bench' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const oursUrl = `http://127.0.0.1:${app.server.address().port}/api/datasources/events/tables/events/export?format=csv`;
  const columns = ['id', 'kind', 'amount', 'happened_at', 'note'];

  const db = new Database(file, { readonly: true });
  const bare = Fastify();
  bare.get('/export', async (request, reply) =>
    reply.type('text/csv; charset=utf-8').send(
      Readable.from(rawCsv(db, columns, Number(request.query.limit ?? -1)), {
        objectMode: false,
        highWaterMark: CHUNK_CHARS,
      }),
    ),
  );
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const floorUrl = `http://127.0.0.1:${bare.server.address().port}/export`;

  try {
    // Memory first, before the byte comparison below (it keeps two whole files). A warm-up
    // export of the whole table through each path first: the first export after start also
    // pays for the worker's start and V8 growing both threads' heaps to this allocation rate,
    // which is not what an export holds. Then rounds of each, interleaved, the worst kept.
    await download(oursUrl);
    await download(floorUrl);
    const oursGrowths = [];
    const floorGrowths = [];
    for (let round = 0; round < MEMORY_ROUNDS; round++) {
      oursGrowths.push(await peakGrowth(() => download(oursUrl)));
      floorGrowths.push(await peakGrowth(() => download(floorUrl)));
    }
    const growth = worst(oursGrowths);
    const floorGrowth = worst(floorGrowths);
    // Same bytes from both, or the ratio compares different work.
    const [ours, floor] = [await download(oursUrl, true), await download(floorUrl, true)];
    if (ours.text !== floor.text) {
      const at = [...ours.text].findIndex((c, i) => c !== floor.text[i]);
      throw new Error(
        `the export and the floor differ at character ${at}: ${JSON.stringify(ours.text.slice(at - 40, at + 40))} vs ${JSON.stringify(floor.text.slice(at - 40, at + 40))}`,
      );
    }
    const lines = ours.text.split('\r\n').length - 2;
    if (lines !== ROWS) throw new Error(`the export has ${lines} rows, not ${ROWS}`);
    const bytes = ours.bytes;

    const oursMs = [];
    const floorMs = [];
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        floorMs.push(await timed(floorUrl));
        oursMs.push(await timed(oursUrl));
      } else {
        oursMs.push(await timed(oursUrl));
        floorMs.push(await timed(floorUrl));
      }
    }
    const perSec = (ms) => 1000 / ms;
    const result = row(
      'export',
      `CSV export, ${ROWS.toLocaleString('en-US')} rows (exports/s)`,
      oursMs.map(perSec),
      'better-sqlite3 iterate() → same CSV, bare Fastify',
      floorMs.map(perSec),
      1.2,
    );
    const mib = (n) => (n / 2 ** 20).toFixed(1);
    const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
    return {
      rows: [result],
      notes: [
        `export: ${ROWS.toLocaleString('en-US')} rows, ${mib(bytes)} MiB of CSV in ${(median(oursMs) / 1000).toFixed(2)} s vs ${(median(floorMs) / 1000).toFixed(2)} s for the raw driver's iterate() (medians of ${ROUNDS} interleaved rounds; time ratio ${result.ratio.toFixed(2)}x, target ≤ 1.2x); the bytes are identical`,
        `export memory (after a warm-up export of the whole table through each path; worst of ${MEMORY_ROUNDS} interleaved rounds): during the export of ${ROWS.toLocaleString('en-US')} rows the resident set (host thread + plugin worker) grew by at most ${mib(growth.rss)} MiB (target < 32 MiB) and the host thread's heap by ${mib(growth.heap)} MiB; during the raw driver's, ${mib(floorGrowth.rss)} MiB and ${mib(floorGrowth.heap)} MiB`,
      ],
      memory: { growth, floorGrowth },
    };
  } finally {
    await app.close();
    await bare.close();
    db.close();
    await host.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
