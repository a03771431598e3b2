/**
 * The on-disk half of "a manifest path never leaves its package": after the schema refused
 * `..`, absolute paths, drives and URLs, each path the manifest names is resolved with its
 * symlinks and must still lie inside the package folder (itself resolved). An entry that is
 * a symlink to a file elsewhere is the same escape as `"../outside.js"`. Nothing of the
 * plugin runs here.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { type PluginManifest, packagePathProblem } from '@nocoflo/sdk';
import { realPath } from './real-path.js';

/** Whether `child` is `parent` or lies below it (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Why `path` (relative to the package folder `dir`) leaves the package, lexically or
 * through a symlink, or `undefined` when it stays inside. A path that does not exist is
 * judged lexically only (whoever needs it reports it missing).
 */
export function packagePathEscape(dir: string, path: string): string | undefined {
  return packagePathsEscapes(dir, [path])[0];
}

/**
 * {@link packagePathEscape} for several paths of one package, resolving the package folder
 * once (each reload checks the entry and the migrations folder).
 */
function packagePathsEscapes(dir: string, paths: readonly string[]): (string | undefined)[] {
  let root: string | null | undefined; // undefined: not resolved yet; null: no package folder
  return paths.map((path) => {
    const problem = packagePathProblem(path);
    if (problem) return problem;
    if (root === undefined) {
      try {
        root = realPath(dir);
      } catch {
        root = null;
      }
    }
    if (root === null) return undefined; // no package folder: nothing can be read from it either
    let real: string;
    try {
      real = realPath(resolve(root, path));
    } catch {
      return undefined;
    }
    return isInside(root, real) ? undefined : `resolves (through a symlink) to ${real}, outside the package`;
  });
}

/**
 * Every path of `manifest` that leaves the package in `dir`, as `field: reason` lines
 * (empty when all stay inside).
 */
export function manifestPathEscapes(
  dir: string,
  manifest: Pick<PluginManifest, 'entry'> & { migrations?: string | undefined },
): string[] {
  const named: [string, string][] = [];
  if (manifest.entry !== undefined) named.push(['entry', manifest.entry]);
  if (manifest.migrations !== undefined) named.push(['migrations', manifest.migrations]);
  const leaks = packagePathsEscapes(
    dir,
    named.map(([, path]) => path),
  );
  return named.flatMap(([field, path], i) =>
    leaks[i] ? [`nocoflo.${field}: ${JSON.stringify(path)} ${leaks[i]}`] : [],
  );
}
