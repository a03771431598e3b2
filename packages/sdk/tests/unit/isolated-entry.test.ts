// The SDK's isolated build (src/isolated.ts, the `nocoflo-isolated` export condition that
// isolated plugins' workers resolve): the same exports as the main entry, a module graph
// without zod, semver or tapable, and manifest schemas that behave like the eager ones
// once used.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as eager from '../../src/index.js';
import * as isolated from '../../src/isolated.js';
import { lazyObject } from '../../src/lazy-object.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src');

/** The bare package names a module graph imports at run time (type-only imports left out). */
function runtimeImports(entry: string): { packages: Set<string>; files: Set<string> } {
  const packages = new Set<string>();
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    const statements = /^(?:import|export)\s+(type\s+)?[\w\s{},*$]*?from\s+'([^']+)';/gms;
    for (const [, typeOnly, spec] of text.matchAll(statements)) {
      if (typeOnly || !spec) continue;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
    for (const [, spec] of text.matchAll(/^import\s+'([^']+)';/gm)) if (spec) packages.add(spec);
  };
  visit(join(src, entry));
  return { packages, files };
}

describe('the isolated entry', () => {
  it('exports the same names as the main entry', () => {
    expect(Object.keys(isolated).sort()).toEqual(Object.keys(eager).sort());
  });

  it('imports neither zod, semver nor tapable when it loads (the main entry does)', () => {
    const lean = runtimeImports('isolated.ts');
    expect(lean.files.size).toBeGreaterThan(20);
    expect([...lean.packages].filter((name) => !name.startsWith('node:'))).toEqual([]);
    const full = runtimeImports('index.ts');
    expect([...full.packages]).toEqual(expect.arrayContaining(['zod']));
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
