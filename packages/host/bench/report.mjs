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
 * Runs tasks (name → fn) and returns ops/s by name; `batch` calls per iteration are divided
 * out. The tasks run interleaved for several rounds and each keeps its best round, so a
 * burst of load from elsewhere on the machine does not land on one side of a ratio only.
 */
export async function measure(tasks, { time = 250, batch = 1, rounds = 3 } = {}) {
  const best = {};
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time, warmupTime: 50 });
    for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
    await bench.run();
    for (const task of bench.tasks) {
      const mean = task.result?.latency?.mean;
      if (!mean)
        throw new Error(
          `benchmark ${task.name} produced no result: ${task.result?.error ?? task.result?.state}`,
        );
      best[task.name] = Math.max(best[task.name] ?? 0, (1000 / mean) * batch);
    }
  }
  return best;
}

/** A result row: what, ops/s, floor name, floor ops/s, ratio (floor time / our time ⇒ >1 means slower). */
export function row(section, name, ours, floorName, floor, target) {
  const ratio = floor / ours; // time ratio: how many times longer we take than the floor
  return {
    section,
    name,
    opsPerSec: ours,
    floor: floorName,
    floorOpsPerSec: floor,
    ratio,
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
  return `${cpus[0]?.model ?? 'unknown CPU'} × ${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
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
