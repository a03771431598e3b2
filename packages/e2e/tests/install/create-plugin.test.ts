/**
 * A plugin author's first ten minutes, from packed tarballs only, in empty folders outside
 * the workspace:
 *
 * 1. `npm create @nocoflo/plugin` (here `npm exec` of the create-plugin tarball, which is what
 *    `npm create` runs) writes a view and a datasource plugin from flags, asking nothing.
 * 2. Each installs (`@nocoflo/*` from tarballs, the rest from the registry through npm's
 *    cache) and passes `npm test` — build and conformance suite — in one command. The view
 *    plugin's install has no `@nocoflo/host`, so no better-sqlite3 and no pg.
 * 3. Both, packed with `npm pack`, load into a host installed from tarballs: the datasource
 *    opens its own URL scheme and the view renders a table read through it.
 * 4. `npm run dev` in the view plugin, as scaffolded (npx fetches the host into its cache;
 *    here from the tarballs), serves it on the demo data from its folder, and an edit of its
 *    source is rebuilt and reloaded while the same server keeps running.
 *
 * better-sqlite3's binary is the workspace's (helpers/native-prebuild.ts): nothing compiles.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest';
import { cleanEnv, npmInstall, repoRoot, run } from './helpers/commands.js';
import type { NativePrebuild } from './helpers/native-prebuild.js';
import { installPacks } from './helpers/packs.js';
import { type Tarballs, tarball } from './helpers/tarballs.js';

const fixtures = join(repoRoot, 'packages/e2e/tests/install/fixtures');
const gettingStarted = join(repoRoot, 'docs/examples/getting-started');

let work: string;
let tarballs: Tarballs;
let native: NativePrebuild;
let app: string;
let appReady: Promise<void> | undefined;

type Kind = 'view' | 'datasource';

/** A promise settled from outside: one test hands what it made to the tests that need it. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A test that needs it awaits it and fails with its error; unawaited (a filtered run) it
  // must not count as an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/** Each scaffolded project, once it passed its tests and was packed: its folder and its tarball. */
const projects: Record<Kind, ReturnType<typeof deferred<{ dir: string; tarball: string }>>> = {
  view: deferred(),
  datasource: deferred(),
};
/** Settles once the datasource's `npm exec` of create-plugin has run (either way). */
const datasourceCreated = deferred<void>();

interface Manifest {
  name: string;
  files?: string[];
  scripts: Record<string, string>;
  keywords: string[];
  nocoflo: { provides: string[] };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  overrides?: Record<string, string>;
}

/** Points every `@nocoflo/*` range at its tarball (what the published versions would be). */
function pointAtTarballs(manifest: Manifest): void {
  for (const deps of [manifest.dependencies, manifest.devDependencies]) {
    for (const name of Object.keys(deps ?? {})) {
      if (deps && name.startsWith('@nocoflo/')) deps[name] = `file:${tarball(tarballs, name)}`;
    }
  }
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nocoflo-create-'));
  // Packed once for both install files by the global setup (global-setup.ts).
  ({ tarballs, native } = installPacks());
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // The app is only needed once both plugins are packed: it installs while they are written.
  appReady = prepareApp();
  appReady.catch(() => {}); // awaited by the test that needs it, and by afterAll
});

/** Installs the host from tarballs into the app and writes its SQLite file. */
async function prepareApp(): Promise<void> {
  await npmInstall(
    app,
    [
      tarball(tarballs, '@nocoflo/sdk'),
      tarball(tarballs, '@nocoflo/host'),
      tarball(tarballs, '@nocoflo/sqlite-datasource'),
      `better-sqlite3@${native.version}`,
    ],
    native.env,
  );
  cpSync(join(fixtures, 'run-scaffolded.mjs'), join(app, 'run-scaffolded.mjs'));
  cpSync(join(gettingStarted, 'make-db.mjs'), join(app, 'make-db.mjs'));
  await run('node', ['make-db.mjs', 'people.db'], app);
}

afterAll(async () => {
  await appReady?.catch(() => {});
  if (work) rmSync(work, { recursive: true, force: true });
});

// Every test of this file runs concurrently (describe.concurrent, both describes), each in
// folders of its own (npm's cache takes concurrent installs); a test that needs another's
// project awaits it (`projects`). The two scaffolds run side by side, and `npm run dev` in
// the view plugin starts as soon as the view is packed, while the datasource (the longer of
// the two: a host, better-sqlite3 and pg to install, a longer conformance suite) still
// installs and tests. One after the other they made this the e2e suite's longest file.
describe.concurrent('npm create @nocoflo/plugin, in an empty folder outside the workspace', () => {
  for (const kind of ['datasource', 'view'] as const) {
    it(`writes a ${kind} plugin whose npm test (build + conformance) passes in one command`, async ({
      expect,
    }) => {
      try {
        await scaffold(kind, expect);
      } catch (error) {
        // The tests waiting for this project fail with its error instead of waiting on.
        projects[kind].reject(error);
        throw error;
      } finally {
        datasourceCreated.resolve();
      }
    });
  }

  /** Writes, installs, tests and packs one plugin project; hands it to `projects`. */
  async function scaffold(kind: Kind, expect: ExpectStatic): Promise<void> {
    const empty = join(work, `empty-${kind}`);
    mkdirSync(empty);
    // The view's `npm exec` waits for the datasource's: the first installs create-plugin
    // into npx's cache, the second finds it there (at the same moment, both installed it).
    if (kind === 'view') await datasourceCreated.promise;
    const creating = run(
      'npm',
      [
        'exec',
        '--yes',
        `--package=${tarball(tarballs, '@nocoflo/create-plugin')}`,
        `--package=${tarball(tarballs, '@nocoflo/sdk')}`,
        '--',
        'create-plugin',
        `acme-${kind}`,
        '--kind',
        kind,
        '--name',
        `nocoflo-acme-${kind}`,
        '--description',
        `The acme ${kind}.`,
        '--yes',
      ],
      empty,
    );
    if (kind === 'datasource') {
      const done = () => datasourceCreated.resolve();
      creating.then(done, done);
    }
    const { stdout: said } = await creating;
    expect(said).toContain('npm test');
    const dir = join(empty, `acme-${kind}`);
    const manifestFile = join(dir, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    expect(manifest).toMatchObject({ name: `nocoflo-acme-${kind}`, description: `The acme ${kind}.` });
    expect(manifest.keywords).toContain('nocoflo-plugin');
    expect(manifest.nocoflo.provides).toEqual([kind]);
    expect(manifest.scripts.dev).toContain('nocoflo dev');
    if (kind === 'view') expect(manifest.files).toContain('assets');
    pointAtTarballs(manifest);
    // The datasource's tests write SQLite files: better-sqlite3 at the version whose binary
    // the workspace compiled, taken as a local prebuild.
    if (kind === 'datasource' && manifest.devDependencies)
      manifest.devDependencies['better-sqlite3'] = native.version;
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    await npmInstall(dir, [], native.env);
    if (kind === 'view') {
      // A pure view plugin's dev install stays light: the host is an optional peer of the kit.
      expect(existsSync(join(dir, 'node_modules/@nocoflo/host'))).toBe(false);
      expect(existsSync(join(dir, 'node_modules/better-sqlite3'))).toBe(false);
      expect(existsSync(join(dir, 'node_modules/pg'))).toBe(false);
    } else {
      // A datasource's npm run dev runs the host of its own devDependencies: no npx.
      expect(manifest.scripts.dev).toBe('nocoflo dev');
      expect(existsSync(join(dir, 'node_modules/.bin/nocoflo'))).toBe(true);
    }
    // The type check reads src and tests (tsconfig: noEmit), not what the build writes:
    // it runs beside `npm test`, with the same outcome as after it.
    const [{ stdout }] = await Promise.all([
      run('npm', ['test', '--', '--reporter=verbose'], dir),
      run('npm', ['run', 'typecheck'], dir),
    ]);
    expect(stdout).toContain(`${kind} conformance`);
    expect(stdout).not.toMatch(/\b[1-9]\d* (failed|skipped)\b/);
    expect(existsSync(join(dir, 'dist/index.d.ts'))).toBe(true);

    const { stdout: packOut } = await run('npm', ['pack', '--pack-destination', work], dir);
    projects[kind].resolve({ dir, tarball: join(work, packOut.trim().split('\n').at(-1) ?? '') });
  }

  it('both load into a host installed from tarballs: the view renders a table the datasource reads', async ({
    expect,
  }) => {
    const [view, datasource] = await Promise.all([
      projects.view.promise.then(({ tarball }) => tarball),
      projects.datasource.promise.then(({ tarball }) => tarball),
    ]);
    await appReady;
    await npmInstall(app, [view, datasource], native.env);
    const { stdout } = await run('node', ['run-scaffolded.mjs', 'acme:people.db', 'people', 'acme'], app);
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
      plugins: { name: string; state: string; source: string; error?: { message: string } }[];
      views: string[];
      html: string;
    };
    for (const name of ['nocoflo-acme-view', 'nocoflo-acme-datasource']) {
      const plugin = result.plugins.find((p) => p.name === name);
      expect(plugin, `${name}: ${plugin?.error?.message ?? 'not found'}`).toMatchObject({
        state: 'enabled',
        source: 'node_modules',
      });
    }
    expect(result.views).toContain('acme');
    expect(result.html).toContain('class="ncf-list-view"');
    expect(result.html).toContain('&lt;Grace Hopper&gt;');
    // The declared asset is in the tarball the host installed.
    expect(existsSync(join(app, 'node_modules/nocoflo-acme-view/assets/view.css'))).toBe(true);
  });
});

describe.concurrent('npm run dev in a scaffolded plugin', () => {
  it('serves the plugin on the demo data, then rebuilds and reloads it on an edit without a restart', async ({
    expect,
  }) => {
    // After the view's test packed it: the edits below are not in its tarball.
    const { dir } = await projects.view.promise;
    // `npm run dev` runs the host through npx, exactly as scaffolded (the view's install has
    // no host), with the packages it names taken from their tarballs instead of the registry;
    // @nocoflo/sdk, which the host depends on, is not on the registry yet, so it is named too.
    const manifestFile = join(dir, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    const scaffolded = manifest.scripts.dev ?? '';
    expect(scaffolded).toMatch(
      /^npx --yes --package=@nocoflo\/host@\S+ --package=@nocoflo\/sqlite-datasource@\S+ -- nocoflo dev$/,
    );
    manifest.scripts.dev = scaffolded
      .replace(/--package=@nocoflo\/host@\S+/, `--package=${tarball(tarballs, '@nocoflo/host')}`)
      .replace(
        /--package=@nocoflo\/sqlite-datasource@\S+/,
        `--package=${tarball(tarballs, '@nocoflo/sqlite-datasource')} --package=${tarball(tarballs, '@nocoflo/sdk')}`,
      );
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    expect(existsSync(join(dir, 'node_modules/@nocoflo/host'))).toBe(false);

    const child = spawn('npm', ['run', 'dev', '--', '--port', '0', '--verbose'], {
      cwd: dir,
      // npx installs the host's better-sqlite3 into its cache from the workspace's prebuild.
      env: { ...cleanEnv(), ...native.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: npm, npx, the host and its builds stop together
    });
    let output = '';
    const waitForOutput = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (match) resolve(match);
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
        child.on('exit', (code) => reject(new Error(`npm run dev exited ${code}:\n${output}`)));
        check();
      });
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // A browser on this machine: it asks for HTML (the demo signs it in as the local admin)
    // and sends the session cookie back.
    let cookie = '';
    const page = async (url: string | URL) => {
      const response = await fetch(url, {
        headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) },
      });
      const set = response.headers.getSetCookie();
      if (set.length > 0) cookie = set.map((c) => c.split(';')[0]).join('; ');
      return response.text();
    };
    try {
      const base = (await waitForOutput(/is serving (http:\/\/\S+)/))[1] ?? '';
      const home = await page(base);
      const link = /href="([^"]*\/t\/[^"]+)"/.exec(home)?.[1];
      expect(link, home).toBeDefined();
      const tablePage = new URL(`${link}?view=acme`, base);
      const before = await page(tablePage);
      expect(before, output).toContain('data-view="acme"');
      expect(before).toContain('class="ncf-list-view"');
      expect(before).toContain('>List</a>');

      const source = join(dir, 'src/index.ts');
      writeFileSync(source, readFileSync(source, 'utf8').replace("title: 'List'", "title: 'Cards'"));
      // The same server (same URL) serves the rebuilt plugin once tsup and the reload are done;
      // the test's own time limit catches a reload that never comes.
      let after = '';
      while (!after.includes('>Cards</a>')) {
        if (child.exitCode !== null) throw new Error(`npm run dev exited:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
        after = await page(tablePage);
      }
      expect(after, output).toContain('>Cards</a>');
      expect(after).toContain('class="ncf-list-view"');
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
