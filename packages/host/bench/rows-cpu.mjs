// CPU per request of the rows API, all threads of the server process, against the bare route
// (not a section of run.mjs: run it alone). Throughput on a shared machine follows the load;
// the CPU a request costs moves much less, so this is the figure to compare before/after.
//
//   node bench/rows-cpu.mjs [requests per round] [rounds] [host dist dir,...]
//
// Every host build named (default: this package's dist; a copy of an older dist, with the
// package.json beside it, gives "before" and "after" in one run) serves the same SQLite table
// at NOCOFLO_BENCH_LEVEL (default worker) beside the bare route, in rotating rounds; the load
// generator (autocannon, 10 connections) runs in a child process. Reported per request, the
// median of the rounds: the CPU of every thread (`process.cpuUsage`), the host thread's share
// (`/proc/self/task/<pid>/stat`, Linux) and the busiest other thread's (a plugin's worker).
import { fork } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ADMIN_TOKEN,
  bareServer,
  checkAnswer,
  headers,
  makeSqliteItems,
  pageKinds,
  sqliteRecorder,
} from './fixtures/rows.mjs';
import { repoRoot } from './report.mjs';

if (process.argv[2] === '--load') {
  const { default: autocannon } = await import('autocannon');
  const [url, amount] = process.argv.slice(3);
  const r = await autocannon({ url, headers, connections: 10, amount: Number(amount), pipelining: 1 });
  process.send({ n: r.requests.total, failed: r.non2xx + r.errors });
  process.exit(0);
}

const [amount = '3000', rounds = '3', dists = join(import.meta.dirname, '..', 'dist')] =
  process.argv.slice(2);
const level = process.env.NOCOFLO_BENCH_LEVEL ?? 'worker';
const dir = join(import.meta.dirname, '.tmp', `rows-cpu-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const file = makeSqliteItems(dir);
const recorder = await sqliteRecorder(file);
const kinds = await pageKinds(recorder.datasource, 'items');
const bare = await bareServer({ kind: 'sqlite', file }, recorder, 'items', kinds);
await recorder.datasource.close();

async function hostServer(dist, tag) {
  const { createHost, createServer } = await import(pathToFileURL(join(resolve(dist), 'index.js')).href);
  const pluginData = join(dir, `data-${tag}`, 'plugins', 'nocoflo__sqlite-datasource');
  mkdirSync(pluginData, { recursive: true });
  copyFileSync(file, join(pluginData, 'items.db'));
  const host = await createHost({
    root: repoRoot,
    pluginDirs: ['plugins'],
    scanNodeModules: false,
    dataDir: join(dir, `data-${tag}`),
    isolation: { default: level },
  });
  await host.start();
  const app = await createServer({
    host,
    datasources: [`sqlite:${join(pluginData, 'items.db')}`],
    adminToken: ADMIN_TOKEN,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${app.server.address().port}`;
  const listed = await (await fetch(`${origin}/api/datasources`, { headers })).json();
  return {
    base: `${origin}/api/datasources/${listed.datasources[0].id}/tables/items/rows`,
    async close() {
      await app.close();
      await host.stop();
    },
  };
}

const servers = {};
for (const [i, dist] of dists.split(',').entries()) servers[`host ${i}`] = await hostServer(dist, i);

/** CPU ticks (1/100 s) of every thread of this process. */
function threadTicks() {
  const ticks = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks.set(tid, Number(fields[11]) + Number(fields[12]));
  }
  return ticks;
}

function load(url, n) {
  return new Promise((done, fail) => {
    const child = fork(import.meta.filename, ['--load', url, String(n)], { execArgv: [] });
    child.on('message', done);
    child.on('error', fail);
  });
}

async function measure(url, n) {
  const ticks = threadTicks();
  const cpu = process.cpuUsage();
  const result = await load(url, n);
  const used = process.cpuUsage(cpu);
  if (result.failed > 0) throw new Error(`${url}: ${result.failed} failed requests`);
  let main = 0;
  let other = 0;
  for (const [tid, t] of threadTicks()) {
    const d = t - (ticks.get(tid) ?? 0);
    if (tid === String(process.pid)) main = d;
    else other = Math.max(other, d);
  }
  const per = (ticksUsed) => (ticksUsed * 10_000) / result.n;
  return { all: (used.user + used.system) / result.n, main: per(main), other: per(other) };
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(`rows API at ${level}, CPU µs per request (median of ${rounds} rounds of ${amount})`);
try {
  for (const [i, kind] of kinds.entries()) {
    const targets = { bare: bare.url(i) };
    for (const [name, server] of Object.entries(servers)) {
      targets[name] = `${server.base}?${kind.query}`;
      await checkAnswer(name, targets[name], kind.expected, kind.name);
    }
    const names = Object.keys(targets);
    for (const name of names) await load(targets[name], 500);
    const results = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < Number(rounds); round++)
      for (let j = 0; j < names.length; j++) {
        const name = names[(j + round) % names.length];
        results[name].push(await measure(targets[name], Number(amount)));
      }
    console.log(`\n${kind.name}`);
    for (const name of names) {
      const m = (key) =>
        median(results[name].map((r) => r[key]))
          .toFixed(0)
          .padStart(4);
      console.log(
        `  ${name.padEnd(7)} all threads ${m('all')}  host thread ${m('main')}  busiest other ${m('other')}`,
      );
    }
  }
} finally {
  for (const server of Object.values(servers)) await server.close();
  await bare.close();
  rmSync(dir, { recursive: true, force: true });
}
