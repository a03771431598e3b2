/**
 * Step two of discovery: read one plugin folder's package.json and validate it (keyword,
 * manifest schema, host range). Nothing of the plugin runs here.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  Errors,
  errorMessage,
  formatIssues,
  NocofloError,
  PLUGIN_KEYWORD,
  pluginPackageJsonSchema,
  type SerializedNocofloError,
} from '@nocoflo/sdk';
import satisfies from 'semver/functions/satisfies.js';
import { manifestPathEscapes } from './manifest-paths.js';
import type { Candidate, PluginLocation } from './types.js';

const reject = (location: PluginLocation, name: string, version: string, error: NocofloError): Candidate => ({
  ok: false,
  name,
  version,
  location,
  error: error.toJSON() as SerializedNocofloError,
  warnings: [],
});

/**
 * Reads and validates the plugin in `location`. Returns `undefined` for a package that is
 * not a plugin at all (no keyword), a rejected candidate for a plugin that cannot run
 * here, and a valid candidate otherwise.
 */
export function readCandidate(found: PluginLocation, hostVersion: string): Candidate | undefined {
  // The text is used once; the location kept on the record must not pin it (reload re-reads).
  const { packageJson, ...location } = found;
  const packageJsonPath = join(location.dir, 'package.json');
  const folderName = basename(location.dir);
  let raw: unknown;
  try {
    raw = JSON.parse(packageJson ?? readFileSync(packageJsonPath, 'utf8'));
  } catch (error) {
    return reject(
      location,
      folderName,
      '0.0.0',
      NocofloError.create(Errors.PackageJsonUnreadable, [packageJsonPath, errorMessage(error)]),
    );
  }
  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const keywords = Array.isArray(record.keywords) ? record.keywords : [];
  if (!keywords.includes(PLUGIN_KEYWORD)) return undefined;

  const name = typeof record.name === 'string' && record.name ? record.name : folderName;
  const version = typeof record.version === 'string' ? record.version : '0.0.0';
  if (record.nocoflo === undefined) {
    return reject(
      location,
      name,
      version,
      NocofloError.create(Errors.ManifestInvalid, [name, 'the field is missing']),
    );
  }
  const parsed = pluginPackageJsonSchema.safeParse(raw);
  if (!parsed.success) {
    return reject(
      location,
      name,
      version,
      NocofloError.create(Errors.ManifestInvalid, [name, formatIssues(parsed.error)]),
    );
  }
  const { nocoflo: manifest } = parsed.data;
  // The schema refused climbing paths; a symlink out of the package is the same escape.
  const escapes = manifestPathEscapes(location.dir, manifest);
  if (escapes.length > 0) {
    return reject(
      location,
      name,
      version,
      NocofloError.create(Errors.ManifestInvalid, [name, escapes.join('; ')]),
    );
  }
  if (!satisfies(hostVersion, manifest.host, { includePrerelease: true })) {
    return reject(
      location,
      name,
      version,
      NocofloError.create(Errors.HostRangeUnsatisfied, [name, manifest.host, hostVersion]),
    );
  }
  return {
    ok: true,
    name: parsed.data.name,
    version: parsed.data.version,
    ...(parsed.data.description ? { description: parsed.data.description } : {}),
    manifest,
    location,
    warnings: [],
  };
}
