#!/usr/bin/env node
// Fails when a publishable package changed without a changeset that names it.
//
// The rule, which holds on a clean clone of main (no branch, no CI state to compare with):
//   1. The range is BASE..HEAD, where BASE is
//        - $CHANGESET_BASE (any git ref) when set, e.g. `origin/main` on a pull request;
//        - otherwise the last release: the newest commit that deleted a `.changeset/*.md`
//          file (that is what `changeset version` does when it writes the CHANGELOGs);
//        - otherwise (never released) the start of history.
//   2. A package "changed" when a file under its `src/`, or its package.json
//      `dependencies`/`peerDependencies`/`exports`/`nocoflo` fields, changed in that range.
//      Tests, docs and READMEs alone need no changeset.
//   3. Every changed publishable package must be named in the frontmatter of a pending
//      changeset (`.changeset/*.md` at HEAD). Fix a failure with `pnpm changeset`.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishablePackages, root } from './workspace-packages.mjs';

const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

function lastRelease() {
  const out = git('log', '--diff-filter=D', '--format=%H', '-n', '1', '--', '.changeset/*.md');
  return out || undefined;
}

const base = process.env.CHANGESET_BASE || lastRelease();
const range = base ? `${base}..HEAD` : 'the start of history..HEAD';

function changedFiles() {
  // Without a base, diff against the empty tree: every file counts as changed.
  const from = base ?? git('hash-object', '-t', 'tree', '/dev/null');
  return git('diff', '--name-only', from, 'HEAD').split('\n').filter(Boolean);
}

function manifestAt(ref, relDir) {
  try {
    return JSON.parse(git('show', `${ref}:${relDir}/package.json`));
  } catch {
    return undefined;
  }
}

const PUBLIC_FIELDS = ['dependencies', 'peerDependencies', 'exports', 'nocoflo'];
function publicFieldsChanged(relDir) {
  if (!base) return true;
  const before = manifestAt(base, relDir);
  const after = manifestAt('HEAD', relDir);
  if (!before || !after) return true;
  return PUBLIC_FIELDS.some((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

/** Package names in the frontmatter of every pending changeset. */
function namedInChangesets() {
  const dir = join(root, '.changeset');
  const names = new Set();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.md') || file === 'README.md') continue;
    const text = readFileSync(join(dir, file), 'utf8');
    const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1] ?? '';
    for (const match of front.matchAll(/^\s*["']?([^"':\s]+)["']?\s*:\s*(major|minor|patch)\s*$/gm)) {
      if (match[1]) names.add(match[1]);
    }
  }
  return names;
}

const files = changedFiles();
const named = namedInChangesets();
const missing = [];
for (const { relDir, manifest } of publishablePackages()) {
  const srcChanged = files.some((f) => f.startsWith(`${relDir}/src/`));
  const manifestChanged = files.includes(`${relDir}/package.json`) && publicFieldsChanged(relDir);
  if ((srcChanged || manifestChanged) && !named.has(manifest.name)) missing.push(manifest.name);
}

if (missing.length) {
  console.error(`Changed since ${range} without a changeset: ${missing.join(', ')}.`);
  console.error('Run `npx pnpm@10 changeset`, pick these packages and describe the change for users.');
  process.exit(1);
}
console.log(`Changesets: every package changed since ${range.replace('..HEAD', '')} has one.`);
