/**
 * Finds a plugin's SQL migrations on disk: `NNNN_name.sql`, with optional per-dialect
 * variants `NNNN_name.sqlite.sql` / `NNNN_name.postgres.sql` that replace the plain file
 * for that dialect.
 */
import { createHash } from 'node:crypto';
import { type Stats, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Errors, NocofloError, packagePathProblem } from '@nocoflo/sdk';
import { packagePathEscape } from '../discovery/manifest-paths.js';
import type { MetadataDialect, PendingMigration } from '../store/metadata.js';

const MIGRATION_FILE = /^(\d{4})_([A-Za-z0-9][A-Za-z0-9_-]*?)(?:\.(sqlite|postgres))?\.sql$/;

/** A plugin folder and where its migrations live. */
export interface MigrationSource {
  /** Plugin name (for messages). */
  name: string;
  /** Plugin folder (holding package.json). */
  path: string;
  /** Migrations folder relative to `path`, from the manifest. Default `./migrations`. */
  migrations?: string | undefined;
}

/**
 * The plugin's migrations for `dialect`, in id order, each with its SQL and sha256.
 * A migration that only has a variant for another dialect is left out.
 *
 * @throws NocofloError `NCF_MIGRATION_INVALID` for a badly named `.sql` file, two names
 * for one number, or a folder outside the plugin.
 */
export async function readPluginMigrations(
  source: MigrationSource,
  dialect: MetadataDialect,
): Promise<PendingMigration[]> {
  const folder = resolve(source.path, source.migrations ?? 'migrations');
  const rel = relative(resolve(source.path), folder);
  // Synchronous: most plugins have no migrations, and this runs on every load and reload.
  let found: Stats | undefined;
  try {
    // No exception for the common case of no folder (an ENOENT error is built with a stack
    // trace, on every reload of a plugin without migrations).
    found = statSync(folder, { throwIfNoEntry: false });
  } catch {}
  // A path that does not exist is judged lexically only, as packagePathEscape judges it, so
  // a plugin without migrations costs no realpath calls.
  const leak = found
    ? packagePathEscape(source.path, source.migrations ?? 'migrations')
    : packagePathProblem(source.migrations ?? 'migrations');
  if (rel.startsWith('..') || isAbsolute(rel) || leak) {
    throw NocofloError.create(Errors.MigrationInvalid, [
      source.name,
      `the migrations folder ${JSON.stringify(source.migrations ?? 'migrations')} is outside the plugin folder${leak ? ` (it ${leak})` : ''}`,
    ]);
  }
  if (!found?.isDirectory()) {
    if (source.migrations === undefined) return [];
    throw NocofloError.create(Errors.MigrationInvalid, [
      source.name,
      `the migrations folder ${JSON.stringify(source.migrations)} named in its manifest does not exist`,
    ]);
  }

  const byNumber = new Map<string, { name: string; files: Map<string, string> }>();
  for (const entry of (await readdir(folder)).sort()) {
    if (!entry.endsWith('.sql')) continue;
    const match = MIGRATION_FILE.exec(entry);
    if (!match) {
      throw NocofloError.create(Errors.MigrationInvalid, [
        source.name,
        `${entry} is not named NNNN_name.sql (four digits, an underscore, a name)`,
      ]);
    }
    const [, number, name, variant] = match as unknown as [string, string, string, string | undefined];
    const group = byNumber.get(number) ?? { name, files: new Map<string, string>() };
    if (group.name !== name) {
      throw NocofloError.create(Errors.MigrationInvalid, [
        source.name,
        `migration number ${number} is used by two names (${number}_${group.name} and ${number}_${name})`,
      ]);
    }
    group.files.set(variant ?? 'any', entry);
    byNumber.set(number, group);
  }

  const pending: PendingMigration[] = [];
  for (const number of [...byNumber.keys()].sort()) {
    const group = byNumber.get(number)!;
    const file = group.files.get(dialect) ?? group.files.get('any');
    if (file === undefined) continue;
    // A migration file that is a symlink out of the package would run someone else's SQL.
    const fileEscape = packagePathEscape(source.path, relative(source.path, join(folder, file)));
    if (fileEscape) {
      throw NocofloError.create(Errors.MigrationInvalid, [source.name, `${file} ${fileEscape}`]);
    }
    const bytes = await readFile(join(folder, file));
    pending.push({
      id: `${number}_${group.name}`,
      file: relative(source.path, join(folder, file)).split('\\').join('/'),
      checksum: createHash('sha256').update(bytes).digest('hex'),
      sql: bytes.toString('utf8'),
    });
  }
  return pending;
}
