/**
 * The zod schemas of a plugin's package.json: the `nocoflo` field (the manifest) and the
 * few standard fields discovery reads. Discovery validates these before any plugin code
 * runs; `manifest.schema.json` is generated from them for editor completion.
 */
// semver's two checks from their own modules: its index loads all 48 of them.
import valid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { z } from 'zod';
import { buildManifestSchemas } from './build-schemas.js';
import { MANIFEST_JSON_SCHEMA_OPTIONS } from './issues.js';

export { formatIssues, PLUGIN_KEYWORD } from './issues.js';

const schemas = buildManifestSchemas(z, { valid: (v) => valid(v), validRange: (r) => validRange(r) });

/** What a plugin contributes, as declared in its manifest. */
export const contributionKindSchema = schemas.contributionKindSchema;

/**
 * What an isolated plugin asks the operator for (the `permissions` field of its manifest). A
 * plugin asking for nothing gets nothing: at the `process` level it reads only its own
 * package folder and its data folder, and at every isolated level its environment holds
 * only the variables listed here.
 */
export const pluginPermissionsSchema = schemas.pluginPermissionsSchema;

/** A plugin's validated permissions (defaults applied). */
export type PluginPermissions = z.output<typeof pluginPermissionsSchema>;

/** The zod schema of the `nocoflo` field of a plugin's package.json. */
export const pluginManifestSchema = schemas.pluginManifestSchema;

/** A validated plugin manifest (defaults applied). */
export type PluginManifest = z.output<typeof pluginManifestSchema>;
/** A plugin manifest as written in package.json (before defaults). */
export type PluginManifestInput = z.input<typeof pluginManifestSchema>;

/** The zod schema of the parts of a plugin's package.json that discovery reads. */
export const pluginPackageJsonSchema = schemas.pluginPackageJsonSchema;

/** A validated plugin package.json. */
export type PluginPackageJson = z.output<typeof pluginPackageJsonSchema>;

/** The JSON Schema of the manifest, for editors; `manifest.schema.json` is this, written to disk. */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pluginManifestSchema, MANIFEST_JSON_SCHEMA_OPTIONS) as Record<string, unknown>;
}
