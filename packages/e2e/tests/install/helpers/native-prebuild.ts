/**
 * The workspace's compiled better-sqlite3, offered to `npm install` as a local prebuilt
 * binary. better-sqlite3's install script is `prebuild-install || node-gyp rebuild`:
 * prebuild-install first looks in the folder named by `npm_config_better_sqlite3_local_prebuilds`
 * for `better-sqlite3-v<version>-node-v<abi>-<platform><libc>-<arch>.tar.gz`. With that archive
 * there, the install runs the package's real scripts on the real npm tarball but unpacks the
 * binary the workspace already compiled instead of compiling SQLite again (minutes of CPU).
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { repoRoot, run } from './commands.js';

/** What an install needs to take better-sqlite3's binary from the workspace. */
export interface NativePrebuild {
  /** The exact better-sqlite3 version the workspace compiled: pin installs to it. */
  version: string;
  /** Extra environment for `npm install` (the local prebuilds folder). */
  env: NodeJS.ProcessEnv;
}

/** The workspace's better-sqlite3 folder, as the host package resolves it. */
function workspaceBetterSqlite(): { dir: string; version: string } {
  const fromHost = createRequire(join(repoRoot, 'packages/host/package.json'));
  const manifest = fromHost.resolve('better-sqlite3/package.json');
  const { version } = fromHost(manifest) as { version: string };
  return { dir: dirname(manifest), version };
}

/**
 * Packs the workspace's `build/Release/better_sqlite3.node` into `dest` under the name
 * prebuild-install looks for on this platform, Node ABI and libc.
 */
export async function packNativePrebuild(dest: string): Promise<NativePrebuild> {
  const { dir, version } = workspaceBetterSqlite();
  mkdirSync(dest, { recursive: true });
  // prebuild-install's default name: {name}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch};
  // libc is empty on glibc, `musl` on Alpine.
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const libc = report?.header?.glibcVersionRuntime ? '' : process.platform === 'linux' ? 'musl' : '';
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  // A copy is archived, not the workspace's file: its hard links (pnpm's store, other
  // worktrees installing) change its ctime, and tar refuses a file that changes as it reads.
  const stage = join(dest, 'stage');
  cpSync(join(dir, 'build/Release/better_sqlite3.node'), join(stage, 'build/Release/better_sqlite3.node'));
  await run('tar', ['-czf', join(dest, name), '-C', stage, 'build/Release/better_sqlite3.node'], stage);
  rmSync(stage, { recursive: true, force: true });
  return { version, env: { npm_config_better_sqlite3_local_prebuilds: dest } };
}
