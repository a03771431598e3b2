/**
 * Declared view assets, checked where a missing one would otherwise surface only as a
 * `<script>` that 404s in the browser: at load (the plugin fails with
 * NCF_VIEW_ASSET_INVALID) and in `nocoflo plugins validate` (which also checks that the
 * package's `files` ship them).
 */
import { statSync } from 'node:fs';
import { isAbsolute, matchesGlob, normalize, relative, resolve, sep } from 'node:path';

/** Why an asset path cannot be served from `packageDir`, or undefined when it can. */
export function assetProblem(packageDir: string, asset: string): string | undefined {
  if (typeof asset !== 'string' || asset.length === 0) return 'the path is empty';
  if (isAbsolute(asset) || /^[a-z]+:/i.test(asset)) return 'the path is not relative to the package folder';
  const file = resolve(packageDir, asset);
  const inside = relative(packageDir, file);
  if (inside === '' || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
    return 'the path leads out of the package folder';
  try {
    if (!statSync(file).isFile()) return `${file} is not a file`;
  } catch {
    return `${file} does not exist`;
  }
  return undefined;
}

/**
 * Whether npm's `files` list ships `asset` (a path relative to the package): an entry that
 * names the file, a folder above it, or a glob matching it. No `files` ships everything.
 */
export function filesShip(files: readonly string[] | undefined, asset: string): boolean {
  if (files === undefined) return true;
  const path = normalize(asset).split(sep).join('/');
  return files.some((entry) => {
    const pattern = normalize(entry).split(sep).join('/').replace(/\/+$/, '');
    if (pattern === '.' || pattern === '') return true;
    if (path === pattern || path.startsWith(`${pattern}/`)) return true;
    return /[*?[{]/.test(pattern) && typeof matchesGlob === 'function' && matchesGlob(path, pattern);
  });
}
