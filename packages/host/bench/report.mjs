// Shared bench plumbing: run tinybench tasks, compute ratios against floors measured in the
// same run, print a table, write JSON, and refresh a marked section of docs/performance.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');

/**
 * Runs tasks (name → fn) for several rounds, interleaved, and returns each task's ops/s per
 * round; `batch` calls per iteration are divided out. Compare tasks round by round with
 * {@link row}: a burst of load from elsewhere on the machine then hits both sides of a ratio.
 */
export async function measure(tasks, { time = 250, batch = 1, rounds = 5, iterations = 64 } = {}) {
  const perRound = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    // tinybench runs at least `iterations` per task: lower it for tasks that take seconds.
    const bench = new Bench({ time, warmupTime: 50, iterations, warmupIterations: Math.min(iterations, 16) });
    for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) {
      const mean = task.result?.latency?.mean;
      if (!mean)
        throw new Error(
          `benchmark ${task.name} produced no result: ${task.result?.error ?? task.result?.state}`,
        );
      perRound[task.name].push((1000 / mean) * batch);
    }
  }
  return perRound;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * A result row. `ours` and `floor` are ops/s, single values or one per round; the time
 * ratio (our time ÷ the floor's, so >1 means slower) is the median of the per-round ratios.
 */
export function row(section, name, ours, floorName, floor, target) {
  const oursRounds = [ours].flat();
  const floorRounds = [floor].flat();
  const ratio = median(oursRounds.map((value, i) => (floorRounds[i] ?? floorRounds[0]) / value));
  return {
    section,
    name,
    opsPerSec: median(oursRounds),
    floor: floorName,
    floorOpsPerSec: median(floorRounds),
    ratio,
    rounds: oursRounds.length,
    target,
    ok: target === undefined ? null : ratio <= target,
  };
}

const fmt = (n) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));

export function printTable(rows) {
  const lines = rows.map((r) => ({
    section: r.section,
    benchmark: r.name,
    'ops/s': fmt(r.opsPerSec),
    floor: r.floor,
    'floor ops/s': fmt(r.floorOpsPerSec),
    'time ratio': `${r.ratio.toFixed(2)}x`,
    target: r.target === undefined ? '' : `≤ ${r.target}x`,
    met: r.ok === null ? '' : r.ok ? 'yes' : 'NO',
  }));
  console.table(lines);
}

export function machine() {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((n) => n.toFixed(1))
    .join(' / ');
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${load}`;
}

/** Writes JSON to bench-results/ and replaces the section between markers in docs/performance.md. */
export function publish(name, rows, notes, markdown) {
  const dir = join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${name}.json`),
    JSON.stringify({ date: new Date().toISOString(), machine: machine(), rows, notes }, null, 2),
  );
  const docPath = join(repoRoot, 'docs', 'performance.md');
  let doc;
  try {
    doc = readFileSync(docPath, 'utf8');
  } catch {
    doc = '# Performance\n';
  }
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  doc =
    from !== -1 && to !== -1
      ? doc.slice(0, from) + block + doc.slice(to + end.length)
      : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(docPath, doc);
}

export function markdownTable(rows) {
  const head =
    '| section | benchmark | ops/s | floor | floor ops/s | time ratio | target | met |\n|---|---|---:|---|---:|---:|---:|:---:|';
  const body = rows
    .map(
      (r) =>
        `| ${r.section} | ${r.name} | ${fmt(r.opsPerSec)} | ${r.floor} | ${fmt(r.floorOpsPerSec)} | ${r.ratio.toFixed(2)}x | ${r.target === undefined ? '' : `≤ ${r.target}x`} | ${r.ok === null ? '' : r.ok ? 'yes' : 'no'} |`,
    )
    .join('\n');
  return `${head}\n${body}`;
}
