/**
 * Writes a new plugin package (package.json with the keyword and manifest, source, a test
 * that runs the conformance suite, build, test and dev scripts) from the templates shipped
 * in this package's `templates/` folder.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Errors, NocofloError } from '@nocoflo/sdk';
import { NOCOFLO_VERSIONS } from './versions.js';

/** The kinds of plugin the scaffolder writes. */
export const PLUGIN_KINDS = ['view', 'datasource'] as const;

/** A kind of plugin the scaffolder writes. */
export type PluginKind = (typeof PLUGIN_KINDS)[number];

/** Options of {@link scaffoldPlugin}. */
export interface ScaffoldOptions {
  /** Folder to create; it must not exist or be empty. */
  dir: string;
  /** What the plugin contributes. */
  kind: PluginKind;
  /** npm package name. Default: the folder's name. */
  name?: string;
  /** One line for package.json and the README. Default: a sentence naming the kind. */
  description?: string;
  /** URL scheme of a datasource plugin. Default: derived from the name. */
  scheme?: string;
}

/** What {@link scaffoldPlugin} wrote. */
export interface ScaffoldResult {
  /** Absolute folder of the new package. */
  dir: string;
  /** Package name. */
  name: string;
  /** The view's name or the datasource's URL scheme. */
  slug: string;
  /** Files written, relative to `dir`, sorted, with `/` separators. */
  files: string[];
}

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;

function refuse(dir: string, reason: string, hint: string): never {
  throw NocofloError.create(Errors.ScaffoldRefused, [dir, reason, hint]);
}

/** The `templates/` folder of this package: next to `src/` and `dist/`. */
function templatesDir(): string {
  return fileURLToPath(new URL('../templates', import.meta.url));
}

/** A short identifier from a package name: `@acme/nocoflo-mysql-datasource` → `mysql`. */
export function slugOf(name: string, kind: PluginKind): string {
  const bare = name.replace(/^@[^/]+\//, '');
  const slug = bare
    .replace(/^(create-)?nocoflo-(plugin-)?/, '')
    .replace(new RegExp(`-${kind}$`), '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z]/.test(slug) ? slug : `${kind}-${slug}`.replace(/-+$/, '');
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

/** Checks the options; returns the values the templates are filled with. */
function checkOptions(dir: string, options: ScaffoldOptions): Record<string, string> {
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
  const slug =
    options.kind === 'datasource' ? (options.scheme ?? slugOf(name, 'datasource')) : slugOf(name, 'view');
  if (options.kind === 'datasource' && !/^[a-z][a-z0-9+.-]*$/.test(slug)) {
    refuse(
      dir,
      `"${slug}" is not a URL scheme`,
      'Pass --scheme with lowercase letters and digits, e.g. --scheme mydb.',
    );
  }
  const description =
    options.description?.trim() ||
    (options.kind === 'view' ? 'A nocoflo view plugin.' : `A nocoflo datasource plugin for ${slug}: URLs.`);
  if (/[\r\n]/.test(description)) {
    refuse(dir, 'the description has a line break', 'Pass a one-line --description.');
  }
  return {
    name,
    slug,
    scheme: slug,
    // JSON-escaped once, for package.json; the README takes it as written.
    descriptionJson: JSON.stringify(description).slice(1, -1),
    description,
    // Plugins built against a 0.x host admit that minor line only, as semver's caret does.
    hostRange: `^${NOCOFLO_VERSIONS.host}`,
    sdkRange: `^${NOCOFLO_VERSIONS.sdk}`,
    testingRange: `^${NOCOFLO_VERSIONS.testing}`,
    sqliteRange: `^${NOCOFLO_VERSIONS.sqliteDatasource}`,
  };
}

/**
 * Writes a new plugin package. Checks everything before writing anything, so a refusal
 * leaves the file system as it was.
 *
 * @example
 * ```ts
 * import { scaffoldPlugin } from '@nocoflo/create-plugin';
 *
 * const result = await scaffoldPlugin({ dir: 'nocoflo-cards-view', kind: 'view' });
 * console.log(result.files); // ['.gitignore', 'README.md', 'assets/view.css', 'package.json', …]
 * ```
 */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const dir = resolve(options.dir);
  const values = checkOptions(dir, options);
  const render = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);

  const templates = templatesDir();
  const sources: { from: string; to: string }[] = [];
  for (const folder of ['common', options.kind]) {
    for (const file of await listFiles(join(templates, folder))) {
      sources.push({ from: join(templates, folder, file), to: targetPath(file) });
    }
  }
  const written: string[] = [];
  for (const { from, to } of sources) {
    const target = join(dir, to);
    await mkdir(dirname(target), { recursive: true });
    const text = await readFile(from, 'utf8');
    await writeFile(target, from.endsWith('.tmpl') ? render(text) : text);
    written.push(relative(dir, target).split('\\').join('/'));
  }
  return { dir, name: values.name ?? '', slug: values.slug ?? '', files: written.sort() };
}
