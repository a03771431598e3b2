// CPU per request of the rows API, all threads of the server process, against the bare route
// (not a section of run.mjs: run it alone). Throughput on a shared machine follows the load;
// the CPU a request costs moves much less, so this is the figure to compare before/after.
//
//   node bench/rows-cpu.mjs [requests per round] [rounds] [host dist dir,...]
//
// Every host build named (default: this package's dist; a copy of an older dist, with the
// package.json beside it, gives "before" and "after" in one run) serves the same table at
// NOCOFLO_BENCH_LEVEL (default worker) beside the bare route, in rotating rounds; the load
// generator (autocannon, 10 connections) runs in a child process. The table is SQLite's, or
// PostgreSQL's at NOCOFLO_PG_URL when NOCOFLO_BENCH_DATABASE=postgres. Reported per request,
// the median of the rounds: the CPU of every thread (`process.cpuUsage`), the host thread's
// share (`/proc/self/task/<pid>/stat`, Linux), the busiest other thread's (a plugin's worker)
// and, on PostgreSQL, the server's (every `postgres` process on this machine, Linux).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ADMIN_TOKEN,
  bareServer,
  checkAnswer,
  headers,
  load,
  makePostgresItems,
  makeSqliteItems,
  pageKinds,
  postgresRecorder,
  sqliteRecorder,
} from './fixtures/rows.mjs';
import { repoRoot } from './report.mjs';

const [amount = '3000', rounds = '3', dists = join(import.meta.dirname, '..', 'dist')] =
  process.argv.slice(2);
const level = process.env.NOCOFLO_BENCH_LEVEL ?? 'worker';
const dir = join(import.meta.dirname, '.tmp', `rows-cpu-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const onPostgres = process.env.NOCOFLO_BENCH_DATABASE === 'postgres';
const pgUrl = process.env.NOCOFLO_PG_URL;
if (onPostgres && !pgUrl) throw new Error('NOCOFLO_BENCH_DATABASE=postgres needs NOCOFLO_PG_URL');
const file = onPostgres ? undefined : makeSqliteItems(dir);
const pgItems = onPostgres ? await makePostgresItems(pgUrl) : undefined;
const table = pgItems?.table ?? 'items';
const recorder = onPostgres ? await postgresRecorder(pgUrl) : await sqliteRecorder(file);
const kinds = await pageKinds(recorder.datasource, table);
const bare = await bareServer(
  onPostgres ? { kind: 'postgres', url: pgUrl } : { kind: 'sqlite', file },
  recorder,
  table,
  kinds,
);
await recorder.datasource.close();

async function hostServer(dist, tag) {
  const { createHost, createServer } = await import(pathToFileURL(join(resolve(dist), 'index.js')).href);
  const pluginData = join(dir, `data-${tag}`, 'plugins', 'nocoflo__sqlite-datasource');
  mkdirSync(pluginData, { recursive: true });
  if (file) copyFileSync(file, join(pluginData, 'items.db'));
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
    datasources: [onPostgres ? pgUrl : `sqlite:${join(pluginData, 'items.db')}`],
    adminToken: ADMIN_TOKEN,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${app.server.address().port}`;
  const listed = await (await fetch(`${origin}/api/datasources`, { headers })).json();
  return {
    base: `${origin}/api/datasources/${listed.datasources[0].id}/tables/${encodeURIComponent(table)}/rows`,
    async close() {
      await app.close();
      await host.stop();
    },
  };
}

const servers = {};
for (const [i, dist] of dists.split(',').entries()) servers[`host ${i}`] = await hostServer(dist, i);

/** User + system CPU ticks (1/100 s) in a `/proc/…/stat` text (fields 14 and 15). */
function ticksOf(stat) {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** CPU ticks (1/100 s) of every `postgres` process on this machine (0 off Linux or SQLite). */
function postgresTicks() {
  if (!onPostgres) return 0;
  let sum = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.includes('(postgres)')) sum += ticksOf(stat);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return sum;
}

/** CPU ticks (1/100 s) of every thread of this process. */
function threadTicks() {
  const ticks = new Map();
  for (const tid of readdirSync('/proc/self/task'))
    ticks.set(tid, ticksOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
  return ticks;
}

async function measure(url, n) {
  const ticks = threadTicks();
  const server = postgresTicks();
  const cpu = process.cpuUsage();
  const result = await load({ url, amount: n });
  const used = process.cpuUsage(cpu);
  const serverUsed = postgresTicks() - server;
  if (result.failed > 0) throw new Error(`${url}: ${result.failed} failed requests`);
  let main = 0;
  let other = 0;
  for (const [tid, t] of threadTicks()) {
    const d = t - (ticks.get(tid) ?? 0);
    if (tid === String(process.pid)) main = d;
    else other = Math.max(other, d);
  }
  const per = (ticksUsed) => (ticksUsed * 10_000) / result.total;
  return {
    all: (used.user + used.system) / result.total,
    main: per(main),
    other: per(other),
    server: per(serverUsed),
  };
}

const median = (values) => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];
console.log(
  `rows API on ${onPostgres ? 'PostgreSQL' : 'SQLite'} at ${level}, CPU µs per request (median of ${rounds} rounds of ${amount})`,
);
try {
  for (const [i, kind] of kinds.entries()) {
    const targets = { bare: bare.url(i) };
    for (const [name, server] of Object.entries(servers)) {
      targets[name] = `${server.base}?${kind.query}`;
      await checkAnswer(name, targets[name], kind.expected, kind.name);
    }
    const names = Object.keys(targets);
    for (const name of names) await load({ url: targets[name], amount: 500 });
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
        `  ${name.padEnd(7)} all threads ${m('all')}  host thread ${m('main')}  busiest other ${m('other')}${onPostgres ? `  postgres ${m('server')}` : ''}`,
      );
    }
  }
} finally {
  for (const server of Object.values(servers)) await server.close();
  await bare.close();
  await pgItems?.drop();
  rmSync(dir, { recursive: true, force: true });
}
