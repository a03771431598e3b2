/**
 * The packages as users get them: `pnpm -r pack`, then projects in a temp folder outside
 * the workspace that `npm install` only tarballs (third-party dependencies come from the
 * npm registry, through npm's cache).
 *
 * 1. An app installs the host, the SQLite datasource and the table view: the `nocoflo` CLI
 *    finds exactly those plugins by their keyword; the host opens a `sqlite:` URL and
 *    renders a table, from code (docs/examples/getting-started) and as `nocoflo serve`.
 *    better-sqlite3's install script finds the binary the workspace compiled as a local
 *    prebuild (helpers/native-prebuild.ts) instead of compiling SQLite again.
 * 2. The view plugin of docs/writing-a-view-plugin.md (docs/examples/view-plugin), copied
 *    outside the repo, installs the SDK and testing tarballs, builds, typechecks, passes
 *    the view conformance suite, and then loads in the app of (1) from its own tarball.
 * 3. The rest of the plugin family (form view, MySQL and REST datasources) installs into the
 *    app of (1) from tarballs (mysql2 from the registry) and works there.
 *
 * Scaffolding plugins with `npm create @nocoflo/plugin` is create-plugin.test.ts.
 *
 * The tests of a file run in order; each step builds on the one before.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npmInstall, repoRoot, run } from './helpers/commands.js';
import type { NativePrebuild } from './helpers/native-prebuild.js';
import { installPacks } from './helpers/packs.js';
import { withServer as serveIn } from './helpers/serve.js';
import { type Tarballs, tarball, useTarballs } from './helpers/tarballs.js';

const fixtures = join(repoRoot, 'packages/e2e/tests/install/fixtures');
const gettingStarted = join(repoRoot, 'docs/examples/getting-started');

interface HostRun {
  plugins: { name: string; state: string; source: string; error?: { message: string } }[];
  views: string[];
  html: string;
}

let work: string;
let tarballs: Tarballs;
let native: NativePrebuild;
let app: string;

/** Runs the host in the app on its SQLite file, through the public API (fixtures/run-host.mjs). */
async function runHost(view?: string): Promise<HostRun> {
  const { stdout } = await run('node', ['run-host.mjs', 'people.db', 'people', ...(view ? [view] : [])], app);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as HostRun;
}

/** Runs `nocoflo <args>` in the app until `fn` is done with the server's base URL. */
function withServer(args: string[], fn: (base: string) => Promise<void>): Promise<void> {
  return serveIn(app, args, fn);
}

/** Copies a project folder, leaving out what a build or install made. */
function copyProject(from: string, to: string): void {
  cpSync(from, to, {
    recursive: true,
    filter: (path) => !/[\\/](node_modules|dist)([\\/]|$)/.test(path.slice(from.length)),
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'nocoflo-install-'));
  // Packed once for both install files by the global setup (global-setup.ts).
  ({ tarballs, native } = installPacks());

  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  // better-sqlite3 is the app's own, to write its data file; it is the host's too (one copy),
  // at the version the workspace compiled, whose binary the install takes as a local prebuild.
  await npmInstall(
    app,
    [
      tarball(tarballs, '@nocoflo/sdk'),
      tarball(tarballs, '@nocoflo/host'),
      tarball(tarballs, '@nocoflo/sqlite-datasource'),
      tarball(tarballs, '@nocoflo/table-view'),
      `better-sqlite3@${native.version}`,
    ],
    native.env,
  );
  cpSync(join(fixtures, 'run-host.mjs'), join(app, 'run-host.mjs'));
  for (const file of ['make-db.mjs', 'render-table.mjs']) cpSync(join(gettingStarted, file), join(app, file));
  await run('node', ['make-db.mjs', 'people.db'], app);
});

// Removing several installed node_modules trees takes minutes on a loaded machine: hooks have
// no time limit (vitest.shared.ts), and this one is asynchronous so the reporters keep reporting.
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a host installed from tarballs', () => {
  it('took better-sqlite3 from the npm tarball and its binary from the workspace, compiling nothing', () => {
    const installed = join(app, 'node_modules/better-sqlite3');
    expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version).toBe(native.version);
    expect(existsSync(join(installed, 'build/Release/better_sqlite3.node'))).toBe(true);
    // node-gyp leaves its object files next to the binary; an unpacked prebuild has none.
    expect(existsSync(join(installed, 'build/Release/obj.target'))).toBe(false);
  });

  it('finds exactly the installed plugins, by their keyword (nocoflo plugins list)', async () => {
    const { stdout } = await run('npx', ['--no-install', 'nocoflo', 'plugins', 'list', '--json'], app);
    const plugins = JSON.parse(stdout) as HostRun['plugins'];
    expect(plugins.map((p) => p.name).sort()).toEqual(['@nocoflo/sqlite-datasource', '@nocoflo/table-view']);
    for (const plugin of plugins) {
      expect(plugin, plugin.error?.message).toMatchObject({ state: 'enabled', source: 'node_modules' });
    }
  });

  it('renders a table from code, as docs/getting-started.md does', async () => {
    const { stdout } = await run('node', ['render-table.mjs', 'people.db', 'people'], app);
    expect(stdout).toContain('@nocoflo/table-view 0.1.0: enabled');
    expect(stdout).toContain('people shown by the table view');
    expect(stdout).toContain('&lt;Grace Hopper&gt;');
  });

  it('serves the table page over HTTP with `nocoflo serve sqlite:…`', async () => {
    // --local-admin: a browser on this machine is signed in as the first admin (no setup step).
    await withServer(['serve', 'sqlite:./people.db', '--port', '0', '--local-admin'], async (base) => {
      const browser = { headers: { accept: 'text/html' } };
      const home = await (await fetch(base, browser)).text();
      const link = /href="([^"]*\/t\/people)"/.exec(home)?.[1];
      expect(link, home).toBeDefined();
      const page = await fetch(new URL(link ?? '', base), browser);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<table');
      expect(html).toContain('Ada Lovelace');
      expect(html).toContain('&lt;Grace Hopper&gt;');
    });
  });

  it('opens a sqlite: URL and renders a table with the table view', async () => {
    const result = await runHost();
    expect(result.views[0]).toBe('table');
    expect(result.html).toContain('<table');
    expect(result.html).toContain('Ada Lovelace');
    expect(result.html).toContain('&lt;Grace Hopper&gt;');
    expect(result.html).not.toContain('<Grace Hopper>');
  });
});

describe('the view plugin of the guide, written outside the repo', () => {
  let plugin: string;

  it('builds, typechecks and passes the view conformance suite against the tarballs', async () => {
    plugin = join(work, 'cards-view');
    copyProject(join(repoRoot, 'docs/examples/view-plugin'), plugin);
    const manifestFile = join(plugin, 'package.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    useTarballs(manifest, tarballs);
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    // A view plugin never opens SQLite, so the native build of better-sqlite3 (a dependency
    // of the host the testing kit runs) is skipped here: --ignore-scripts.
    await npmInstall(plugin, ['--ignore-scripts']);
    await run('npm', ['run', 'build'], plugin);
    expect(existsSync(join(plugin, 'dist/index.js'))).toBe(true);
    expect(existsSync(join(plugin, 'dist/index.d.ts'))).toBe(true);
    await run('npm', ['run', 'typecheck'], plugin);
    const { stdout } = await run('npm', ['test', '--', '--reporter=verbose'], plugin);
    expect(stdout).toContain('view conformance: cards');
    expect(stdout).not.toMatch(/\b[1-9]\d* (failed|skipped)\b/);
  });

  it('loads in the host installed from tarballs, next to the table view', async () => {
    const { stdout } = await run('npm', ['pack', '--pack-destination', work], plugin);
    const file = join(work, stdout.trim().split('\n').at(-1) ?? '');
    await npmInstall(app, [file], native.env);
    const result = await runHost('cards');
    expect(result.plugins.find((p) => p.name === 'nocoflo-cards-view')).toMatchObject({
      state: 'enabled',
      source: 'node_modules',
    });
    expect(result.views).toEqual(['table', 'cards']);
    expect(result.html).toContain('class="card"');
    expect(result.html).toContain('&lt;Grace Hopper&gt;');
  });
});

describe('the rest of the plugin family, installed from tarballs', () => {
  it('the form view renders a record, the REST datasource reads an API, the MySQL datasource reaches its server', async () => {
    await npmInstall(
      app,
      [
        tarball(tarballs, '@nocoflo/form-view'),
        tarball(tarballs, '@nocoflo/mysql-datasource'),
        tarball(tarballs, '@nocoflo/rest-datasource'),
      ],
      native.env,
    );
    cpSync(join(fixtures, 'run-family.mjs'), join(app, 'run-family.mjs'));
    const { stdout } = await run('node', ['run-family.mjs', 'people.db', 'people'], app);
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as {
      plugins: HostRun['plugins'];
      views: string[];
      formHtml: string;
      rest: { rows: { id: number; title: string }[]; write: boolean };
      mysql?: { serverVersion: string };
    };
    for (const name of ['@nocoflo/form-view', '@nocoflo/mysql-datasource', '@nocoflo/rest-datasource']) {
      const plugin = result.plugins.find((p) => p.name === name);
      expect(plugin, `${name}: ${plugin?.error?.message ?? 'not found'}`).toMatchObject({
        state: 'enabled',
      });
    }
    expect(result.views).toContain('form');
    expect(result.formHtml).toContain('class="ncf-form-view"');
    expect(result.formHtml).toContain('Ada Lovelace');
    expect(result.rest).toEqual({
      rows: [
        { id: 1, title: 'first' },
        { id: 2, title: 'second' },
        { id: 3, title: 'third' },
      ],
      write: false,
    });
    if (process.env.NOCOFLO_MYSQL_URL || process.env.CI)
      expect(result.mysql?.serverVersion).toMatch(/^(MariaDB|MySQL) \d/);
  });
});
