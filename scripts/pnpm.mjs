#!/usr/bin/env node
// Runs the pinned pnpm (from package.json#packageManager) on a machine that has only
// Node and npm: installs the workspace when needed, then runs the given pnpm command.
// This is what makes `npm test` (and the other npm scripts) work on a fresh clone.
// `--frozen-lockfile` keeps a clean clone exactly on the committed lockfile; the install is
// skipped when the last one was made from the same lockfile and manifests.
import { ensureInstalled, runPnpm } from './workspace-state.mjs';

ensureInstalled();
runPnpm(process.argv.slice(2));
