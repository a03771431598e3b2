// `nocoflo dev`, the plugin author's loop: a real CLI process on a plugin folder whose build
// script copies src/ into dist/ (emptying dist/ first, as tsup does). An edit made the moment
// the server says it is serving, and one made while a build runs, are both built and
// reloaded into the same running server; a build that empties dist/ midway never shows the
// plugin as failed; a failed build keeps the last good code. And the build loop alone:
// builds never overlap, an edit during a build makes exactly one more, what the build
// writes starts no build.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildOutputFilter, startBuildLoop } from '../../../src/cli/dev-build.js';
import { bundleChild } from '../fixtures/child-process.js';
import { pluginPackageJson } from '../fixtures/tarball.js';
import { tempDir, waitFor } from '../helpers.js';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));

/** The plugin's source: a route that answers with a marker. */
const source = (marker: string) => `export default {
  [Symbol.for('nocoflo.plugin')]: true,
  setup(ctx) {
    ctx.registerRoute({ method: 'GET', path: '/version', handler: () => ({ body: { marker: ${JSON.stringify(marker)} } }) });
  },
};
`;

// The build empties dist/ before writing it, as tsup's clean does, and makes and removes a
// file next to package.json, as tsup does with its bundled config; a source with BREAK fails it.
const BUILD = `import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout } from 'node:timers/promises';
writeFileSync('build.config.bundled_1.mjs', 'export default {};');
await setTimeout(300);
rmSync('build.config.bundled_1.mjs');
rmSync('dist', { recursive: true, force: true });
if (readFileSync('src/index.js', 'utf8').includes('BREAK')) { console.error('build: syntax error'); process.exit(1); }
mkdirSync('dist');
cpSync('src/index.js', 'dist/index.js');
`;

describe('nocoflo dev', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let child: ChildProcess | undefined;
  let output = '';

  beforeEach(async () => {
    dir = await tempDir('nocoflo-dev-loop-');
    output = '';
  });

  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    child = undefined;
    await dir.cleanup();
  });

  /** A plugin folder as an author has it, with the demo datasource installed next to it. */
  function writePlugin(): string {
    const plugin = join(dir.path, 'my-plugin');
    mkdirSync(join(plugin, 'src'), { recursive: true });
    writeFileSync(
      join(plugin, 'package.json'),
      pluginPackageJson('dev-loop-plugin', '1.0.0', {
        nocoflo: { entry: './dist/index.js' },
        scripts: { build: 'node build.mjs' },
      }),
    );
    writeFileSync(join(plugin, 'build.mjs'), BUILD);
    writeFileSync(join(plugin, 'src/index.js'), source('v1'));
    mkdirSync(join(plugin, 'node_modules/@nocoflo'), { recursive: true });
    symlinkSync(
      join(repoRoot, 'plugins/sqlite-datasource'),
      join(plugin, 'node_modules/@nocoflo/sqlite-datasource'),
      'dir',
    );
    return plugin;
  }

  /** Starts `nocoflo dev` on the folder; resolves with the server's URL once it serves. */
  async function startDev(plugin: string): Promise<string> {
    const cli = await bundleChild('cli');
    child = spawn(process.execPath, [cli, 'dev', plugin, '--port', '0'], {
      // Its own temp folder: the dev root (and its demo database) is made under it.
      env: { ...process.env, TMPDIR: dir.path },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let base: string | undefined;
    await waitFor(() => {
      if (child?.exitCode !== null) throw new Error(`nocoflo dev exited:\n${output}`);
      base = /is serving (http:\/\/\S+)/.exec(output)?.[1];
      return base !== undefined;
    });
    return base as string;
  }

  /** Waits for the marker; on a timeout the error carries what nocoflo dev printed. */
  async function waitForMarker(base: string, cookie: { value: string }, marker: string): Promise<void> {
    await waitFor(async () => (await markerOf(base, cookie)) === marker).catch((error: unknown) => {
      throw new Error(`${String(error)}; waiting for ${marker}, nocoflo dev printed:\n${output}`);
    });
  }

  /** The marker the running server's plugin route answers, signed in as a browser on this machine. */
  async function markerOf(base: string, cookie: { value: string }): Promise<string | undefined> {
    if (!cookie.value) {
      const home = await fetch(base, { headers: { accept: 'text/html' } });
      cookie.value = home.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
    }
    const response = await fetch(`${base}/plugins/dev-loop-plugin/version`, {
      headers: { cookie: cookie.value },
    });
    return response.ok ? ((await response.json()) as { marker: string }).marker : undefined;
  }

  it('rebuilds and reloads every edit into the same server, the first one included, and never shows a half-built plugin', async () => {
    const plugin = writePlugin();
    const base = await startDev(plugin);
    // Edited the moment it serves: the folder was watched before the first build.
    await writeFile(join(plugin, 'src/index.js'), source('v2'));
    const cookie = { value: '' };
    await waitForMarker(base, cookie, 'v2');

    // A failed build keeps the code of the last good one.
    await writeFile(join(plugin, 'src/index.js'), `${source('v3')}\n// BREAK\n`);
    await waitFor(() => output.includes('the build failed'));
    expect(await markerOf(base, cookie)).toBe('v2');

    await writeFile(join(plugin, 'src/index.js'), source('v4'));
    await waitForMarker(base, cookie, 'v4');
    expect(child?.exitCode, 'the server kept running').toBeNull();
    // dist/ was emptied by every build, yet the host never loaded it half-written.
    expect(output).not.toMatch(/which failed|does not exist/);
    expect(output).toContain('nocoflo dev: reloaded dev-loop-plugin (enabled)');
    // The build's own temporary file starts no build: one first build and one per edit (an
    // edit that lands while a build runs may add one), not a build after every build.
    const builds = output.split('nocoflo dev: npm run build').length - 1;
    expect(builds, output).toBeLessThanOrEqual(7);
  });
});

describe('the dev build loop', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir('nocoflo-build-loop-');
    await mkdir(join(dir.path, 'src'));
    await mkdir(join(dir.path, 'dist'));
    await mkdir(join(dir.path, 'node_modules'));
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it('runs one build at a time, and exactly one more for edits made during a build', async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    let builds = 0;
    const loop = startBuildLoop({
      dir: dir.path,
      outputs: ['./dist'],
      debounceMs: 20,
      build: async () => {
        const n = ++builds;
        events.push(`start ${n}`);
        if (n === 1)
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        // What a build writes starts no build of its own.
        await writeFile(join(dir.path, 'dist', 'index.js'), `// build ${n}`);
        await writeFile(join(dir.path, 'node_modules', 'cache'), `${n}`);
        events.push(`end ${n}`);
        return true;
      },
      onBuilt: async () => {
        events.push('built');
      },
    });
    try {
      await loop.ready;
      const first = loop.buildNow();
      await waitFor(() => events.includes('start 1'));
      // Three edits while the first build runs: one more build, after it.
      await writeFile(join(dir.path, 'src', 'a.ts'), '1');
      await writeFile(join(dir.path, 'src', 'b.ts'), '2');
      const second = loop.buildNow();
      await writeFile(join(dir.path, 'src', 'a.ts'), '3');
      release();
      expect(await first).toBe(true);
      expect(await second).toBe(true);
      await loop.close();
      // Another build may follow when the watcher reports an edit late; builds never overlap.
      expect(events.slice(0, 6)).toEqual(['start 1', 'end 1', 'built', 'start 2', 'end 2', 'built']);
      const starts = events.filter((e) => e.startsWith('start')).length;
      for (let i = 1; i < starts; i++)
        expect(events.indexOf(`end ${i}`), `build ${i} ended before the next began`).toBeLessThan(
          events.indexOf(`start ${i + 1}`),
        );
    } finally {
      await loop.close();
    }
  });

  it('builds after an edit, and does not call onBuilt when the build fails', async () => {
    let outcome = false;
    let builds = 0;
    let built = 0;
    const loop = startBuildLoop({
      dir: dir.path,
      outputs: ['dist'],
      debounceMs: 20,
      build: async () => {
        builds++;
        return outcome;
      },
      onBuilt: async () => {
        built++;
      },
    });
    try {
      await loop.ready;
      await writeFile(join(dir.path, 'src', 'index.ts'), 'broken');
      await waitFor(() => builds === 1);
      expect(await loop.buildNow()).toBe(false);
      expect(built).toBe(0);
      outcome = true;
      await writeFile(join(dir.path, 'src', 'index.ts'), 'fixed');
      await waitFor(() => built === 1);
    } finally {
      await loop.close();
    }
  });

  it('watches the sources, not what the build writes, dependencies or packed tarballs', () => {
    const ignored = buildOutputFilter(dir.path, ['./dist']);
    expect(ignored(dir.path)).toBe(false);
    for (const file of ['src/index.ts', 'assets/view.css', 'package.json', 'tests/a.test.ts', 'distance.ts'])
      expect(ignored(join(dir.path, file)), file).toBe(false);
    for (const file of [
      'dist',
      'dist/index.js',
      'node_modules/x/index.js',
      'src/node_modules/y',
      '.git/HEAD',
      'my-plugin-0.1.0.tgz',
      'tsconfig.tsbuildinfo',
    ])
      expect(ignored(join(dir.path, file)), file).toBe(true);
  });
});
