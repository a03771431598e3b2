/**
 * Validates an unpacked plugin package before it may replace anything: package.json, the
 * `nocoflo` manifest, the host range, the plugin dependencies, the entry file and the
 * migration file names. No plugin code runs here.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  Errors,
  errorMessage,
  formatIssues,
  NocofloError,
  PLUGIN_KEYWORD,
  type PluginInfo,
  type PluginPackageJson,
  pluginPackageJsonSchema,
} from '@nocoflo/sdk';
import satisfies from 'semver/functions/satisfies.js';
import { manifestPathEscapes } from '../discovery/manifest-paths.js';
import { readPluginMigrations } from '../migrations/discover.js';

/** What the validated package is. */
export interface ValidatedPackage {
  /** Package name. */
  name: string;
  /** Package version. */
  version: string;
  /** The validated package.json. */
  packageJson: PluginPackageJson;
}

/** What the package is checked against. */
export interface ValidationContext {
  /** The running host's version (for the `host` range). */
  hostVersion: string;
  /** Plugins the host knows (for plugin dependencies). Omit to skip the dependency check. */
  plugins?: readonly PluginInfo[];
}

/**
 * Validates the plugin package in `folder`.
 *
 * @throws NocofloError `NCF_PACKAGE_JSON_UNREADABLE`, `NCF_MANIFEST_INVALID`,
 * `NCF_HOST_RANGE_UNSATISFIED`, `NCF_DEPENDENCY_MISSING`, `NCF_DEPENDENCY_VERSION`,
 * `NCF_ENTRY_NOT_FOUND` or `NCF_MIGRATION_INVALID`; `NCF_INSTALL_REJECTED` when a path the manifest
 * names (entry, migrations) leaves the package, lexically or through a symlink.
 */
export async function validatePluginPackage(
  folder: string,
  context: ValidationContext,
): Promise<ValidatedPackage> {
  const file = join(folder, 'package.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw NocofloError.create(Errors.PackageJsonUnreadable, [file, errorMessage(error)], { cause: error });
  }
  const name =
    typeof raw === 'object' && raw !== null && typeof (raw as { name?: unknown }).name === 'string'
      ? (raw as { name: string }).name
      : '(unnamed package)';
  const keywords = (raw as { keywords?: unknown }).keywords;
  if (!Array.isArray(keywords) || !keywords.includes(PLUGIN_KEYWORD)) {
    throw NocofloError.create(Errors.ManifestInvalid, [name, `keywords must include "${PLUGIN_KEYWORD}"`]);
  }
  // A path that leaves the package is an attack, not a typo: refused as such, before anything else.
  const named = (raw as { nocoflo?: { entry?: unknown; migrations?: unknown } }).nocoflo;
  const escapes = manifestPathEscapes(folder, {
    entry: typeof named?.entry === 'string' ? named.entry : '.',
    migrations: typeof named?.migrations === 'string' ? named.migrations : undefined,
  });
  if (escapes.length > 0) {
    throw NocofloError.create(
      Errors.InstallRejected,
      [name, `its manifest names a path outside the package (${escapes.join('; ')})`],
      {
        details: { plugin: name, paths: escapes },
      },
    );
  }
  const parsed = pluginPackageJsonSchema.safeParse(raw);
  if (!parsed.success) throw NocofloError.create(Errors.ManifestInvalid, [name, formatIssues(parsed.error)]);
  const packageJson = parsed.data;
  const manifest = packageJson.nocoflo;

  if (!satisfies(context.hostVersion, manifest.host, { includePrerelease: true })) {
    throw NocofloError.create(Errors.HostRangeUnsatisfied, [
      packageJson.name,
      manifest.host,
      context.hostVersion,
    ]);
  }

  if (context.plugins) {
    for (const [dependency, range] of Object.entries(manifest.dependencies)) {
      const found = context.plugins.find((p) => p.name === dependency);
      if (!found) throw NocofloError.create(Errors.DependencyMissing, [packageJson.name, dependency, range]);
      if (!satisfies(found.version, range, { includePrerelease: true })) {
        throw NocofloError.create(Errors.DependencyVersionMismatch, [
          packageJson.name,
          dependency,
          range,
          found.version,
        ]);
      }
    }
  }

  const entry = resolve(folder, manifest.entry);
  const isFile = await stat(entry).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!isFile) throw NocofloError.create(Errors.EntryNotFound, [packageJson.name, manifest.entry]);

  // Names only: a badly named migration would fail the plugin at its first start.
  await readPluginMigrations(
    { name: packageJson.name, path: folder, migrations: manifest.migrations },
    'sqlite',
  );

  return { name: packageJson.name, version: packageJson.version, packageJson };
}
