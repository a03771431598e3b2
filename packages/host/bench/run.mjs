// `pnpm bench` for @nocoflo/host: every figure is a ratio against a floor measured in the
// same run. Never part of `pnpm test`.
import { benchHooks } from './hooks.mjs';
import { machine, markdownTable, printTable, publish } from './report.mjs';

const only = process.argv[2];
const sections = {
  hooks: benchHooks,
  discovery: async () => (await import('./discovery.mjs')).benchDiscovery(),
  lifecycle: async () => (await import('./lifecycle.mjs')).benchLifecycle(),
  streams: async () => (await import('./streams.mjs')).benchStreams(),
  'rows-api': async () => (await import('./rows-api.mjs')).benchRowsApi(),
  isolation: async () => (await import('./isolation.mjs')).benchIsolation(),
  'isolation-rows': async () => (await import('./isolation-rows.mjs')).benchIsolationRows(),
  'cold-start': async () => (await import('./cold-start.mjs')).benchColdStart(),
  export: async () => (await import('./export.mjs')).benchExport(),
};

const rows = [];
const notes = [];
for (const [name, run] of Object.entries(sections)) {
  if (only && only !== name) continue;
  console.log(`\n▶ ${name}`);
  const result = await run();
  rows.push(...(result.rows ?? result));
  if (result.notes) notes.push(...result.notes);
}
printTable(rows);
for (const note of notes) console.log(`• ${note}`);
// The export alone (`pnpm --filter @nocoflo/host bench export`) refreshes its own section.
if (only === 'export') {
  const md = `### Export (\`pnpm --filter @nocoflo/host bench export\`)\n\nRun ${new Date().toISOString().slice(0, 10)} on ${machine()}.\nTime ratio = the host's export time ÷ the raw driver's, median of per-round ratios of interleaved rounds in the same run.\n\n${markdownTable(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`;
  publish('export-bench', rows, notes, md);
}
if (!only) {
  const md = `### Host (\`pnpm --filter @nocoflo/host bench\`)\n\nRun ${new Date().toISOString().slice(0, 10)} on ${machine()}.\nTime ratio = our time ÷ the floor's time, as the median of per-round ratios of interleaved rounds in the same run (1.00x = as fast as the floor). On this shared 2-core machine the same figure moves by about ±15% between runs.\n\n${markdownTable(rows)}\n\n${notes.map((n) => `- ${n}`).join('\n')}`;
  publish('host-bench', rows, notes, md);
}
