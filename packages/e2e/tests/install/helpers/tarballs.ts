/**
 * The workspace's publishable packages as npm would get them: `pnpm -r pack` into a
 * folder outside the workspace (pnpm rewrites `workspace:` ranges to real versions).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pnpm, repoRoot, run } from './commands.js';

/** Tarball path by package name, e.g. `@nocoflo/sdk` → `/tmp/…/nocoflo-sdk-0.1.0.tgz`. */
export type Tarballs = ReadonlyMap<string, string>;

/** Packs every non-private workspace package into `dest`. Packages must be built. */
export async function packWorkspace(dest: string): Promise<Tarballs> {
  const { command, args } = pnpm();
  await run(
    command,
    [...args, '-r', '--filter', '!@nocoflo/e2e', 'pack', '--pack-destination', dest],
    repoRoot,
  );
  const tarballs = new Map<string, string>();
  for (const file of readdirSync(dest)) {
    // nocoflo-sdk-0.1.0.tgz → @nocoflo/sdk
    const match = /^nocoflo-(.+)-\d+\.\d+\.\d+(?:-[\w.]+)?\.tgz$/.exec(file);
    if (match?.[1]) tarballs.set(`@nocoflo/${match[1]}`, join(dest, file));
  }
  return tarballs;
}

/** The tarball of one package; throws a readable error when it was not packed. */
export function tarball(tarballs: Tarballs, name: string): string {
  const file = tarballs.get(name);
  if (!file) throw new Error(`${name} was not packed; packed: ${[...tarballs.keys()].join(', ')}`);
  return file;
}

/**
 * Points a plugin project's `@nocoflo/*` ranges at the tarballs (what the published versions
 * would be), and adds `@nocoflo/host` next to `@nocoflo/testing`, which needs it and is not on
 * npm yet: npm then takes every `@nocoflo/*` package from a tarball, nothing from the registry.
 */
export function useTarballs(
  manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> },
  tarballs: Tarballs,
): void {
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = manifest[field];
    if (!deps) continue;
    for (const name of Object.keys(deps)) {
      if (name.startsWith('@nocoflo/')) deps[name] = `file:${tarball(tarballs, name)}`;
    }
  }
  if (manifest.devDependencies?.['@nocoflo/testing'] && !manifest.dependencies?.['@nocoflo/host']) {
    manifest.devDependencies['@nocoflo/host'] = `file:${tarball(tarballs, '@nocoflo/host')}`;
  }
}
