#!/usr/bin/env node
// Type-checks every ```ts block of every `@example` tag in the API reference: the TypeDoc
// JSON model (`docs/api/api.json`, written by `pnpm run docs`), so exactly the examples users
// read are checked. Each block is compiled as its own module, in a scratch project whose
// node_modules links the workspace packages (resolved through their `exports`, to the
// built `.d.ts`, as for users) and their third-party dependencies. Exit code 1 with tsc's
// messages at the source file and line of the example.
//
// Usage: node scripts/check-tsdoc-examples.mjs [path/to/api.json]
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
import ts from 'typescript';
import { publishablePackages, root } from './workspace-packages.mjs';

const model = process.argv[2] ?? join(root, 'docs/api/api.json');
if (!existsSync(model)) {
  console.error(`${model} is missing: run \`pnpm run docs\` first (TypeDoc writes it).`);
  process.exit(1);
}

/** Every `@example` of every reflection: the ```ts blocks and where the symbol is declared. */
function collectExamples(reflection, found = []) {
  for (const part of [reflection, ...(reflection.signatures ?? [])]) {
    for (const tag of part.comment?.blockTags ?? []) {
      if (tag.tag !== '@example') continue;
      const text = tag.content.map((c) => c.text).join('');
      const source = part.sources?.[0] ?? reflection.sources?.[0];
      const file = source?.url?.replace(/^.*\/blob\/[^/]+\//, '').replace(/#L\d+$/, '') ?? source?.fileName;
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

const examples = collectExamples(JSON.parse(readFileSync(model, 'utf8')));
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
  console.error(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}
if (diagnostics.length) {
  console.error(`\n${diagnostics.length} error(s) in @example blocks: each block must compile on its own.`);
  process.exit(1);
}
console.log(`TSDoc: all ${examples.length} @example blocks of the API reference compile.`);
