// Discovery of a generated node_modules with 1,000 packages (100 of them plugins, some
// scoped) against the floor of reading those 1,000 package.json files directly.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverPlugins } from '../dist/index.js';
import { measure, row } from './report.mjs';

function makeRoot() {
  const root = join(
    import.meta.dirname ?? new URL('.', import.meta.url).pathname,
    '.tmp',
    `discovery-${process.pid}`,
  );
  rmSync(root, { recursive: true, force: true });
  for (let i = 0; i < 1000; i++) {
    const plugin = i % 10 === 0;
    const scoped = i % 7 === 0;
    const name = scoped ? `@scope${i % 5}/pkg-${i}` : `pkg-${i}`;
    const dir = join(root, 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    const json = {
      name,
      version: '1.0.0',
      description: 'x'.repeat(200),
      main: 'index.js',
      dependencies: { a: '^1.0.0', b: '^2.0.0' },
      keywords: plugin ? ['nocoflo-plugin', 'x'] : ['util', 'x'],
      ...(plugin ? { nocoflo: { entry: './index.js', host: '*', provides: ['view'] } } : {}),
    };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(json, null, 2));
  }
  return root;
}

/** The floor: list node_modules (and scopes) and JSON.parse every package.json, synchronously. */
function readAllPackageJsons(root) {
  const nm = join(root, 'node_modules');
  const out = [];
  for (const entry of readdirSync(nm)) {
    if (entry.startsWith('@')) {
      for (const inner of readdirSync(join(nm, entry)))
        out.push(JSON.parse(readFileSync(join(nm, entry, inner, 'package.json'), 'utf8')));
    } else {
      out.push(JSON.parse(readFileSync(join(nm, entry, 'package.json'), 'utf8')));
    }
  }
  return out;
}

export async function benchDiscovery() {
  const root = makeRoot();
  const found = discoverPlugins({ root, pluginDirs: [] });
  if (found.length !== 100 || found.some((p) => !p.valid))
    throw new Error(`expected 100 valid plugins, found ${found.length}`);
  if (readAllPackageJsons(root).length !== 1000) throw new Error('expected 1,000 packages');
  const result = await measure(
    {
      discovery: () => discoverPlugins({ root, pluginDirs: [] }),
      floor: () => readAllPackageJsons(root),
    },
    { time: 600, rounds: 5 },
  );
  rmSync(root, { recursive: true, force: true });
  return {
    rows: [
      row(
        'discovery',
        '1,000 packages, 100 plugins',
        result.discovery,
        'sync read + JSON.parse of every package.json',
        result.floor,
        1.5,
      ),
    ],
    notes: [
      `discovery: ${(1000 / Math.max(...result.discovery)).toFixed(1)} ms per scan of 1,000 packages at best (floor ${(1000 / Math.max(...result.floor)).toFixed(1)} ms)`,
    ],
  };
}
