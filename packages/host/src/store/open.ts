/**
 * Opens the metadata store a URL or path names: PostgreSQL for `postgres:` URLs, a SQLite
 * file otherwise.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@nocoflo/sdk';
import type { MetadataStore } from './metadata.js';
import { PostgresMetadataStore } from './postgres-store.js';
import { SqliteMetadataStore } from './sqlite-store.js';

/** Options of {@link openMetadataStore}. */
export interface OpenMetadataStoreOptions {
  /** Where warnings go (e.g. a lost LISTEN connection). */
  logger?: Logger;
  /** PostgreSQL schema (overrides `?schema=` in the URL). */
  schema?: string;
}

/** The default SQLite metadata store file in a data folder: `<dataDir>/metadata.db`. */
export function defaultMetadataStorePath(dataDir: string): string {
  return join(dataDir, 'metadata.db');
}

/**
 * Opens a metadata store.
 *
 * - `postgres://…` / `postgresql://…` (optionally `?schema=name`): a {@link PostgresMetadataStore}.
 * - `sqlite:relative/or/absolute.db`, `file:///abs.db`, or a plain path: a {@link SqliteMetadataStore}.
 *
 * @example
 * ```ts
 * import { createHost, defaultMetadataStorePath, openMetadataStore } from '@nocoflo/host';
 *
 * const store = await openMetadataStore(process.env.NOCOFLO_STORE ?? defaultMetadataStorePath('.nocoflo'));
 * const host = await createHost({ store });
 * await host.start();
 * ```
 * @throws NocofloError `NCF_METADATA_STORE_FAILED` when the store cannot be opened.
 */
export async function openMetadataStore(
  urlOrPath: string,
  options: OpenMetadataStoreOptions = {},
): Promise<MetadataStore> {
  if (/^postgres(ql)?:\/\//i.test(urlOrPath)) {
    return PostgresMetadataStore.open(urlOrPath, {
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.schema ? { schema: options.schema } : {}),
    });
  }
  let path = urlOrPath;
  if (/^file:/i.test(path)) path = fileURLToPath(path);
  else if (/^sqlite:/i.test(path)) path = path.replace(/^sqlite:(\/\/)?/i, '');
  return SqliteMetadataStore.open(path === ':memory:' ? path : resolve(path));
}
