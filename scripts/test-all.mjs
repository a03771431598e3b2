#!/usr/bin/env node
// `npm test`'s turbo runs: every package built first, then the long test suites started at
// once, beside the short ones.
//
// One `turbo run test --concurrency=4` starts test tasks in the order they become ready, and
// with builds cached the short suites became ready first: the host's and e2e suites, the
// longest by far (5–11 min each on this shared 2-core machine), waited 176 and 186 s for a
// slot, and the run ended with those two alone. Turbo has no task priority, so this runs:
//
//   1. `turbo run build` (what every test task depends on);
//   2. side by side, with `--only` (the builds are done):
//      - the long suites (LONG below), all at once;
//      - every other package's suite, two at a time.
//
// A failing suite fails the command; every suite runs to the end (`--continue`), so one run
// shows every failure. Arguments given to
// `npm test -- …` go to a single `turbo run test` as before (e.g. `--filter=@nocoflo/sdk`).
import { spawn } from 'node:child_process';

/** The suites that set the length of the run (measured: host 356–682 s, e2e 301–699 s, testing 86–413 s). */
const LONG = ['@nocoflo/host', '@nocoflo/e2e', '@nocoflo/testing'];

/** Runs `turbo …`, inheriting stdio; resolves with its exit code. */
function turbo(args) {
  return new Promise((resolve) => {
    const child = spawn('turbo', args, { stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('error', (error) => {
      console.error(`test-all: could not run turbo: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const extra = process.argv.slice(2);
if (extra.length > 0) {
  process.exit(await turbo(['run', 'test', '--concurrency=4', ...extra]));
}

const built = await turbo(['run', 'build', '--output-logs=errors-only']);
if (built !== 0) process.exit(built);

const [long, short] = await Promise.all([
  turbo([
    'run',
    'test',
    '--only',
    '--continue',
    ...LONG.map((name) => `--filter=${name}`),
    `--concurrency=${LONG.length}`,
  ]),
  turbo([
    'run',
    'test',
    '--only',
    '--continue',
    ...LONG.map((name) => `--filter=!${name}`),
    '--concurrency=2',
  ]),
]);
process.exit(long !== 0 ? long : short);
