#!/usr/bin/env node
// `npm start`: install when needed, build when needed, then `nocoflo serve --demo`.
//
// Warm (installed, every dist newer than its sources) this is two node processes and a few
// hundred stat calls before the server starts: no npx, no `pnpm install` check, no turbo.
// Cold it says what it is doing and how long each part took, instead of minutes of silence.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from './workspace-packages.mjs';
import { ensureInstalled, progress, runPnpm, seconds, staleBuilds } from './workspace-state.mjs';

ensureInstalled();

const stale = staleBuilds();
if (stale.length > 0) {
  const started = Date.now();
  progress(`building ${stale.join(', ')} (turbo run build; cached builds are replayed)…`);
  runPnpm(['exec', 'turbo', 'run', 'build', '--output-logs=new-only']);
  progress(`built in ${seconds(started)}`);
}

// The server gets the terminal and the signals: Ctrl-C stops it, and this script exits as it does.
const server = spawn(
  process.execPath,
  [join(root, 'packages/host/dist/cli.js'), 'serve', '--demo', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
