/**
 * Builds the zod schemas of a plugin's package.json from a zod and the two semver checks it is
 * handed. One definition, two ways to load it: `schema.ts` builds them at import with zod's ES
 * module (the host, inline plugins); `schema-lazy.ts` builds them on first use, so an isolated
 * plugin's worker, which never validates a manifest, does not evaluate zod's ~100 modules.
 */
import type { z as zod } from 'zod';
import { packagePathMessage, packagePathProblem } from './package-path.js';

/** The two semver checks the schemas need (semver's `valid` and `validRange`). */
export interface SemverChecks {
  /** The version, cleaned, or null when it is not one. */
  valid(version: string): string | null;
  /** The range, normalised, or null when it is not one. */
  validRange(range: string): string | null;
}

/** Builds the manifest schemas with the given zod and semver checks. */
export function buildManifestSchemas(z: typeof zod, semver: SemverChecks) {
  const contributionKindSchema = z
    .enum(['view', 'datasource', 'hooks', 'routes', 'service'])
    .describe('A kind of contribution the plugin makes.');

  const semverRange = z
    .string()
    .min(1)
    .refine((value) => semver.validRange(value) !== null, {
      message: 'is not a valid semver range (e.g. "^0.1.0", ">=1.2 <2")',
    });

  // A path inside the package, relative to package.json: no `..`, not absolute, no drive, no URL.
  const packagePath = z
    .string()
    .min(1)
    .superRefine((value, ctx) => {
      const problem = packagePathProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: packagePathMessage(problem) });
    });

  const packageName = z
    .string()
    .regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i, { message: 'is not a valid npm package name' });

  const pluginPermissionsSchema = z
    .strictObject({
      /** Whether it loads native addons (`.node` files); needed at the `process` level for e.g. better-sqlite3. */
      addons: z.boolean().default(false).describe('Whether the plugin loads native addons (.node files).'),
      /** Extra absolute paths it reads at the `process` level (its package folder and data folder are always readable). */
      fsRead: z
        .array(
          z.string().refine((value) => value.startsWith('/') || /^[a-z]:[\\/]/i.test(value), {
            message: 'must be an absolute path',
          }),
        )
        .default([])
        .describe('Extra absolute paths the plugin reads at the process level.'),
      /** Names of the environment variables it may see. */
      env: z
        .array(
          z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'is not an environment variable name' }),
        )
        .default([])
        .describe('Names of the environment variables the plugin may see.'),
    })
    .describe('What the plugin needs from the operator when it runs isolated.');

  const pluginManifestSchema = z
    .strictObject({
      /** Path of the ES module whose default export is `definePlugin({...})`, relative to package.json. */
      entry: packagePath.describe(
        'Path of the ES module whose default export is definePlugin({...}), relative to package.json.',
      ),
      /** Semver range of `@nocoflo/host` versions this plugin works with, e.g. `^0.1.0`. */
      host: semverRange.describe(
        'Semver range of @nocoflo/host versions this plugin works with, e.g. "^0.1.0".',
      ),
      /** What the plugin contributes; informational, shown by `nocoflo plugins list`. */
      provides: z
        .array(contributionKindSchema)
        .default([])
        .describe('What the plugin contributes; informational, shown by `nocoflo plugins list`.'),
      /** Other nocoflo plugins this one needs, by package name, with a semver range each. */
      dependencies: z
        .record(packageName, semverRange)
        .default({})
        .describe('Other nocoflo plugins this one needs, by package name, with a semver range each.'),
      /** Human-friendly name for the admin page. */
      displayName: z.string().min(1).max(80).optional().describe('Human-friendly name for the admin page.'),
      /** Folder of SQL migrations applied to the metadata store before setup (default `./migrations`). */
      migrations: packagePath
        .optional()
        .describe(
          'Folder of SQL migrations applied to the metadata store before setup (default "./migrations").',
        ),
      /** What the plugin needs when it runs isolated: native addons, extra readable paths, environment variables. */
      permissions: pluginPermissionsSchema.optional(),
    })
    .describe('The nocoflo plugin manifest: the "nocoflo" field of a plugin package.json.');

  const pluginPackageJsonSchema = z.looseObject({
    /** The npm package name: the plugin's name. */
    name: packageName,
    /** The package version: the plugin's version. */
    version: z
      .string()
      .refine((value) => semver.valid(value) !== null, { message: 'is not a valid semver version' }),
    /** One line about the plugin, shown by the admin page. */
    description: z.string().optional(),
    /** npm keywords; a plugin's include `nocoflo-plugin`. */
    keywords: z.array(z.string()).optional(),
    /** The plugin manifest. */
    nocoflo: pluginManifestSchema,
  });

  return { contributionKindSchema, pluginPermissionsSchema, pluginManifestSchema, pluginPackageJsonSchema };
}

/** The schemas {@link buildManifestSchemas} returns. */
export type ManifestSchemas = ReturnType<typeof buildManifestSchemas>;
