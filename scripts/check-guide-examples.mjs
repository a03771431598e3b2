#!/usr/bin/env node
// Keeps the code in the guides (docs/*.md) identical to the example files CI compiles and
// tests. A code block preceded by `<!-- file: examples/view-plugin/src/index.ts -->` must
// hold exactly that file (path relative to docs/). `--write` copies the files into the
// guides; without it, any difference fails (exit 1), so prose cannot drift from code.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './workspace-packages.mjs';

const write = process.argv.includes('--write');
const docs = join(root, 'docs');
// An empty block (```ts + ```) is filled by --write. The body never holds a fence line.
const BLOCK = /<!-- file: ([^\s]+) -->\n(```+)([\w-]*)\n(?:((?:(?!```)[\s\S])*?)\n)?\2\n/g;
const problems = [];
let blocks = 0;

for (const guide of readdirSync(docs).filter((f) => f.endsWith('.md'))) {
  const file = join(docs, guide);
  const text = readFileSync(file, 'utf8');
  const updated = text.replace(BLOCK, (whole, path, fence, lang, body = '') => {
    blocks++;
    const source = join(docs, path);
    if (!existsSync(source)) {
      problems.push(`${guide}: ${path} does not exist`);
      return whole;
    }
    const content = readFileSync(source, 'utf8').replace(/\n$/, '');
    if (content === body) return whole;
    if (!write) problems.push(`${guide}: the block of ${path} differs from the file`);
    return `<!-- file: ${path} -->\n${fence}${lang}\n${content}\n${fence}\n`;
  });
  const markers = text.split('<!-- file: ').length - 1;
  const matched = [...text.matchAll(BLOCK)].length;
  if (markers !== matched) {
    problems.push(
      `${guide}: ${markers - matched} file marker(s) not followed by a code block (or the file holds a fence)`,
    );
  }
  if (write && updated !== text) writeFileSync(file, updated);
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(
    'Run `node scripts/check-guide-examples.mjs --write` to copy the example files into the guides.',
  );
  process.exit(1);
}
console.log(`Guides: ${blocks} code blocks match their example files.`);
