/**
 * Imports a plugin's code afresh, every relative module included.
 *
 * Node caches ES modules by URL forever. A fresh query on the entry URL (`?nocoflo-load=N`)
 * re-evaluates the entry, but its relative imports (`./chunk.js`) would still come from the
 * cache, so a reload would mix new and old code. A resolve hook (registered once per
 * process with `module.register`) carries the entry's load number onto every relative
 * import made below it, so a reload re-evaluates the plugin's whole module graph. Bare
 * imports (the SDK, npm dependencies) keep their cached copy.
 *
 * The hook runs on Node's hooks thread, and once registered every import in the process
 * pays a round trip to it (Node 20 cannot unregister hooks): a reload cost ~15–80 ms
 * instead of ~1 ms, most of it waiting for that thread on a loaded machine. So the hook
 * is registered only when it is needed: when an entry imported before is imported again
 * and it imports files of its own (a relative static import, or a dynamic import whose
 * specifier is relative or computed; see {@link needsResolveHook}). A plugin of one file
 * (what `tsup` builds without code splitting) reloads through the query string alone, and
 * starting a host costs no hook at all.
 */
import { readFileSync } from 'node:fs';
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

/** es-module-lexer, once the first reload needed it (ready: its wasm initialised). */
let lexer: typeof import('es-module-lexer') | undefined;

const isRelative = (specifier: string) => specifier.startsWith('./') || specifier.startsWith('../');

/**
 * Whether re-importing the module whose source is `source` needs the resolve hook: it imports
 * a file of its own (a relative specifier, the only kind the hook rewrites), or it has a
 * dynamic import whose specifier is not a string literal (it may be relative), or it cannot
 * be lexed (then the hook is the safe choice). Strings that merely look like paths (a view's
 * `'./assets/view.css'`) do not count: only import syntax does.
 */
export async function needsResolveHook(source: string): Promise<boolean> {
  // Loaded on the first reload only: starting a host never lexes anything. Kept once loaded:
  // an import() of a cached module still costs a resolve and a few ticks on every reload.
  if (!lexer) {
    const module = await import('es-module-lexer');
    await module.init;
    lexer = module;
  }
  const { parse } = lexer;
  let imports: ReturnType<typeof parse>[0];
  try {
    [imports] = parse(source);
  } catch {
    return true;
  }
  for (const entry of imports) {
    if (entry.d === -2) continue; // import.meta
    if (entry.n === undefined) {
      if (entry.d >= 0) return true; // import(computed): cannot tell where it points
      continue;
    }
    if (isRelative(entry.n)) return true;
  }
  return false;
}

/** Imports `file` with a new load number, so it and its relative imports are evaluated again. */
export async function importFresh(file: string): Promise<unknown> {
  if (!importedEntries.has(file)) importedEntries.add(file);
  else if (!registered && (await needsResolveHook(readFileSync(file, 'utf8')))) {
    // Read just before Node reads it (synchronously: one small file, no thread-pool round
    // trip); if the entry changes in between, the change fires another reload (watch mode).
    register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
    registered = true;
  }
  loadCounter += 1;
  return nativeImport(`${pathToFileURL(file).href}?nocoflo-load=${loadCounter}`);
}
