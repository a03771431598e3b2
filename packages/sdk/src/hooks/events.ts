/**
 * The arguments nocoflo's hooks are called with. They are plain, serialisable data (the
 * host passes frozen copies), so a tap can never change host state by mutating them, and
 * a plugin running in another thread would receive the same values.
 */

import type { Row, RowKey, TableSchema } from '../datasource/types.js';
import type { SerializedNocofloError } from '../errors/nocoflo-error.js';
import type { PluginState } from '../plugin/types.js';

/** A read the host is about to run or has run. */
export interface QueryEvent {
  /** Datasource URL (without credentials). */
  readonly datasource: string;
  /** Table read (absent for `listTables`). */
  readonly table?: string;
  /** Which read. */
  readonly operation: 'listTables' | 'describeTable' | 'readPage' | 'aggregate' | 'stream';
  /** The read's options (page options, aggregate query, …). */
  readonly options?: unknown;
}

/** How a read ended. */
export interface QueryOutcome {
  /** Wall time in milliseconds. */
  readonly durationMs: number;
  /** Rows returned, where that is known. */
  readonly rowCount?: number;
  /** The error, when the read failed. */
  readonly error?: SerializedNocofloError;
}

/** A write the host is about to run or has run. */
export interface WriteEvent {
  /** Datasource URL (without credentials). */
  readonly datasource: string;
  /** Table written. */
  readonly table: string;
  /** Which write. */
  readonly operation: 'insert' | 'update' | 'delete';
  /** Key of the row updated or deleted. */
  readonly key?: RowKey;
  /** Values inserted, or changes made by an update. */
  readonly values?: Row;
}

/** Returned by a `beforeWrite` tap to refuse a write. Nothing is changed and the caller sees the reason. */
export interface WriteVeto {
  /** Why, in words for the person who tried to write. */
  readonly reason: string;
  /** The vetoing plugin; filled in by the host. */
  readonly plugin?: string;
}

/** How a write ended. */
export interface WriteOutcome {
  /** Wall time in milliseconds. */
  readonly durationMs: number;
  /** The row as stored (insert, update). */
  readonly row?: Row;
  /** The error, when the write failed or was vetoed. */
  readonly error?: SerializedNocofloError;
}

/** A plugin moved from one lifecycle state to another. */
export interface PluginStateChange {
  /** Plugin name. */
  readonly plugin: string;
  /** State before. */
  readonly from: PluginState;
  /** State after. */
  readonly to: PluginState;
  /** The error, when `to` is `failed`. */
  readonly error?: SerializedNocofloError;
}

/** The host finished starting. */
export interface HostStartedEvent {
  /** Host version. */
  readonly hostVersion: string;
  /** Names of enabled plugins, in start order. */
  readonly enabled: readonly string[];
}

/** One view able to show a table, as offered to the `viewCandidates` hook. */
export interface ViewCandidate {
  /** View name. */
  readonly view: string;
  /** Plugin providing it. */
  readonly plugin: string;
  /** Its score for the table. */
  readonly score: number;
}

/** Arguments of the `viewCandidates` hook besides the list itself. */
export interface ViewCandidatesContext {
  /** The table being shown. */
  readonly table: TableSchema;
}
