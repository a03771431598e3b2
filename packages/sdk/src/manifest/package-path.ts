/**
 * The rule every path a plugin names about its own package follows (`entry`, `migrations`,
 * view `assets`, …): it is a relative path that stays inside the package folder. This is
 * the lexical half of the rule, checked by the manifest schema before any plugin code
 * runs; the host checks the other half (symlinks resolved) against the files on disk.
 */

/**
 * Why `path` could leave the package it is written in, or `undefined` when it cannot
 * (lexically): an absolute path (POSIX, Windows root or UNC), a drive letter, a URL scheme
 * (`file:`, `data:`, `http:`, `node:`, …), a `..` segment, or a NUL byte.
 *
 * @example
 * ```ts
 * import { packagePathProblem } from '@nocoflo/sdk';
 * packagePathProblem('./dist/index.js'); // undefined
 * packagePathProblem('../../outside.js'); // 'climbs out of the package with ".."'
 * ```
 */
export function packagePathProblem(path: string): string | undefined {
  if (path.includes('\0')) return 'contains a NUL byte';
  if (path.startsWith('/') || path.startsWith('\\')) return 'is absolute';
  if (/^[a-z]:/i.test(path)) return 'starts with a drive letter';
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return 'is a URL, not a path';
  if (path.split(/[\\/]/).includes('..')) return 'climbs out of the package with ".."';
  return undefined;
}

/** The message the manifest schema gives for a path {@link packagePathProblem} refuses. */
export function packagePathMessage(problem: string): string {
  return `${problem}; it must be a path inside the package folder, relative to package.json, e.g. "./dist/index.js"`;
}
