/**
 * The workspace's compiled better-sqlite3, offered to `npm install` as a local prebuilt
 * binary. better-sqlite3's install script is `prebuild-install || node-gyp rebuild`:
 * prebuild-install first looks in the folder named by `npm_config_better_sqlite3_local_prebuilds`
 * for `better-sqlite3-v<version>-node-v<abi>-<platform><libc>-<arch>.tar.gz`. With that archive
 * there, the install runs the package's real scripts on the real npm tarball but unpacks the
 * binary the workspace already compiled instead of compiling SQLite again (minutes of CPU).
 */
import { mkdirSync } from 'node:fs';
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
  await run('tar', ['-czf', join(dest, name), '-C', dir, 'build/Release/better_sqlite3.node'], dir);
  return { version, env: { npm_config_better_sqlite3_local_prebuilds: dest } };
}

/** The dependency fields of a package.json that may name better-sqlite3. */
interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  overrides?: Record<string, string>;
}

/**
 * Pins better-sqlite3 in a project to the version the workspace compiled, so its install
 * finds the local prebuild: the project's own range when it names it, else an npm override
 * for the copy its dependencies (the host) bring.
 */
export function pinBetterSqlite(manifest: Manifest, native: NativePrebuild): void {
  let direct = false;
  for (const deps of [manifest.dependencies, manifest.devDependencies]) {
    if (deps?.['better-sqlite3']) {
      deps['better-sqlite3'] = native.version;
      direct = true;
    }
  }
  if (!direct) manifest.overrides = { ...manifest.overrides, 'better-sqlite3': native.version };
}
