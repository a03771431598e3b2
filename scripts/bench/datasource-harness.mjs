// Benchmark harness: runs our datasource and the raw driver doing the same work in the
// same process, alternating, and reports ops/s and the ratio (ours' time / raw time).
// Shared by the datasource plugins' benchmarks (tooling, not a published package).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const gc = globalThis.gc ?? (() => {});

/** Runs `fn` back to back for about `ms` milliseconds; returns operations per second. */
export async function rate(fn, ms) {
  await fn(); // warm
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    await fn();
    n++;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Whether an operation is selected by BENCH_ONLY (comma-separated words; default: all). */
export function selected(name) {
  const only = process.env.BENCH_ONLY;
  return !only || only.split(',').some((word) => name.toLowerCase().includes(word.trim().toLowerCase()));
}

/**
 * Collects results: `run(name, measure)` measures a selected benchmark (see
 * {@link selected}), prints the result and keeps it in `results` for the report.
 */
export function resultCollector() {
  const results = [];
  const run = async (name, measure) => {
    if (!selected(name)) return;
    results.push(await measure(name));
    console.log(results.at(-1));
  };
  return { results, run };
}

/**
 * Alternates raw and ours for `rounds` rounds. The ratio is the median of the per-round
 * ratios: on a shared machine the load drifts, and neighbouring runs see the same load.
 */
export async function compareRates(name, raw, ours, { rounds = 9, ms = 300 } = {}) {
  const rawRates = [];
  const ourRates = [];
  const ratios = [];
  for (let i = 0; i < rounds; i++) {
    gc();
    const rawRate = await rate(raw, ms);
    gc();
    const ourRate = await rate(ours, ms);
    rawRates.push(rawRate);
    ourRates.push(ourRate);
    ratios.push(rawRate / ourRate);
  }
  return { name, rawOps: median(rawRates), oursOps: median(ourRates), ratio: median(ratios) };
}

/**
 * Times a full read: `run(onRow)` must call `onRow()` for each row. Reports the rows, the
 * seconds and the RSS growth over the baseline (sampled every 1,024 rows).
 */
export async function streamRun(run) {
  gc();
  gc();
  const baseline = process.memoryUsage.rss();
  let peak = baseline;
  let rows = 0;
  const start = performance.now();
  await run(() => {
    rows++;
    if ((rows & 1023) === 0) {
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
    }
  });
  const seconds = (performance.now() - start) / 1000;
  return { rows, seconds, rssGrowthMB: (peak - baseline) / 2 ** 20, peakRssMB: peak / 2 ** 20 };
}

/** Alternates full raw and ours reads; median time of each, ops/s as rows per second. */
export async function compareStreams(name, raw, ours, { rounds = 5 } = {}) {
  const rawRuns = [];
  const ourRuns = [];
  for (let i = 0; i < rounds; i++) {
    rawRuns.push(await streamRun(raw));
    ourRuns.push(await streamRun(ours));
  }
  const rawSeconds = median(rawRuns.map((r) => r.seconds));
  const ourSeconds = median(ourRuns.map((r) => r.seconds));
  const ratio = median(ourRuns.map((r, i) => r.seconds / rawRuns[i].seconds));
  const rows = ourRuns[0].rows;
  if (rawRuns.some((r) => r.rows !== rows) || ourRuns.some((r) => r.rows !== rows)) {
    throw new Error(`${name}: raw and ours read different row counts`);
  }
  return {
    name,
    rawOps: 1 / rawSeconds,
    oursOps: 1 / ourSeconds,
    ratio,
    rows,
    rawSeconds,
    oursSeconds: ourSeconds,
    rawRssGrowthMB: Math.max(...rawRuns.map((r) => r.rssGrowthMB)),
    oursRssGrowthMB: Math.max(...ourRuns.map((r) => r.rssGrowthMB)),
    oursPeakRssMB: Math.max(...ourRuns.map((r) => r.peakRssMB)),
  };
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

/** The results as a Markdown table. */
export function markdownTable(results) {
  const lines = [
    '| operation | raw driver ops/s | nocoflo ops/s | ratio (ours/raw time) | notes |',
    '| --- | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    const notes =
      r.rows !== undefined
        ? `${r.rows.toLocaleString('en-US')} rows: raw ${r.rawSeconds.toFixed(2)} s, ours ${r.oursSeconds.toFixed(2)} s; RSS growth raw ${r.rawRssGrowthMB.toFixed(1)} MB, ours ${r.oursRssGrowthMB.toFixed(1)} MB`
        : '';
    lines.push(`| ${r.name} | ${fmt(r.rawOps)} | ${fmt(r.oursOps)} | ${r.ratio.toFixed(2)}x | ${notes} |`);
  }
  return lines.join('\n');
}

/** Prints the table, writes JSON to bench-results/, and replaces this datasource's section of docs/performance.md. */
export function report({ pluginDir, key, title, environment: base, results, recordInDocs = true }) {
  // The machine's load matters on shared hardware: say how busy it was.
  const environment = `${base}; ${cpus().length} cores, load average ${loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ')}`;
  const table = markdownTable(results);
  console.log(`\n${title}\n${environment}\n\n${table}\n`);
  const date = new Date().toISOString();
  const out = join(pluginDir, 'bench-results', 'latest.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ date, title, environment, results }, null, 2)}\n`);
  console.log(`results: ${out}`);
  // A partial run, or one on a stand-in server, does not replace the recorded figures.
  if (process.env.BENCH_ONLY || !recordInDocs) {
    console.log('docs/performance.md left as it is (partial run or stand-in server)');
    return;
  }
  const docs = join(pluginDir, '..', '..', 'docs', 'performance.md');
  const start = `<!-- bench:${key}:start -->`;
  const end = `<!-- bench:${key}:end -->`;
  let text;
  try {
    text = readFileSync(docs, 'utf8');
  } catch {
    return;
  }
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return;
  const section = `${start}\n_Latest run: ${date}, ${environment}._\n\n${table}\n${end}`;
  writeFileSync(docs, text.slice(0, from) + section + text.slice(to + end.length));
  console.log(`updated: ${docs}`);
}
