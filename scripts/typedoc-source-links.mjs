// TypeDoc plugin: every "Defined in" link names the file by its path in the repository
// (`packages/sdk/src/plugin/context.ts`), at the commit the reference was built from, on
// the repository of package.json. TypeDoc's own links are relative to each package's
// entry points, and its git detection needs a `.git` folder (a worktree has a file).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Converter } from 'typedoc';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `git+https://github.com/o/r.git` (package.json `repository.url`) → `https://github.com/o/r`. */
export function repositoryUrl() {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const url = String(manifest.repository?.url ?? manifest.repository ?? '')
    .replace(/^git\+/, '')
    .replace(/\.git$/, '');
  if (!/^https:\/\//.test(url)) throw new Error('package.json needs repository.url (an https URL)');
  return url;
}

/** The commit checked out; the default branch for a source tree without git. */
export function gitRevision() {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'main';
  }
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  const base = `${repositoryUrl()}/blob/${gitRevision()}/`;
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      for (const part of [reflection, ...(reflection.signatures ?? [])]) {
        for (const source of part.sources ?? []) {
          const path = relative(root, source.fullFileName).replaceAll('\\', '/');
          source.url = path.startsWith('..') ? undefined : `${base}${path}#L${source.line}`;
        }
      }
    }
  });
}
