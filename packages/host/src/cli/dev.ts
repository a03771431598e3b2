/**
 * `nocoflo dev [dir]`: the plugin author's loop (`npm run dev` in a scaffolded plugin). It
 * builds the plugin, serves the web app on the demo database with the plugin loaded from
 * its own folder, keeps the plugin's build running in watch mode, and reloads the plugin
 * whenever its files change, without restarting the host.
 *
 * The host runs in a private root under the OS temp folder whose `plugins/` holds one
 * symlink to the plugin's folder: the plugin is a directory plugin there, so watch mode
 * follows it, and the demo database and metadata stay out of the author's project.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PLUGIN_KEYWORD } from '@nocoflo/sdk';
import type { Command } from 'commander';
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

/** `npm run build` once, in the foreground: the host then starts on built code. */
function buildOnce(dir: string): void {
  process.stdout.write('nocoflo dev: npm run build\n');
  const result = spawnSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
  if (result.status !== 0)
    process.stderr.write('nocoflo dev: the build failed; the plugin loads once a rebuild succeeds.\n');
}

/** `npm run build -- --watch` (tsup's watch mode) in the background, for the life of the server. */
function watchBuild(dir: string): ChildProcess {
  const child = spawn('npm', ['run', 'build', '--', '--watch'], {
    cwd: dir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('error', (error) =>
    process.stderr.write(`nocoflo dev: the build watcher failed: ${error.message}\n`),
  );
  return child;
}

/** Registers `nocoflo dev` on the program. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'develop a plugin: serve it on the demo database from its folder, rebuild on change (its build script with --watch) and reload it without restarting',
    )
    .argument('[dir]', "the plugin's folder", '.')
    .option('-p, --port <n>', 'port to listen on (0: any free port)', process.env.PORT ?? '3000')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--no-build', "do not run the plugin's build script (something else builds it)")
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
      if (build) buildOnce(dir);
      const root = devRoot(dir, manifest.name);
      let builder: ChildProcess | undefined;
      // The build watcher starts once the host watches the plugin: its first build (tsup
      // cleans dist/ and writes it again) then reloads the plugin instead of racing its load.
      const ready = serve([], {
        port: options.port,
        host: options.host,
        demo: true,
        root,
        pluginsDir: ['plugins'],
        watch: true,
        ...(options.verbose ? { verbose: true } : {}),
      }).then((stop) => {
        if (build) builder = watchBuild(dir);
        return stop;
      });
      await runUntilSignal(ready, () => builder?.kill('SIGTERM'));
    });
}
