// What `npm start` and `npm test` need to know before doing slow work: where the pinned pnpm
// is, whether `pnpm install` would change anything, and whether every package's `dist` is
// newer than its sources. Each answer is cheap (hashing a dozen small files, stat-ing a few
// hundred), so a warm start skips npx, the install check and turbo, which together took
// ~20 s of a 34 s warm `npm start`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { root, workspacePackages } from './workspace-packages.mjs';

const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = packageManager.replace(/^pnpm@/, '');

/** Where a successful install leaves the hash of what it installed from. */
const installStamp = join(root, 'node_modules', '.nocoflo-install-stamp');

/** Prints a progress line (stderr, so piped output stays clean). */
export function progress(message) {
  process.stderr.write(`nocoflo: ${message}\n`);
}

/**
 * The pinned pnpm: `command` as `[command, ...args]` and, when found in npx's cache, the
 * folder to put on PATH so tools that look for `pnpm` (turbo) find the same one. `npx --yes pnpm@<v>` costs one to several seconds
 * even when npx has it cached; npx keeps it in `<npm cache>/_npx/<first 16 hex of
 * sha512("pnpm@<v>")>/`, so when that copy is there and has the pinned version, it is run with
 * node directly. Anything else (another npm, a cleaned cache) goes through npx as before.
 */
export function pinnedPnpm() {
  const cache = process.env.npm_config_cache || join(homedir(), '.npm');
  const key = createHash('sha512').update(packageManager).digest('hex').slice(0, 16);
  const dir = join(cache, '_npx', key, 'node_modules', 'pnpm');
  try {
    const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const bin = join(dir, 'bin', 'pnpm.cjs');
    if (version === pnpmVersion && existsSync(bin))
      // turbo finds the package manager on PATH, as npx would have put it there.
      return { command: [process.execPath, bin], path: join(dir, '..', '.bin') };
  } catch {
    // Not in npx's cache (yet): npx fetches it below.
  }
  return { command: ['npx', '--yes', packageManager] };
}

/** Runs the pinned pnpm with `args` in the repository root; exits like it when it fails. */
export function runPnpm(args, env = {}) {
  const {
    command: [command, ...pre],
    path,
  } = pinnedPnpm();
  const PATH = path ? `${path}${delimiter}${process.env.PATH ?? ''}` : process.env.PATH;
  const result = spawnSync(command, [...pre, ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH, ...env },
    shell: process.platform === 'win32' && command === 'npx',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Hash of everything `pnpm install --frozen-lockfile` installs from. */
function installInputsHash() {
  const hash = createHash('sha256').update(`pnpm ${pnpmVersion} node ${process.versions.modules}\n`);
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json', '.npmrc'];
  for (const { relDir } of workspacePackages()) files.push(join(relDir, 'package.json'));
  for (const file of files) {
    const path = join(root, file);
    hash.update(`${file}\n`).update(existsSync(path) ? readFileSync(path) : '(none)');
  }
  return hash.digest('hex');
}

/**
 * Installs the workspace on the committed lockfile unless the last install here was made
 * from exactly the same lockfile, manifests, pnpm and Node ABI (and pnpm's own record of it,
 * node_modules/.modules.yaml, is still there).
 */
export function ensureInstalled() {
  const wanted = installInputsHash();
  const upToDate =
    existsSync(join(root, 'node_modules', '.modules.yaml')) &&
    existsSync(installStamp) &&
    readFileSync(installStamp, 'utf8').trim() === wanted;
  if (upToDate) return;
  const started = Date.now();
  progress('installing dependencies (pnpm install --frozen-lockfile)…');
  // pnpm's own progress reporter, so a first install (minutes: it compiles SQLite) is
  // never a silent wait.
  runPnpm(['install', '--frozen-lockfile', '--reporter=append-only']);
  writeFileSync(installStamp, `${wanted}\n`);
  progress(`dependencies installed in ${seconds(started)}`);
}

/** Newest modification time (ms) under `path` (a file or a folder), 0 when it does not exist. */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/**
 * The packages whose `dist` is missing or was last written before one of their build inputs (turbo.json's
 * `build.inputs`, plus the shared tsconfig.base.json). Empty means every build is current and
 * `turbo run build` would only replay its cache.
 */
export function staleBuilds() {
  const shared = newest(join(root, 'tsconfig.base.json'));
  const stale = [];
  for (const { dir, manifest } of workspacePackages()) {
    if (!manifest.scripts?.build) continue;
    const inputs = Math.max(
      shared,
      newest(join(dir, 'src')),
      newest(join(dir, 'assets')),
      newest(join(dir, 'package.json')),
      newest(join(dir, 'tsup.config.ts')),
      ...readdirSync(dir)
        .filter((file) => /^tsconfig.*\.json$/.test(file))
        .map((file) => newest(join(dir, file))),
    );
    // The newest file, not the oldest: turbo's cache replays a build's files over `dist`
    // without removing chunks an earlier build left, so old files there mean nothing.
    const built = newest(join(dir, 'dist'));
    if (built === 0 || built < inputs) stale.push(manifest.name);
  }
  return stale;
}

/** Seconds since `started`, for progress lines. */
export function seconds(started) {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}
