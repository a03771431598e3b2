/**
 * Manifest helpers that need no zod at run time, shared by the eager (`schema.ts`) and the
 * lazy (`schema-lazy.ts`) manifest modules.
 */
import type { z } from 'zod';

/** The keyword that marks an npm package as a nocoflo plugin. */
export const PLUGIN_KEYWORD = 'nocoflo-plugin';

/**
 * Formats zod issues as one line a person can act on: `entry: Required; host: is not a
 * valid semver range`.
 */
export function formatIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): string {
  return error.issues
    .map((issue) => {
      const path = [...prefix, ...issue.path].map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** The options the manifest's JSON Schema is written with. */
export const MANIFEST_JSON_SCHEMA_OPTIONS = { io: 'input', target: 'draft-7' } as const;
