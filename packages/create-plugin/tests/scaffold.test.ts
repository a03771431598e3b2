import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNocofloError, pluginPackageJsonSchema } from '@nocoflo/sdk';
import semver from 'semver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scaffoldPlugin as initPlugin } from '../src/scaffold.js';
import { NOCOFLO_VERSIONS } from '../src/versions.js';

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'nocoflo-init-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('scaffoldPlugin', () => {
  it('writes a view plugin whose package.json is a valid plugin manifest for this host', async () => {
    const result = await initPlugin({ dir: join(work, 'nocoflo-cards-view'), kind: 'view' });
    expect(result.name).toBe('nocoflo-cards-view');
    expect(result.files).toEqual(
      expect.arrayContaining([
        '.gitignore',
        'README.md',
        'assets/view.css',
        'package.json',
        'src/index.ts',
        'tests/conformance.test.ts',
        'tsconfig.json',
        'tsup.config.ts',
        'vitest.config.ts',
      ]),
    );
    const manifest = readJson(join(result.dir, 'package.json'));
    const parsed = pluginPackageJsonSchema.safeParse(manifest);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(manifest.keywords).toContain('nocoflo-plugin');
    expect(manifest.nocoflo.provides).toEqual(['view']);
    expect(semver.satisfies(NOCOFLO_VERSIONS.host, manifest.nocoflo.host)).toBe(true);
    expect(manifest.devDependencies['@nocoflo/testing']).toMatch(/^\^\d/);
    // npm test builds and runs the suite in one command; the assets ship in the tarball.
    expect(manifest.scripts.test).toBe('tsup && vitest run');
    expect(manifest.scripts.dev).toMatch(
      /^npx --yes --package=@nocoflo\/host@\^\d\S* --package=@nocoflo\/sqlite-datasource@\^\d\S* -- nocoflo dev$/,
    );
    expect(manifest.files).toEqual(['dist', 'assets']);
    expect(readFileSync(join(result.dir, 'tests/conformance.test.ts'), 'utf8')).toContain(
      'describeViewConformance',
    );
    // No placeholder is left anywhere.
    for (const file of result.files) {
      expect(readFileSync(join(result.dir, file), 'utf8'), file).not.toMatch(/\{\{\w+\}\}/);
    }
  });

  it('writes a datasource plugin for a scheme derived from the name, or the one given', async () => {
    const derived = await initPlugin({
      dir: join(work, 'a'),
      name: '@acme/nocoflo-mydb-datasource',
      kind: 'datasource',
    });
    const manifest = readJson(join(derived.dir, 'package.json'));
    expect(manifest.name).toBe('@acme/nocoflo-mydb-datasource');
    expect(manifest.nocoflo.provides).toEqual(['datasource']);
    // The dev loop runs the host of the package's own dev dependencies (its SQLite driver is
    // installed for the suite anyway): no npx, nothing fetched that the lockfile does not pin.
    expect(manifest.scripts.dev).toBe('nocoflo dev');
    expect(manifest.devDependencies['@nocoflo/host']).toBe(manifest.nocoflo.host);
    expect(readFileSync(join(derived.dir, 'src/index.ts'), 'utf8')).toContain("SCHEME = 'mydb'");
    expect(readFileSync(join(derived.dir, 'tests/conformance.test.ts'), 'utf8')).toContain(
      'describeDatasourceConformance',
    );

    const given = await initPlugin({ dir: join(work, 'b'), kind: 'datasource', scheme: 'duck' });
    expect(readFileSync(join(given.dir, 'src/index.ts'), 'utf8')).toContain("SCHEME = 'duck'");
  });

  it('writes the description into package.json (JSON-escaped) and the README, and names the view after the package', async () => {
    const result = await initPlugin({
      dir: join(work, 'cards'),
      kind: 'view',
      name: '@acme/nocoflo-cards-view',
      description: 'Orders as "cards" \\ one per row',
    });
    expect(result.slug).toBe('cards');
    const manifest = readJson(join(result.dir, 'package.json'));
    expect(manifest.description).toBe('Orders as "cards" \\ one per row');
    expect(readFileSync(join(result.dir, 'README.md'), 'utf8')).toContain('Orders as "cards" \\ one per row');
    expect(readFileSync(join(result.dir, 'src/index.ts'), 'utf8')).toContain("name: 'cards'");
  });

  it('refuses a folder that is not empty, and writes nothing', async () => {
    const dir = join(work, 'taken');
    await initPlugin({ dir, kind: 'view' });
    writeFileSync(join(dir, 'mine.txt'), 'keep me');
    const before = readdirSync(dir).sort();
    const error = await initPlugin({ dir, kind: 'datasource' }).catch((e: unknown) => e);
    expect(isNocofloError(error, 'NCF_SCAFFOLD_REFUSED')).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, 'mine.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a bad package name, kind or scheme with a hint, before writing anything', async () => {
    const dir = join(work, 'new');
    for (const options of [
      { dir, kind: 'view' as const, name: 'Not A Name' },
      { dir, kind: 'widget' as never },
      { dir, kind: 'datasource' as const, scheme: '1bad' },
    ]) {
      const error = await initPlugin(options).catch((e: unknown) => e);
      expect(isNocofloError(error, 'NCF_SCAFFOLD_REFUSED')).toBe(true);
      expect((error as { hint: string }).hint.length).toBeGreaterThan(0);
      expect(existsSync(dir)).toBe(false);
    }
  });
});

describe('docs/examples/datasource-plugin', () => {
  it('is exactly what `npm create @nocoflo/plugin -- --kind datasource --name nocoflo-mydb-datasource` writes', async () => {
    const example = fileURLToPath(new URL('../../../docs/examples/datasource-plugin', import.meta.url));
    const result = await initPlugin({
      dir: join(work, 'fresh'),
      kind: 'datasource',
      name: 'nocoflo-mydb-datasource',
    });
    const exampleFiles = readdirSync(example, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(example, join(entry.parentPath, entry.name)))
      .sort();
    expect(exampleFiles).toEqual(result.files);
    for (const file of result.files) {
      expect(readFileSync(join(example, file), 'utf8'), `${file}: regenerate the example`).toBe(
        readFileSync(join(result.dir, file), 'utf8'),
      );
    }
  });
});
