/**
 * A plugin's data namespace as the host holds it: the plugin's own SQLite file, or its own
 * PostgreSQL schema reached over connections that log in as its own role. Plugin SQL
 * (migrations and `ctx.database` queries) runs here and nowhere else.
 */
import type { PluginQueryResult, PluginStatement, SqlValue } from '@nocoflo/sdk';
import type { MetadataDialect } from '../store/metadata.js';

/** A migration as a namespace runs it. */
export interface NamespaceMigration {
  /** Migration id, e.g. `0002_add_index`. */
  id: string;
  /** File it came from (relative to the plugin folder), for messages. */
  file: string;
  /** Its SQL (several statements). */
  sql: string;
}

/** What {@link PluginNamespace.migrate} did. */
export type NamespaceMigrateOutcome = 'applied' | 'already-applied';

/** A plugin's namespace, host side. */
export interface PluginNamespace {
  /** Plugin it belongs to. */
  readonly plugin: string;
  /** SQL dialect. */
  readonly dialect: MetadataDialect;
  /** Where it lives, for messages: `file <path>` or `schema <name>`. */
  readonly location: string;
  /** Runs one statement. */
  query(sql: string, params?: readonly SqlValue[]): Promise<PluginQueryResult>;
  /** Runs statements in one transaction. */
  transaction(statements: readonly PluginStatement[]): Promise<PluginQueryResult[]>;
  /**
   * Runs a migration's SQL in one transaction that also moves the namespace's migration
   * mark to it; answers `already-applied` (running nothing) when the mark shows it committed
   * before (a host killed between this commit and the host's record of it).
   */
  migrate(migration: NamespaceMigration): Promise<NamespaceMigrateOutcome>;
  /** Closes its connections. Idempotent; a later call reopens nothing (it throws). */
  close(): Promise<void>;
}

/** Where a plugin's namespace lives on disk (SQLite) and what it is called. */
export interface NamespaceOptions {
  /** The plugin's data folder (`ctx.dataDir`): a SQLite namespace is a file in it. */
  dataDir: string;
}

/** The number of a migration id (`0003_x` → 3). */
export function migrationNumber(id: string): number {
  return Number.parseInt(id.slice(0, 4), 10);
}
