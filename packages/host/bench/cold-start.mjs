// Cold start: process start → first 100-row answer, and resident memory after a warm-up,
// of `nocoflo serve --demo` as people run it (every workspace plugin discovered, each in its
// own worker at the default isolation level, the demo database served) against the floor: a
// bare Fastify + better-sqlite3 server answering 100 rows of the same table of the same
// file. Both are fresh node processes spawned the same way; rounds alternate which one goes
// first, and the ratio is the median of the per-round ratios.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, row } from './report.mjs';

const ROUNDS = Number(process.env.NOCOFLO_BENCH_ROUNDS ?? 7);
const WARM_UP_REQUESTS = 200;
const TOKEN = 'bench-cold-start';
const here = import.meta.dirname ?? new URL('.', import.meta.url).pathname;
const cli = join(here, '..', 'dist', 'cli.js');

/** Resident set size of a process in bytes (Linux /proc; `ps` elsewhere). */
function residentBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux
  }
  return new Promise((resolve, reject) => {
    const ps = spawn('ps', ['-o', 'rss=', '-p', String(pid)]);
    let out = '';
    ps.stdout.on('data', (chunk) => {
      out += chunk;
    });
    ps.on('exit', () => (out.trim() ? resolve(Number(out.trim()) * 1024) : reject(new Error('ps failed'))));
  });
}

/**
 * Spawns `args`, waits for the "serving <url>" line, then GETs `path` until the first 100-row
 * answer: the time from spawn to that answer, and the RSS after `WARM_UP_REQUESTS` more.
 */
async function coldStart(args, path, env = {}, headers = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const base = await new Promise((resolve, reject) => {
      const onData = (chunk) => {
        output += chunk;
        const match = /serving (http:\/\/\S+)/.exec(output);
        if (match) resolve(match[1]);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}:\n${output}`)));
    });
    const url = new URL(path, base);
    const first = await (await fetch(url, { headers })).json();
    const ms = performance.now() - started;
    if (first.rows?.length !== 100) throw new Error(`${url} answered ${JSON.stringify(first).slice(0, 200)}`);
    for (let i = 0; i < WARM_UP_REQUESTS; i++) await (await fetch(url, { headers })).arrayBuffer();
    return { ms, rss: await residentBytes(child.pid) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

export async function benchColdStart() {
  const dir = join(here, '.tmp', `cold-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // One data folder for every round, as a person's: the first (untimed) run creates the demo
  // database, the metadata store and the local admin; the rounds start as a second run does.
  const dataDir = join(dir, 'data');

  const oursRun = () =>
    coldStart(
      [cli, 'serve', '--demo', '--port', '0', '--data-dir', dataDir],
      '/api/datasources/demo/tables/orders/rows?limit=100',
      { NOCOFLO_ADMIN_TOKEN: TOKEN },
      { authorization: `Bearer ${TOKEN}` },
    );
  const floorRun = () =>
    coldStart([join(here, 'fixtures', 'bare-server.mjs'), join(dataDir, 'demo.sqlite'), 'orders'], '/rows');

  // One of each first: disk caches warm, the first-run work (demo database) out of the rounds.
  await oursRun();
  await floorRun();
  const ours = [];
  const floor = [];
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      floor.push(await floorRun());
      ours.push(await oursRun());
    } else {
      ours.push(await oursRun());
      floor.push(await floorRun());
    }
  }
  rmSync(dir, { recursive: true, force: true });

  // `row` takes ops/s; a start-up is one op, so 1000 / ms (and 1 / bytes for memory).
  const time = row(
    'cold start',
    'process start → first 100-row answer (nocoflo serve --demo, all workspace plugins)',
    ours.map((r) => 1000 / r.ms),
    'bare Fastify + better-sqlite3 server',
    floor.map((r) => 1000 / r.ms),
    1.5,
  );
  // Memory: the ratio is ours ÷ the floor's resident bytes; the two value columns show MB.
  const memory = {
    ...row(
      'cold start',
      `resident memory after ${WARM_UP_REQUESTS} requests (MB in the ops/s columns)`,
      ours.map((r) => 1 / r.rss),
      'bare Fastify + better-sqlite3 server',
      floor.map((r) => 1 / r.rss),
      1.2,
    ),
    opsPerSec: median(ours.map((r) => r.rss)) / 2 ** 20,
    floorOpsPerSec: median(floor.map((r) => r.rss)) / 2 ** 20,
  };
  const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
  const notes = [
    `cold start: ${median(ours.map((r) => r.ms)).toFixed(0)} ms vs ${median(floor.map((r) => r.ms)).toFixed(0)} ms (medians of ${ROUNDS} rounds)`,
    `memory after warm-up: ${mb(median(ours.map((r) => r.rss)))} vs ${mb(median(floor.map((r) => r.rss)))} resident`,
  ];
  for (const note of notes) console.log(`  ${note}`);
  return { rows: [time, memory], notes };
}
