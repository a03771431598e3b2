/**
 * What the commands that work on a host's metadata store share: where the store is (`--root`,
 * `--data-dir`, `--store` or `NOCOFLO_STORE`) and how they report a failure.
 */
import { resolve } from 'node:path';
import { errorMessage, isNocofloError } from '@nocoflo/sdk';
import type { Command } from 'commander';
import { defaultMetadataStorePath } from '../store/open.js';

/** The options {@link storeOptions} adds. */
export interface StoreOptions {
  root: string;
  dataDir?: string;
  store?: string;
  json?: boolean;
}

/** Adds `--root`, `--data-dir`, `--store` and `--json` to a command. */
export function storeOptions(command: Command): Command {
  return command
    .option('--root <dir>', 'app folder', process.cwd())
    .option('--data-dir <dir>', 'data folder (default <root>/.nocoflo)')
    .option(
      '--store <url>',
      'metadata store: SQLite file or postgres:// URL (default <data-dir>/metadata.db)',
    )
    .option('--json', 'print JSON for scripts');
}

/** The data folder the options name (`<root>/.nocoflo` by default). */
export function dataDirOf(options: Pick<StoreOptions, 'root' | 'dataDir'>): string {
  return resolve(resolve(options.root), options.dataDir ?? '.nocoflo');
}

/** The store to open: `--store`, else `NOCOFLO_STORE`, else the SQLite file in the data folder. */
export function storeUrlOf(options: Pick<StoreOptions, 'store'>, dataDir: string): string {
  return options.store ?? process.env.NOCOFLO_STORE ?? defaultMetadataStorePath(dataDir);
}

/** Prints a command's failure (with its code and hint when it has them) and sets exit code 1. */
export function reportCommandError(error: unknown): void {
  process.stderr.write(
    isNocofloError(error)
      ? `error ${error.code}: ${error.message}\n  hint: ${error.hint}\n`
      : `error: ${errorMessage(error)}\n`,
  );
  process.exitCode = 1;
}
