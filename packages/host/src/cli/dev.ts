/**
 * `nocoflo dev [dir]`: the plugin author's loop (`npm run dev` in a scaffolded plugin). It
 * serves the web app on the demo database with the plugin loaded from its own folder, runs
 * the plugin's build script after every change to its files, and reloads the plugin once
 * each build is done, without restarting the host.
 *
 * The host runs in a private root under the OS temp folder whose `plugins/` holds one
 * symlink to the plugin's folder (a directory plugin there), so the demo database and
 * metadata stay out of the author's project.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { errorMessage, PLUGIN_KEYWORD } from '@nocoflo/sdk';
import type { Command } from 'commander';
import type { PluginHost } from '../types.js';
import { startBuildLoop } from './dev-build.js';
import { runUntilSignal, serve } from './serve.js';

/** Options of `nocoflo dev`, as commander parses them. */
interface DevOptions {
  port: string;
  host: string;
  build: boolean;
  verbose?: boolean;
}

interface PluginPackage {
  name: string;
  keywords?: string[];
  scripts?: Record<string, string>;
  nocoflo?: { entry?: string };
}

/** The plugin package in `dir`, or an error saying why it is not one. */
function readPluginPackage(dir: string): PluginPackage {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) {
    throw new Error(`${dir} has no package.json. Run nocoflo dev in a plugin's folder, or pass the folder.`);
  }
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as PluginPackage;
  if (!manifest.keywords?.includes(PLUGIN_KEYWORD)) {
    throw new Error(
      `${file} is not a nocoflo plugin: its "keywords" lack "${PLUGIN_KEYWORD}". Start one with npm create @nocoflo/plugin@latest.`,
    );
  }
  return manifest;
}

const DEMO_DATASOURCE = '@nocoflo/sqlite-datasource';

/**
 * The folder of `@nocoflo/sqlite-datasource`, which opens the demo database: next to this
 * host (npx installs both together) or in the plugin's own dependencies.
 */
function demoDatasourceDir(pluginDir: string): string | undefined {
  for (const from of [import.meta.url, join(pluginDir, 'package.json')]) {
    try {
      return dirname(createRequire(from).resolve(`${DEMO_DATASOURCE}/package.json`));
    } catch {
      // not installed there
    }
  }
  return undefined;
}

/** Makes `link` a symlink to `target`, replacing an older link. */
function linkFolder(target: string, link: string): void {
  try {
    if (lstatSync(link)) rmSync(link, { recursive: false, force: true });
  } catch {
    // no link yet
  }
  symlinkSync(target, link, 'dir');
}

/**
 * The private host root for a plugin folder (stable per folder, so the demo data is made
 * once): `plugins/` links the plugin and, unless it is the plugin itself, the SQLite
 * datasource the demo database needs.
 */
function devRoot(dir: string, name: string): string {
  const root = join(tmpdir(), 'nocoflo-dev', createHash('sha256').update(dir).digest('hex').slice(0, 16));
  const plugins = join(root, 'plugins');
  mkdirSync(plugins, { recursive: true });
  linkFolder(dir, join(plugins, name.replace(/^@/, '').replace(/\//g, '__')));
  const demo = name === DEMO_DATASOURCE ? undefined : demoDatasourceDir(dir);
  if (demo) linkFolder(demo, join(plugins, 'nocoflo-demo-sqlite-datasource'));
  else if (name !== DEMO_DATASOURCE)
    process.stderr.write(
      `nocoflo dev: ${DEMO_DATASOURCE} is not installed, so the demo database cannot open. Add it: npm install --save-dev ${DEMO_DATASOURCE}\n`,
    );
  return root;
}

/** `npm run build`, its output on this terminal; resolves true when it succeeded. */
function runBuild(dir: string): Promise<boolean> {
  process.stdout.write('nocoflo dev: npm run build\n');
  return new Promise((resolveBuild) => {
    const child = spawn('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', (error) => {
      process.stderr.write(`nocoflo dev: could not run the build: ${error.message}\n`);
      resolveBuild(false);
    });
    child.on('close', (code) => {
      if (code !== 0)
        process.stderr.write(
          'nocoflo dev: the build failed; the plugin keeps its last good build until a change builds again.\n',
        );
      resolveBuild(code === 0);
    });
  });
}

/** The folder the build writes, from the entry (`./dist/index.js` → `dist`); changes there build nothing. */
function outputFolder(manifest: PluginPackage): string {
  const entry = (manifest.nocoflo?.entry ?? './dist/index.js').replace(/^\.\//, '');
  return entry.includes('/') ? (entry.split('/')[0] ?? 'dist') : 'dist';
}

/** Registers `nocoflo dev` on the program. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'develop a plugin: serve it on the demo database from its folder, run its build script after each change and reload it without restarting',
    )
    .argument('[dir]', "the plugin's folder", '.')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', process.env.PORT ?? '3000')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option(
      '--no-build',
      "do not run the plugin's build script (something else builds it; its files are watched)",
    )
    .option('--verbose', 'log what the host does')
    .action(async (dirArg: string, options: DevOptions) => {
      const dir = resolve(dirArg);
      let manifest: PluginPackage;
      try {
        manifest = readPluginPackage(dir);
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const build = options.build && manifest.scripts?.build !== undefined;
      const root = devRoot(dir, manifest.name);
      const serveOptions = {
        port: options.port,
        host: options.host,
        demo: true,
        root,
        pluginsDir: ['plugins'],
        ...(options.verbose ? { verbose: true } : {}),
      };
      if (!build) {
        // Something else builds the plugin: the host's watch mode reloads it when its files change.
        await runUntilSignal(serve([], { ...serveOptions, watch: true }));
        return;
      }
      // The plugin's folder is watched before the first build, so no edit is ever missed; each
      // build that succeeds reloads the plugin once (a build that empties dist/ midway never
      // reaches the host). A build done while the host starts is loaded by one reload after.
      let host: PluginHost | undefined;
      let serving = false;
      let reloadWhenServing = false;
      const reload = async () => {
        if (!serving || !host) {
          reloadWhenServing = true;
          return;
        }
        const info = await host.reload(manifest.name).catch((error: unknown) => ({
          state: 'failed' as const,
          error: { message: errorMessage(error) },
        }));
        if (info.state === 'failed')
          process.stderr.write(
            `nocoflo dev: reloaded ${manifest.name}, which failed: ${info.error?.message ?? 'unknown error'}\n`,
          );
        else process.stdout.write(`nocoflo dev: reloaded ${manifest.name} (${info.state})\n`);
      };
      const loop = startBuildLoop({
        dir,
        outputs: [outputFolder(manifest)],
        build: () => runBuild(dir),
        onBuilt: reload,
      });
      await loop.ready;
      if (!(await loop.buildNow()))
        process.stderr.write(
          'nocoflo dev: the first build failed; the plugin loads once a build succeeds.\n',
        );
      reloadWhenServing = false; // the host starts on this build
      const ready = serve([], {
        ...serveOptions,
        onHost: (started) => {
          host = started;
        },
      }).then(async (stop) => {
        serving = true;
        if (reloadWhenServing) await reload();
        return stop;
      });
      await runUntilSignal(ready, () => void loop.close());
    });
}
