#!/usr/bin/env node
// Runs the pinned pnpm (from package.json#packageManager) on a machine that has only
// Node and npm: installs the workspace when needed, then runs the given pnpm command.
// This is what makes `npm start` and `npm test` work on a fresh clone.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpm = ['--yes', packageManager];

function run(args) {
  const result = spawnSync('npx', [...pnpm, ...args], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// `--frozen-lockfile` keeps a clean clone exactly on the committed lockfile; pnpm makes this
// a no-op (well under a second) when node_modules is already up to date.
run(['install', '--frozen-lockfile', '--reporter=silent']);
run(process.argv.slice(2));
