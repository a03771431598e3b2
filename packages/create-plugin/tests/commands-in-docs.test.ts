/**
 * No doc, README or scaffolded script tells a user to run a package by a name we do not own:
 * `npx nocoflo …` fetched and ran whatever the registry holds under the unclaimed name
 * `nocoflo`. Every package that `npx`, `npm exec`, `npm create`/`init`, `pnpm dlx`, `yarn dlx`
 * or `bunx` would fetch is ours (`@nocoflo/…`) or one of a few established tools named here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

/** Unscoped tools the docs may run through npx: each is the real, long-established package. */
const ESTABLISHED = new Set(['pnpm', 'publint']);
/** Scopes whose packages the docs may run: ours, and the type checker the guides name. */
const SCOPES = ['@nocoflo/', '@arethetypeswrong/'];

/** Markdown and template files users read: guides, READMEs, scaffold templates (not the generated API pages). */
function userFacingFiles(): string[] {
  const files: string[] = [join(repo, 'README.md')];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'api', 'dist'].includes(entry.name)) walk(path);
      } else if (/\.(md|tmpl)$/.test(entry.name) && entry.name !== 'CHANGELOG.md') files.push(path);
    }
  };
  walk(join(repo, 'docs'));
  for (const group of ['packages', 'plugins'])
    for (const pkg of readdirSync(join(repo, group))) {
      files.push(join(repo, group, pkg, 'README.md'));
      if (pkg === 'create-plugin') walk(join(repo, group, pkg, 'templates'));
    }
  return files.filter((file) => {
    try {
      readFileSync(file);
      return true;
    } catch {
      return false;
    }
  });
}

/** The packages a command line fetches and runs, by the package manager's rules. */
function packagesRun(line: string): string[] {
  const found: string[] = [];
  const pattern = /\b(npx|npm exec|npm x|npm create|npm init|pnpm dlx|yarn dlx|bunx)\s+([^`|;&\n]*)/g;
  for (const match of line.matchAll(pattern)) {
    const command = match[1] as string;
    const words = (match[2] as string).split(/\s+/).filter(Boolean);
    const given: string[] = [];
    let first: string | undefined;
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      if (word === '--') break;
      const option = /^(?:--package|-p)(?:=(.+))?$/.exec(word);
      if (option) {
        const value = option[1] ?? words[++i];
        if (value) given.push(value);
        continue;
      }
      if (word.startsWith('-')) continue;
      first = word;
      break;
    }
    if (given.length > 0) {
      found.push(...given);
      continue;
    }
    if (first === undefined) continue;
    if (command === 'npm create' || command === 'npm init') {
      // npm create @scope/x → @scope/create-x; npm create x → create-x.
      const scoped = /^(@[^/]+)\/([^@]+)/.exec(first);
      found.push(scoped ? `${scoped[1]}/create-${scoped[2]}` : `create-${first.replace(/@.*$/, '')}`);
    } else found.push(first);
  }
  // `pnpm@10` → `pnpm`, `@scope/name@1` → `@scope/name`.
  return found.map((spec) => spec.replace(/^(@?[^@]+)@.*$/, '$1'));
}

const owned = (name: string) => ESTABLISHED.has(name) || SCOPES.some((scope) => name.startsWith(scope));

describe('commands in the docs, READMEs and scaffold templates', () => {
  it('reads package names the way npm does', () => {
    expect(packagesRun('npx nocoflo plugin init my-view')).toEqual(['nocoflo']);
    expect(packagesRun('npm create @nocoflo/plugin@latest my-plugin -- --kind view')).toEqual([
      '@nocoflo/create-plugin',
    ]);
    expect(packagesRun('npx --yes --package=@nocoflo/host@^0.1.0 -p @nocoflo/sdk -- nocoflo dev')).toEqual([
      '@nocoflo/host',
      '@nocoflo/sdk',
    ]);
    expect(packagesRun('run `npx pnpm@10 run docs` then `npm exec create-thing`')).toEqual([
      'pnpm',
      'create-thing',
    ]);
    expect(owned('nocoflo')).toBe(false);
    expect(owned('@nocoflo/host')).toBe(true);
  });

  it('run only packages we own or established tools (never an unscoped name such as `nocoflo`)', () => {
    const files = userFacingFiles();
    expect(files.length).toBeGreaterThan(15);
    const problems: string[] = [];
    let commands = 0;
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          for (const name of packagesRun(line)) {
            commands++;
            if (!owned(name))
              problems.push(`${relative(repo, file)}:${index + 1}: runs "${name}": ${line.trim()}`);
          }
        });
    }
    expect(commands).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it('scaffolded package.json scripts fetch nothing but @nocoflo packages', () => {
    for (const kind of ['view', 'datasource']) {
      const manifest = JSON.parse(
        readFileSync(join(repo, 'packages/create-plugin/templates', kind, 'package.json.tmpl'), 'utf8'),
      ) as { scripts: Record<string, string> };
      for (const [name, script] of Object.entries(manifest.scripts))
        for (const pkg of packagesRun(script))
          expect(pkg.startsWith('@nocoflo/'), `${kind} script ${name}: ${script}`).toBe(true);
    }
  });
});
