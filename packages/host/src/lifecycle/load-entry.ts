/**
 * Loads a plugin's entry module, after its manifest was validated. Each load evaluates the
 * plugin's code afresh (see fresh-import.ts), so a reload picks up code changed on disk.
 *
 * Node never evicts an ES module: every reload keeps the old copy in memory. The host
 * benchmarks measure that cost per reload.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Errors, errorMessage, isPlugin, NocofloError, type NocofloPlugin } from '@nocoflo/sdk';
import { packagePathEscape } from '../discovery/manifest-paths.js';
import { describeExport } from './describe-export.js';
import { importFresh } from './fresh-import.js';

/** Imports the entry and returns its default export, or throws the catalog error that says why not. */
export async function loadEntry(plugin: string, dir: string, entry: string): Promise<NocofloPlugin> {
  // Checked again at the moment of import: the files may have changed since discovery.
  const leak = packagePathEscape(dir, entry);
  if (leak) {
    throw NocofloError.create(Errors.ManifestInvalid, [
      plugin,
      `nocoflo.entry: ${JSON.stringify(entry)} ${leak}`,
    ]);
  }
  const entryPath = resolve(dir, entry);
  if (!existsSync(entryPath)) throw NocofloError.create(Errors.EntryNotFound, [plugin, entryPath]);
  let module: { default?: unknown };
  try {
    module = (await importFresh(entryPath)) as { default?: unknown };
  } catch (error) {
    throw NocofloError.create(Errors.EntryLoadFailed, [plugin, entryPath, errorMessage(error)], {
      cause: error,
    });
  }
  if (!isPlugin(module.default)) {
    throw NocofloError.create(Errors.EntryNotPlugin, [plugin, entryPath, describeExport(module.default)]);
  }
  return module.default;
}
