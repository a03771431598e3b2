import { readFileSync } from 'node:fs';
import {
  formatIssues,
  manifestJsonSchema,
  packagePathProblem,
  pluginManifestSchema,
  pluginPackageJsonSchema,
} from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';

describe('pluginManifestSchema', () => {
  it('accepts a minimal manifest and fills defaults', () => {
    const manifest = pluginManifestSchema.parse({ entry: './dist/index.js', host: '^0.1.0' });
    expect(manifest).toEqual({ entry: './dist/index.js', host: '^0.1.0', provides: [], dependencies: {} });
  });

  it('names every problem with its path', () => {
    const result = pluginManifestSchema.safeParse({
      host: 'not a range',
      provides: ['gizmo'],
      dependencies: { x: '??' },
    });
    expect(result.success).toBe(false);
    const text = formatIssues(result.error!, ['nocoflo']);
    expect(text).toContain('nocoflo.entry');
    expect(text).toMatch(/nocoflo\.host: is not a valid semver range/);
    expect(text).toContain('nocoflo.provides.0');
    expect(text).toMatch(/nocoflo\.dependencies\.x: is not a valid semver range/);
  });

  it('refuses unknown keys and absolute entries', () => {
    expect(pluginManifestSchema.safeParse({ entry: '/etc/passwd', host: '*' }).success).toBe(false);
    expect(pluginManifestSchema.safeParse({ entry: './a.js', host: '*', hots: 1 }).success).toBe(false);
  });

  it('validates the package.json fields discovery reads', () => {
    const ok = pluginPackageJsonSchema.safeParse({
      name: '@acme/x',
      version: '1.0.0',
      nocoflo: { entry: 'i.js', host: '*' },
    });
    expect(ok.success).toBe(true);
    const bad = pluginPackageJsonSchema.safeParse({
      name: 'x',
      version: 'one',
      nocoflo: { entry: 'i.js', host: '*' },
    });
    expect(bad.success).toBe(false);
  });

  it('ships a JSON Schema that matches the zod schema', () => {
    const onDisk = JSON.parse(readFileSync(new URL('../../manifest.schema.json', import.meta.url), 'utf8'));
    const { $id: _id, title: _title, ...rest } = onDisk;
    expect(rest).toEqual(manifestJsonSchema());
    expect(onDisk.required).toEqual(['entry', 'host']);
  });
});

describe('paths a manifest names stay inside the package (issue #12)', () => {
  it.each([
    '../../outside.js',
    './dist/../../outside.js',
    '..\\outside.js',
    '/etc/passwd',
    '\\\\server\\share\\x.js',
    'C:outside.js',
    'c:\\outside.js',
    'file:///etc/passwd',
    'data:text/javascript,export default 1',
    'node:fs',
    'https://evil.example/x.js',
    './index.js\0.png',
  ])('refuses %j as entry and as migrations', (path) => {
    for (const field of ['entry', 'migrations'] as const) {
      const result = pluginManifestSchema.safeParse({ entry: './index.js', host: '*', [field]: path });
      expect(result.success, `${field}: ${path}`).toBe(false);
      expect(formatIssues(result.error!)).toMatch(new RegExp(`^${field}: .*inside the package folder`));
    }
    expect(packagePathProblem(path)).toBeDefined();
  });

  it.each(['./dist/index.js', 'index.js', 'dist/a..b.js', './migrations', 'sql/pg'])('accepts %j', (path) => {
    expect(packagePathProblem(path)).toBeUndefined();
    expect(pluginManifestSchema.safeParse({ entry: path, host: '*', migrations: path }).success).toBe(true);
  });
});
