/**
 * How tsup builds the SDK's isolated entry (`dist/isolated.js`, the `nocoflo-isolated` export
 * condition that isolated plugins' workers and processes resolve) from `src/index.ts`, so the
 * SDK has one export list. The isolated entry is `src/index.ts` loaded a second time, as its
 * own module, with {@link ISOLATED_SWAPS} applied to the imports it makes itself: the manifest
 * schemas come from `manifest/schema-lazy.ts` (zod and semver loaded on first use) instead of
 * `manifest/schema.ts`. Every other module is the main entry's own, so the two entries share
 * their chunks (one `NocofloError`, one `html`, next to `@nocoflo/sdk/sql` in the same realm).
 * Types come from `index.d.ts` for both.
 */
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

/** The imports of `src/index.ts` that the isolated entry takes from elsewhere (specifier → file). */
export const ISOLATED_SWAPS: Readonly<Record<string, string>> = {
  './manifest/schema.js': './manifest/schema-lazy.ts',
};

const NAMESPACE = 'nocoflo-isolated';

/**
 * An esbuild plugin that builds the entry named `entryName` from `source` with
 * {@link ISOLATED_SWAPS} applied. The tsup config lists the entry as `{ [entryName]: source }`
 * (tsup wants a file that exists); the plugin then loads it under its own namespace, so that
 * it is a module of its own beside the main entry made from the same file. A swap the source no
 * longer imports fails the build rather than quietly shipping the eager schemas.
 */
export function isolatedEntry(entryName: string, source: string): EsbuildPlugin {
  return {
    name: 'nocoflo-isolated-entry',
    setup(build) {
      const entries = build.initialOptions.entryPoints;
      if (!entries || Array.isArray(entries) || !(entryName in entries)) {
        throw new Error(`isolatedEntry: the build has no entry named "${entryName}"`);
      }
      (entries as Record<string, string>)[entryName] = `${NAMESPACE}:${relative(process.cwd(), source)}`;

      build.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, (args) =>
        args.kind === 'entry-point'
          ? { path: args.path.slice(NAMESPACE.length + 1), namespace: NAMESPACE }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => {
        const file = resolve(args.path);
        const contents = await readFile(file, 'utf8');
        const missing = Object.keys(ISOLATED_SWAPS).filter(
          (specifier) => !contents.includes(`'${specifier}'`),
        );
        if (missing.length > 0) {
          return {
            errors: [{ text: `isolatedEntry: ${args.path} no longer imports ${missing.join(', ')}` }],
          };
        }
        return { contents, loader: 'ts', resolveDir: dirname(file) };
      });
      // Only the entry's own imports are swapped (the namespace filter is the importer's).
      build.onResolve({ filter: /^\./, namespace: NAMESPACE }, (args) => {
        const swap = ISOLATED_SWAPS[args.path];
        return swap ? { path: resolve(args.resolveDir, swap) } : undefined;
      });
    },
  };
}
