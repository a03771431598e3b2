// The workspace's packages, read from pnpm-workspace.yaml's `packages/*` style globs, so the
// packaging scripts never keep a second list of package folders that could drift.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Folder globs of pnpm-workspace.yaml (only the `dir/*` form this repository uses). */
function workspaceGlobs() {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [];
  let inPackages = false;
  for (const line of yaml.split('\n')) {
    if (/^packages:\s*$/.test(line)) inPackages = true;
    else if (/^\S/.test(line)) inPackages = false;
    else if (inPackages) {
      const match = /^\s+-\s+['"]?([^'"\s]+)['"]?/.exec(line);
      if (match?.[1]) globs.push(match[1]);
    }
  }
  return globs;
}

/**
 * Every workspace package: `{ dir, relDir, manifest }`, `dir` absolute.
 * @returns {{ dir: string, relDir: string, manifest: Record<string, any> }[]}
 */
export function workspacePackages() {
  const packages = [];
  for (const glob of workspaceGlobs()) {
    if (!glob.endsWith('/*')) throw new Error(`scripts/workspace-packages.mjs: unsupported glob ${glob}`);
    const parent = glob.slice(0, -2);
    const parentDir = join(root, parent);
    if (!existsSync(parentDir)) continue;
    for (const entry of readdirSync(parentDir, { withFileTypes: true })) {
      const file = join(parentDir, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      packages.push({ dir: join(parentDir, entry.name), relDir: `${parent}/${entry.name}`, manifest });
    }
  }
  return packages.sort((a, b) => a.relDir.localeCompare(b.relDir));
}

/** Packages that are published to npm (not `private`). */
export function publishablePackages() {
  return workspacePackages().filter((p) => !p.manifest.private);
}

/**
 * How to run the pinned pnpm: the one running this script when started by `pnpm run`,
 * else `npx --yes pnpm@<packageManager version>`.
 * @returns {{ command: string, args: string[] }}
 */
export function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return { command: process.execPath, args: [execPath] };
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return { command: 'npx', args: ['--yes', packageManager] };
}
