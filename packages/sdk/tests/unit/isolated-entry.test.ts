// The SDK's isolated build (`dist/isolated.js`, the `nocoflo-isolated` export condition that
// isolated plugins' workers resolve): src/index.ts built a second time with its manifest
// schemas swapped for `manifest/schema-lazy.ts` (isolated-build.ts). Built here with the
// package's own tsup config: the same exports as the main entry, a module graph that imports
// no package when it loads, and manifest schemas that behave like the eager ones once used.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ISOLATED_SWAPS } from '../../isolated-build.js';
import * as eager from '../../src/index.js';
import { lazyObject } from '../../src/lazy-object.js';
import * as isolated from '../../src/manifest/schema-lazy.js';
import config from '../../tsup.config.js';

interface Metafile {
  outputs: Record<
    string,
    { entryPoint?: string; exports: string[]; imports: { path: string; kind: string; external?: boolean }[] }
  >;
}

let outDir: string;
let meta: Metafile;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'sdk-isolated-entry-'));
  if (Array.isArray(config) || typeof config === 'function') throw new Error('tsup.config.ts changed shape');
  const { onSuccess: _, ...options } = config;
  await build({
    ...options,
    config: false,
    outDir,
    dts: false,
    sourcemap: false,
    metafile: true,
    silent: true,
  });
  meta = JSON.parse(readFileSync(join(outDir, 'metafile-esm.json'), 'utf8'));
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The built entry output for `entryName`, and every package its static import graph loads. */
function entry(entryName: string): { exports: string[]; packages: Set<string>; files: Set<string> } {
  const root = Object.keys(meta.outputs).find((file) => file.endsWith(`/${entryName}.js`));
  if (!root) throw new Error(`no ${entryName}.js in the build`);
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const { path, kind, external } of meta.outputs[file]!.imports) {
      if (kind !== 'import-statement') continue;
      if (external) packages.add(path);
      else visit(path);
    }
  };
  visit(root);
  return { exports: meta.outputs[root]!.exports, packages, files };
}

describe('the isolated entry', () => {
  it('is src/index.ts with the manifest schemas swapped for the lazy ones', () => {
    expect(ISOLATED_SWAPS).toEqual({ './manifest/schema.js': './manifest/schema-lazy.ts' });
    const inputs = new Set(Object.values(meta.outputs).flatMap((output) => output.entryPoint ?? []));
    expect(inputs).toEqual(new Set(['src/index.ts', 'nocoflo-isolated:src/index.ts', 'src/sql/index.ts']));
  });

  it('exports the same names as the main entry', () => {
    const lean = entry('isolated').exports;
    expect(lean.length).toBeGreaterThan(50);
    expect([...lean].sort()).toEqual([...entry('index').exports].sort());
    expect([...lean].sort()).toEqual(Object.keys(eager).sort());
  });

  it('imports neither zod, semver nor tapable when it loads (the main entry does)', () => {
    const lean = entry('isolated');
    expect(lean.files.size).toBeGreaterThan(1);
    expect([...lean.packages].filter((name) => !isBuiltin(name))).toEqual([]);
    expect([...entry('index').packages]).toEqual(expect.arrayContaining(['zod']));
  });

  it('validates manifests exactly as the main entry does, once used', () => {
    const inputs = [
      { entry: './dist/index.js', host: '^0.1.0' },
      { entry: '../x.js', host: 'not a range', dependencies: { y: '??' } },
      { entry: './a.js', host: '*', permissions: { addons: true, env: ['A'] } },
      { entry: './a.js', host: '*', unknown: 1 },
    ];
    for (const input of inputs) {
      const ours = isolated.pluginManifestSchema.safeParse(input);
      const theirs = eager.pluginManifestSchema.safeParse(input);
      expect(ours.success).toBe(theirs.success);
      if (ours.success) expect(ours.data).toEqual(theirs.data);
      else expect(isolated.formatIssues(ours.error!)).toBe(eager.formatIssues(theirs.error!));
    }
    const pkg = { name: '@acme/x', version: 'one', nocoflo: { entry: 'i.js', host: '*' } };
    expect(isolated.pluginPackageJsonSchema.safeParse(pkg).success).toBe(false);
    expect(isolated.pluginPackageJsonSchema.safeParse({ ...pkg, version: '1.0.0' }).success).toBe(true);
    expect(isolated.contributionKindSchema.options).toEqual(eager.contributionKindSchema.options);
    expect(isolated.pluginPermissionsSchema.parse({})).toEqual({ addons: false, fsRead: [], env: [] });
    expect(isolated.manifestJsonSchema()).toEqual(eager.manifestJsonSchema());
  });

  it('gives schemas that compose with a plugin’s own zod and pass its instanceof checks', () => {
    expect(isolated.pluginManifestSchema instanceof z.ZodType).toBe(true);
    const wrapped = z.object({ manifest: isolated.pluginManifestSchema });
    expect(wrapped.safeParse({ manifest: { entry: './a.js', host: '*' } }).success).toBe(true);
    expect(wrapped.safeParse({ manifest: { entry: './a.js' } }).success).toBe(false);
    expect(isolated.pluginManifestSchema.shape.entry).toBeDefined();
    expect(Object.keys(isolated.pluginManifestSchema)).toEqual(Object.keys(eager.pluginManifestSchema));
  });
});

describe('lazyObject', () => {
  it('builds its object once, on first use, and forwards to it', () => {
    let builds = 0;
    const lazy = lazyObject(() => {
      builds++;
      return Object.defineProperty({ a: 1, hello: () => 'hi' }, 'fixed', { value: 2, enumerable: true });
    });
    expect(builds).toBe(0);
    expect(lazy.a).toBe(1);
    expect(lazy.hello()).toBe('hi');
    expect('fixed' in lazy).toBe(true);
    expect(Object.keys(lazy)).toEqual(['a', 'hello', 'fixed']);
    expect({ ...lazy }).toMatchObject({ a: 1, fixed: 2 });
    (lazy as { a: number }).a = 3;
    expect(lazy.a).toBe(3);
    expect(builds).toBe(1);
  });

  it('keeps the prototype of the object it builds', () => {
    class Thing {
      kind() {
        return 'thing';
      }
    }
    const lazy = lazyObject(() => new Thing());
    expect(lazy instanceof Thing).toBe(true);
    expect(lazy.kind()).toBe('thing');
  });
});
