/**
 * The manifest module of the SDK's isolated build (`dist/isolated.js`: `index.ts` built with
 * this module in place of `schema.ts`, see `isolated-build.ts`): the same exports as
 * `schema.ts`, but zod and semver load, and the schemas are built, on first use. An isolated
 * plugin's worker imports the SDK for `definePlugin`, `html` and the errors, and never
 * validates a manifest (the host did, before any plugin code ran): without this, every
 * worker would evaluate zod's ~100 ES modules at boot for nothing.
 *
 * First use needs the schemas synchronously, so they load through `require`: zod's CommonJS
 * build, a second copy beside any ES-module zod the plugin imports. zod checks `instanceof`
 * by traits and keeps its registry on `globalThis`, so the two copies work together.
 */
import type { z } from 'zod';
import { lazyObject } from '../lazy-object.js';
import { loadCommonJs } from '../load-commonjs.js';
import { buildManifestSchemas, type ManifestSchemas, type SemverChecks } from './build-schemas.js';
import { MANIFEST_JSON_SCHEMA_OPTIONS } from './issues.js';

export { formatIssues, PLUGIN_KEYWORD } from './issues.js';

let built: ManifestSchemas | undefined;

function zod(): typeof z {
  return (loadCommonJs('zod') as { z: typeof z }).z;
}

function schemas(): ManifestSchemas {
  if (!built) {
    const semver: SemverChecks = {
      valid: loadCommonJs('semver/functions/valid.js') as SemverChecks['valid'],
      validRange: loadCommonJs('semver/ranges/valid.js') as SemverChecks['validRange'],
    };
    built = buildManifestSchemas(zod(), semver);
  }
  return built;
}

/** See `schema.ts`: what a plugin contributes, as declared in its manifest. */
export const contributionKindSchema: ManifestSchemas['contributionKindSchema'] = lazyObject(
  () => schemas().contributionKindSchema,
);
/** See `schema.ts`: the `permissions` field of a manifest. */
export const pluginPermissionsSchema: ManifestSchemas['pluginPermissionsSchema'] = lazyObject(
  () => schemas().pluginPermissionsSchema,
);
/** See `schema.ts`: the `nocoflo` field of a plugin's package.json. */
export const pluginManifestSchema: ManifestSchemas['pluginManifestSchema'] = lazyObject(
  () => schemas().pluginManifestSchema,
);
/** See `schema.ts`: the parts of a plugin's package.json that discovery reads. */
export const pluginPackageJsonSchema: ManifestSchemas['pluginPackageJsonSchema'] = lazyObject(
  () => schemas().pluginPackageJsonSchema,
);

/** See `schema.ts`: the JSON Schema of the manifest. */
export function manifestJsonSchema(): Record<string, unknown> {
  return zod().toJSONSchema(schemas().pluginManifestSchema, MANIFEST_JSON_SCHEMA_OPTIONS) as Record<
    string,
    unknown
  >;
}

export type { PluginManifest, PluginManifestInput, PluginPackageJson, PluginPermissions } from './schema.js';
