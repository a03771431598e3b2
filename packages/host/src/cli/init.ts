/**
 * `nocoflo plugin init <dir> --kind view|datasource`: writes a ready plugin package
 * (package.json with the keyword and manifest, src, a test that runs the conformance
 * suite, build and test config) from the templates shipped in `templates/`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Errors, NocofloError } from '@nocoflo/sdk';
import type { Command } from 'commander';
import { HOST_VERSION } from '../version.js';

/** The kinds of plugin `plugin init` can write. */
export const PLUGIN_KINDS = ['view', 'datasource'] as const;

/** A kind of plugin `plugin init` can write. */
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** Options of {@link initPlugin}. */
export interface InitPluginOptions {
  /** Folder to create; it must not exist or be empty. */
  dir: string;
  /** What the plugin contributes. */
  kind: PluginKind;
  /** npm package name. Default: the folder's name. */
  name?: string;
  /** URL scheme of a datasource plugin. Default: derived from the name. */
  scheme?: string;
}

/** What {@link initPlugin} wrote. */
export interface InitPluginResult {
  /** Absolute folder of the new package. */
  dir: string;
  /** Package name. */
  name: string;
  /** Files written, relative to `dir`, sorted. */
  files: string[];
}

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

function refuse(dir: string, reason: string, hint: string): never {
  throw NocofloError.create(Errors.ScaffoldRefused, [dir, reason, hint]);
}

/** The `templates/` folder of this package: next to `src/` and `dist/`. */
function templatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('the @nocoflo/host templates folder is missing from this install');
    dir = parent;
  }
}

/** The version of `@nocoflo/sdk` this host runs with: the range new plugins depend on. */
function sdkVersion(): string {
  const manifest = createRequire(import.meta.url).resolve('@nocoflo/sdk/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** A short identifier from a package name: `@acme/nocoflo-mysql-datasource` → `mysql`. */
function slugOf(name: string, kind: PluginKind): string {
  const bare = name.replace(/^@[^/]+\//, '');
  const slug = bare
    .replace(/^nocoflo-(plugin-)?/, '')
    .replace(new RegExp(`-${kind}$`), '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || kind;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listFiles(dir, path)));
    else files.push(path);
  }
  return files;
}

/**
 * Where a template file goes: `.tmpl` is dropped (those files have placeholders), and
 * `gitignore` becomes `.gitignore` (npm leaves dot-gitignore files out of tarballs).
 */
function targetPath(file: string): string {
  const path = file.replace(/\.tmpl$/, '');
  return path === 'gitignore' ? '.gitignore' : path;
}

/**
 * Writes a new plugin package. Checks everything before writing anything, so a refusal
 * leaves the file system as it was.
 */
export async function initPlugin(options: InitPluginOptions): Promise<InitPluginResult> {
  const dir = resolve(options.dir);
  if (!(PLUGIN_KINDS as readonly string[]).includes(options.kind)) {
    refuse(dir, `"${options.kind}" is not a plugin kind`, `Use --kind ${PLUGIN_KINDS.join(' or --kind ')}.`);
  }
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    refuse(dir, 'the folder exists and is not empty', 'Pick a new folder name, or empty the folder first.');
  }
  const name = options.name ?? basename(dir);
  if (!NPM_NAME.test(name) || name.length > 214) {
    refuse(
      dir,
      `"${name}" is not a valid npm package name`,
      'Pass --name with lowercase letters, digits and dashes, e.g. --name nocoflo-cards-view or --name @acme/nocoflo-cards-view.',
    );
  }
  const slug = slugOf(name, options.kind);
  const scheme = options.scheme ?? slug;
  if (options.kind === 'datasource' && !/^[a-z][a-z0-9+.-]*$/.test(scheme)) {
    refuse(
      dir,
      `"${scheme}" is not a URL scheme`,
      'Pass --scheme with lowercase letters and digits, e.g. --scheme mydb.',
    );
  }
  const version = HOST_VERSION;
  const values: Record<string, string> = {
    name,
    slug,
    scheme,
    // Plugins built against a 0.x host admit that minor line only, as semver's caret does.
    hostRange: `^${version}`,
    sdkRange: `^${sdkVersion()}`,
    // The testing kit is released with the host it embeds.
    testingRange: `^${version}`,
    hostVersion: version,
  };
  const render = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);

  const templates = templatesDir();
  const sources = [
    ...(await listFiles(join(templates, 'common'))).map((f) => ({
      from: join(templates, 'common', f),
      to: f,
    })),
    ...(await listFiles(join(templates, options.kind))).map((f) => ({
      from: join(templates, options.kind, f),
      to: f,
    })),
  ];
  const written: string[] = [];
  for (const { from, to } of sources) {
    const target = join(dir, targetPath(to));
    await mkdir(dirname(target), { recursive: true });
    const text = await readFile(from, 'utf8');
    await writeFile(target, from.endsWith('.tmpl') ? render(text) : text);
    written.push(relative(dir, target));
  }
  return { dir, name, files: written.sort() };
}

/** Registers `nocoflo plugin init <dir> --kind view|datasource` on the program. */
export function registerInitCommand(program: Command): void {
  const plugin = program.commands.find((c) => c.name() === 'plugin') ?? program.command('plugin');
  plugin.description('write new plugins');
  plugin
    .command('init')
    .description('write a ready plugin package: manifest, source, a conformance test, build config')
    .argument('<dir>', 'folder to create (must not exist or be empty)')
    .requiredOption('--kind <kind>', `what the plugin contributes: ${PLUGIN_KINDS.join(' or ')}`)
    .option('--name <name>', 'npm package name (default: the folder name)')
    .option('--scheme <scheme>', 'URL scheme of a datasource plugin (default: from the name)')
    .action(async (dir: string, opts: { kind: string; name?: string; scheme?: string }) => {
      let result: InitPluginResult;
      try {
        result = await initPlugin({
          dir,
          kind: opts.kind as PluginKind,
          ...(opts.name ? { name: opts.name } : {}),
          ...(opts.scheme ? { scheme: opts.scheme } : {}),
        });
      } catch (error) {
        if (!(error instanceof NocofloError)) throw error;
        process.stderr.write(`${error.message}\n${error.hint}\n`);
        process.exitCode = 1;
        return;
      }
      const where = relative(process.cwd(), result.dir) || '.';
      process.stdout.write(
        `Wrote ${result.name} (${opts.kind} plugin) in ${where}:\n` +
          result.files.map((f) => `  ${f}\n`).join('') +
          `\nNext:\n  cd ${where}\n  npm install\n  npm run build && npm test\n`,
      );
    });
}
