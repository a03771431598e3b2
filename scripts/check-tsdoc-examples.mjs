#!/usr/bin/env node
// Checks the API reference as users read it: the TypeDoc JSON model (`docs/api/api.json`,
// written by `pnpm run docs`).
//
// 1. The entry points a plugin author touches have an `@example` (REQUIRED below: the SDK's
//    plugin, view, datasource and hook contracts, each hook, every `@nocoflo/sdk/sql` helper,
//    every function of `@nocoflo/testing`); a missing one is named.
// 2. Every ```ts block of every `@example` compiles, each as its own module, in a scratch
//    project whose node_modules links the workspace packages (resolved through their
//    `exports`, to the built `.d.ts`, as for users) and their third-party dependencies.
// 3. The conformance suites' check lists are written out in the TSDoc of
//    `DATASOURCE_CONFORMANCE_CHECKS` and `VIEW_CONFORMANCE_CHECKS` (so the reference shows
//    them as lists) and equal the checks the built suites run. `--write` rewrites them.
// 4. "Defined in" links point at the repository of package.json, and no documented member
//    is declared under node_modules (inherited Node `Error` members are excluded).
//
// Exit code 1 naming each problem (tsc's messages at the source file and line of the example).
//
// Usage: node scripts/check-tsdoc-examples.mjs [--write] [path/to/api.json]
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { publishablePackages, root } from './workspace-packages.mjs';

const write = process.argv.includes('--write');
const model = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? join(root, 'docs/api/api.json');
if (!existsSync(model)) {
  console.error(`${model} is missing: run \`pnpm run docs\` first (TypeDoc writes it).`);
  process.exit(1);
}

/** A source's path in the repository (from its "Defined in" link), else TypeDoc's file name. */
function sourcePath(source) {
  return source?.url?.replace(/^.*\/blob\/[^/]+\//, '').replace(/#L\d+$/, '') ?? source?.fileName;
}

/** Every `@example` of every reflection: the ```ts blocks and where the symbol is declared. */
function collectExamples(reflection, found = []) {
  for (const part of [reflection, ...(reflection.signatures ?? [])]) {
    for (const tag of part.comment?.blockTags ?? []) {
      if (tag.tag !== '@example') continue;
      const text = tag.content.map((c) => c.text).join('');
      const source = part.sources?.[0] ?? reflection.sources?.[0];
      const file = sourcePath(source);
      for (const block of text.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)) {
        found.push({ symbol: reflection.name, where: `${file}:${source?.line ?? '?'}`, code: block[1] });
      }
    }
  }
  for (const child of reflection.children ?? []) collectExamples(child, found);
  return found;
}

// The scratch project: node_modules/<name> → the workspace package or its dependency.
const scratch = join(root, 'node_modules', '.cache', 'tsdoc-examples');
rmSync(scratch, { recursive: true, force: true });
const link = (name, target) => {
  const at = join(scratch, 'node_modules', name);
  if (existsSync(at) || !existsSync(target)) return;
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(realpathSync(target), at, 'dir');
};
const packages = publishablePackages();
for (const { dir, manifest } of packages) link(manifest.name, dir);
for (const { dir, manifest } of packages) {
  const names = Object.keys({
    ...manifest.dependencies,
    ...manifest.peerDependencies,
    ...manifest.devDependencies,
  });
  for (const name of names) link(name, join(dir, 'node_modules', name));
}
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const name of Object.keys(rootManifest.devDependencies ?? {}))
  link(name, join(root, 'node_modules', name));
writeFileSync(join(scratch, 'package.json'), '{ "type": "module", "private": true }\n');

const api = JSON.parse(readFileSync(model, 'utf8'));
const problems = [];

// ---- 1. Required examples -------------------------------------------------------------

const KIND = { Module: 2, Function: 64, Class: 128, Interface: 256 };

/**
 * Where an author meets `@example`s. `names`: symbols (`Parent.*` is each member of
 * Parent); `kinds`: every export of those kinds, so a new helper needs one too.
 */
const REQUIRED = [
  {
    module: '@nocoflo/sdk',
    names: [
      'PluginContext',
      'Datasource',
      'ViewDefinition',
      'NocofloHooks',
      'NocofloHooks.*',
      'definePlugin',
      'defineView',
      'defineDatasource',
      // What views and datasources call most: escaping, errors, versions, text matching.
      'html',
      'escapeHtml',
      'rowVersion',
      'defineError',
      'isNocofloError',
      'matchesText',
      'secret',
    ],
  },
  { module: '@nocoflo/sdk/sql', kinds: [KIND.Function, KIND.Class] },
  { module: '@nocoflo/testing', kinds: [KIND.Function] },
  { module: '@nocoflo/testing/matchers', kinds: [KIND.Function] },
];

/** A package's module in the model: `@nocoflo/sdk` is its `index` module, `@nocoflo/sdk/sql` its `sql`. */
function moduleOf(specifier) {
  const [scope, name, sub] = specifier.split('/');
  const pkg = api.children?.find((p) => p.name === `${scope}/${name}`);
  if (!pkg) return undefined;
  const modules = pkg.children?.filter((c) => c.kind === KIND.Module) ?? [];
  if (modules.length === 0) return sub ? undefined : pkg; // one entry point: the package is the module
  return modules.find((m) => m.name === (sub ?? 'index'));
}

/** Whether a symbol (or one of its signatures) has an `@example` with a ```ts block. */
function hasExample(reflection) {
  return [reflection, ...(reflection.signatures ?? [])].some((part) =>
    (part.comment?.blockTags ?? []).some(
      (tag) =>
        tag.tag === '@example' && /```(?:ts|typescript)\n/.test(tag.content.map((c) => c.text).join('')),
    ),
  );
}

for (const { module: specifier, names = [], kinds = [] } of REQUIRED) {
  const mod = moduleOf(specifier);
  if (!mod) {
    problems.push(`${specifier}: not in the API reference (is it still an entry point?)`);
    continue;
  }
  const wanted = [];
  for (const name of names) {
    const [parentName, member] = name.split('.');
    const parent = mod.children?.find((c) => c.name === parentName);
    if (!parent) problems.push(`${specifier}: ${parentName} is not exported (update REQUIRED)`);
    else if (member === '*')
      for (const child of parent.children ?? []) wanted.push([`${parentName}.${child.name}`, child]);
    else if (member) {
      const child = parent.children?.find((c) => c.name === member);
      if (child) wanted.push([name, child]);
      else problems.push(`${specifier}: ${name} does not exist (update REQUIRED)`);
    } else wanted.push([name, parent]);
  }
  for (const child of mod.children ?? []) if (kinds.includes(child.kind)) wanted.push([child.name, child]);
  for (const [name, reflection] of wanted) {
    if (!hasExample(reflection)) {
      const source = reflection.sources?.[0] ?? reflection.signatures?.[0]?.sources?.[0];
      const where = source ? `${sourcePath(source)}:${source.line}: ` : '';
      problems.push(`${where}${specifier} ${name} has no @example with a \`\`\`ts block`);
    }
  }
}

// ---- 3. The conformance check lists ----------------------------------------------------

const CHECK_LISTS = ['DATASOURCE_CONFORMANCE_CHECKS', 'VIEW_CONFORMANCE_CHECKS'];
const testing = await import(pathToFileURL(join(root, 'packages/testing/dist/index.js')).href);
for (const name of CHECK_LISTS) {
  const reflection = moduleOf('@nocoflo/testing')?.children?.find((c) => c.name === name);
  if (!reflection) {
    problems.push(`@nocoflo/testing ${name}: not in the API reference`);
    continue;
  }
  const expected = testing[name].map((check) => `- \`${check.id}\`: ${check.title}`);
  const summary = (reflection.comment?.summary ?? []).map((c) => c.text).join('');
  const listed = summary.split('\n').filter((line) => line.startsWith('- `'));
  if (listed.join('\n') === expected.join('\n')) continue;
  const source = reflection.sources?.[0];
  if (!write || !source) {
    problems.push(
      `${sourcePath(source) ?? ''}:${source?.line ?? ''}: the TSDoc of ${name} does not list the suite's checks ` +
        `(${listed.length} listed, ${expected.length} run); run \`node scripts/check-tsdoc-examples.mjs --write\``,
    );
    continue;
  }
  // Rewrite the bullets of the comment just above the declaration (or add them at its end).
  const file = join(root, sourcePath(source));
  const lines = readFileSync(file, 'utf8').split('\n');
  const end = lines.slice(0, source.line - 1).findLastIndex((line) => line.trimEnd().endsWith('*/'));
  const begin = lines.slice(0, end + 1).findLastIndex((line) => line.trim().startsWith('/**'));
  if (begin < 0 || end < 0)
    throw new Error(`${sourcePath(source)}:${source.line}: no TSDoc comment above ${name}`);
  // One comment, possibly on one line: its text lines without the old bullets.
  const text = lines
    .slice(begin, end + 1)
    .join('\n')
    .replace(/^\s*\/\*\*\s*/, '')
    .replace(/\*\/\s*$/, '')
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''))
    .filter((line) => !/^- `[^`]+`: /.test(line));
  while (text.length && text[0].trim() === '') text.shift();
  while (text.length && text.at(-1).trim() === '') text.pop();
  const body = [...text, '', ...expected].map((line) => (line.trim() ? ` * ${line.trimEnd()}` : ' *'));
  lines.splice(begin, end - begin + 1, '/**', ...body, ' */');
  writeFileSync(file, lines.join('\n'));
  console.log(
    `wrote the ${expected.length} checks of ${name} into ${sourcePath(source)}; run \`pnpm run docs\` again`,
  );
}

// ---- 4. Source links --------------------------------------------------------------------

const repository = String(rootManifest.repository?.url ?? '')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '');
const badSources = [];
(function visit(reflection, path) {
  for (const part of [reflection, ...(reflection.signatures ?? [])]) {
    for (const source of part.sources ?? []) {
      if (source.fileName.includes('node_modules'))
        badSources.push(`${path}: "Defined in" ${source.fileName} (outside the repository: exclude it)`);
      else if (!source.url?.startsWith(`${repository}/blob/`))
        badSources.push(`${path}: "Defined in" links ${source.url ?? 'nowhere'}, not ${repository}`);
    }
  }
  for (const child of reflection.children ?? []) visit(child, path ? `${path}.${child.name}` : child.name);
})(api, '');
if (badSources.length > 0) {
  problems.push(...badSources.slice(0, 20));
  if (badSources.length > 20) problems.push(`… and ${badSources.length - 20} more source links`);
}

// ---- 2. Every example compiles ------------------------------------------------------------

const examples = collectExamples(api);
const origins = new Map();
examples.forEach((example, i) => {
  const file = join(scratch, `example-${i + 1}.ts`);
  writeFileSync(file, `${example.code}\nexport {};\n`);
  origins.set(file, example);
});

const program = ts.createProgram([...origins.keys()], {
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
});
const diagnostics = ts.getPreEmitDiagnostics(program);
for (const d of diagnostics) {
  const origin = d.file && origins.get(d.file.fileName);
  const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
  const where = origin
    ? `${origin.where} (@example of ${origin.symbol}, line ${line})`
    : (d.file?.fileName ?? 'tsc');
  problems.push(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
if (diagnostics.length)
  problems.push(`${diagnostics.length} error(s) in @example blocks: each block must compile on its own.`);

if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(
  `TSDoc: all ${examples.length} @example blocks of the API reference compile; the required ones are there; ` +
    `the check lists match the suites; every "Defined in" links ${repository}.`,
);
