/**
 * Imports a plugin's code afresh, every relative module included.
 *
 * Node caches ES modules by URL forever. A fresh query on the entry URL re-evaluates the
 * entry, but its relative imports (`./chunk.js`) would still come from the cache, so a
 * reload would mix new and old code. A resolve hook (registered once per process with
 * `module.register`) carries the entry's `nocoflo-load` number onto every relative import
 * made below it, so a reload re-evaluates the plugin's whole module graph. Bare imports
 * (the SDK, npm dependencies) keep their cached copy.
 *
 * The hook runs on Node's loader thread, and every import afterwards pays a round trip to
 * it. A plugin's first load cannot be stale, so the hook is only registered the first
 * time an entry is imported again (a reload, or a second host in the same process):
 * starting a host costs no hook at all.
 */
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const HOOKS = `
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  const parent = context.parentURL;
  if (parent && (specifier.startsWith('./') || specifier.startsWith('../')) && result.url.startsWith('file:')) {
    const load = /[?&]nocoflo-load=(\\d+)/.exec(parent);
    if (load && !/[?&]nocoflo-load=/.test(result.url)) {
      return { ...result, url: result.url + (result.url.includes('?') ? '&' : '?') + 'nocoflo-load=' + load[1] };
    }
  }
  return result;
}
`;

let registered = false;
let loadCounter = 0;
const importedEntries = new Set<string>();

// The import runs in Node's own loader even when this file was bundled or transformed
// (as by vitest), so plugins load exactly as they do in production. The shim sits next to
// this file in src/ and next to the bundle in dist/ (copied by tsup.config.ts).
const nativeImport = createRequire(import.meta.url)('./native-import.cjs') as (
  url: string,
) => Promise<unknown>;

/** Imports `file` with a new load number, so it and its relative imports are evaluated again. */
export async function importFresh(file: string): Promise<unknown> {
  if (!importedEntries.has(file)) importedEntries.add(file);
  else if (!registered) {
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
    registered = true;
  }
  loadCounter += 1;
  return nativeImport(`${pathToFileURL(file).href}?nocoflo-load=${loadCounter}`);
}
