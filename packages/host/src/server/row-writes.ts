/**
 * Every row write of the server goes through here: the values are checked against the
 * table schema, the row's current values are read, the version the writer saw (if it sent
 * one) is compared with the current one (stale: 409 `NCF_ROW_CHANGED` with the current row),
 * the write runs, and the audit trail records who, when, where, before and after.
 *
 * Writes to one row run one after another (a queue per row), so between the version check
 * and the write no other write of this host slips in. Several hosts on one database are
 * kept apart by the datasource itself when it can (`capabilities.conditionalWrites`): the
 * host passes the version it checked (`ifVersion`), and the datasource locks the row,
 * checks that version and writes in one transaction. A row changed by another host between
 * this host's read and the write is read again: with the version the client saw that is a
 * 409, without one the write is retried on the new values (so the audit's "before" is
 * always what the write replaced). Two clients incrementing the same value from the same
 * version get one success and one 409, never a lost update, on one host or several.
 */
import {
  type Datasource,
  Errors,
  isNocofloError,
  NocofloError,
  type Row,
  type RowKey,
  rowVersion,
  type TableSchema,
  type WriteOptions,
} from '@nocoflo/sdk';
import type { AccountStore, AuditEntry } from '../accounts/types.js';
import type { Actor } from './access/actor.js';
import { KeyedMutex } from './admin-api/keyed-mutex.js';
import type { DatasourceConnections } from './connections.js';
import { toJson } from './json.js';
import { assertWritable, convertKey, convertRow } from './values.js';

/** A row with its version. */
export interface VersionedRow {
  /** The row as the datasource returned it. */
  row: Row;
  /** Its version (an entity tag over its values). */
  version: string;
}

/** Where a write goes. */
export interface RowTarget {
  /** Datasource id. */
  datasource: string;
  /** Table name. */
  table: string;
}

/** How a write is recorded: the action (default by kind) and extra detail (a revert names its entry). */
export interface AuditAs {
  /** Action; default `row.insert`, `row.update` or `row.delete`. */
  action?: string;
  /** Extra detail for the entry. */
  detail?: Record<string, unknown>;
}

/** Reads the row with `key`, or undefined. */
async function readRow(ds: Datasource, table: TableSchema, key: RowKey): Promise<Row | undefined> {
  const filter = Object.entries(key).map(([column, value]) => ({ column, op: 'eq' as const, value }));
  const page = await ds.readPage(table.name, { filter, limit: 1 });
  const row = page.rows[0];
  // Compared again here, so a datasource that ignored the filter cannot make a stranger the "current" row.
  const same =
    row !== undefined &&
    Object.entries(key).every(([column, value]) => String(row[column]) === String(value));
  return same ? row : undefined;
}

/** JSON-safe copy of a row for the audit trail (bigints and bytes as the API shows them). */
const plain = (row: Row | undefined): Record<string, unknown> | null =>
  row === undefined ? null : (JSON.parse(toJson(row)) as Record<string, unknown>);

/** The key of a row in the key order of the table. */
function keyOf(table: TableSchema, row: Row): RowKey {
  return Object.fromEntries(table.primaryKey.map((column) => [column, row[column] ?? null])) as RowKey;
}

/**
 * How often a write is tried again when another host changed the row between this host's
 * read and the write (a client that sent no version wants its change applied on the row as
 * it is now; each try reads it again).
 */
const RETRIES = 8;

/** Row writes with version checks and the audit trail. */
export class RowWrites {
  readonly #connections: DatasourceConnections;
  readonly #accounts: AccountStore;
  readonly #queue = new KeyedMutex();

  constructor(connections: DatasourceConnections, accounts: AccountStore) {
    this.#connections = connections;
    this.#accounts = accounts;
  }

  #stale(target: RowTarget, key: RowKey, current: Row | undefined, seen: string): NocofloError {
    if (current === undefined) {
      return NocofloError.create(Errors.RowChanged, [target.table, toJson(key)], {
        details: { current: null, version: null, seen },
      });
    }
    return NocofloError.create(Errors.RowChanged, [target.table, toJson(key)], {
      details: { current: plain(current), version: rowVersion(current), seen },
    });
  }

  #onRow<T>(target: RowTarget, key: RowKey, fn: () => Promise<T>): Promise<T> {
    return this.#queue.run(`${target.datasource}\0${target.table}\0${toJson(key)}`, fn);
  }

  /**
   * Reads the row, checks the version the client saw, and runs `write` with the row it
   * replaces (and, on a datasource that can, the version the datasource must still find).
   */
  async #checked<T>(
    ds: Datasource,
    table: TableSchema,
    target: RowTarget,
    key: RowKey,
    seen: string | undefined,
    write: (before: Row, options?: WriteOptions) => Promise<T>,
  ): Promise<T> {
    const atomic = ds.capabilities.conditionalWrites === true;
    for (let attempt = 0; ; attempt++) {
      const before = await readRow(ds, table, key);
      // Gone meanwhile: 404, as without a version; changed meanwhile: 409 with the row now.
      if (before === undefined) throw NocofloError.create(Errors.RowNotFound, [target.table, toJson(key)]);
      const version = rowVersion(before);
      if (seen !== undefined && version !== seen) throw this.#stale(target, key, before, seen);
      if (!atomic) return write(before);
      try {
        return await write(before, { ifVersion: version });
      } catch (error) {
        // Another host wrote (or deleted) the row after the read above: read it again.
        const raced = isNocofloError(error, Errors.RowChanged) || isNocofloError(error, Errors.RowNotFound);
        if (!raced || attempt >= RETRIES) throw error;
      }
    }
  }

  async #audit(
    actor: Actor,
    as: AuditAs,
    action: string,
    target: RowTarget,
    entry: Partial<AuditEntry>,
  ): Promise<void> {
    await this.#accounts.appendAudit({
      actor: actor.label,
      action: as.action ?? action,
      datasource: target.datasource,
      table: target.table,
      ...entry,
      ...(as.detail ? { detail: as.detail } : {}),
    });
  }

  /** Inserts a row; returns it with its version. */
  async insert(actor: Actor, target: RowTarget, values: unknown, as: AuditAs = {}): Promise<VersionedRow> {
    return this.#connections.use(target.datasource, async (ds) => {
      const table = await ds.describeTable(target.table);
      assertWritable(table, false);
      const row = await ds.insert(table.name, convertRow(table, values ?? {}, 'values'));
      await this.#audit(actor, as, 'row.insert', target, {
        key: plain(keyOf(table, row)) ?? {},
        after: plain(row),
      });
      return { row, version: rowVersion(row) };
    });
  }

  /** Updates the row with `key`; with `seen`, only if it still has that version. */
  async update(
    actor: Actor,
    target: RowTarget,
    keyInput: unknown,
    changesInput: unknown,
    seen?: string,
    as: AuditAs = {},
  ): Promise<VersionedRow> {
    return this.#connections.use(target.datasource, async (ds) => {
      const table = await ds.describeTable(target.table);
      assertWritable(table, true);
      const key = convertKey(table, keyInput);
      const changes = convertRow(table, changesInput, 'changes');
      return this.#onRow(target, key, async () => {
        const { before, row } = await this.#checked(
          ds,
          table,
          target,
          key,
          seen,
          async (before, options) => ({
            before,
            row: await (options
              ? ds.update(table.name, key, changes, options)
              : ds.update(table.name, key, changes)),
          }),
        );
        await this.#audit(actor, as, 'row.update', target, {
          key: plain(key) ?? {},
          before: plain(before),
          after: plain(row),
        });
        return { row, version: rowVersion(row) };
      });
    });
  }

  /** Deletes the row with `key`; with `seen`, only if it still has that version. */
  async delete(
    actor: Actor,
    target: RowTarget,
    keyInput: unknown,
    seen?: string,
    as: AuditAs = {},
  ): Promise<void> {
    await this.#connections.use(target.datasource, async (ds) => {
      const table = await ds.describeTable(target.table);
      assertWritable(table, true);
      const key = convertKey(table, keyInput);
      await this.#onRow(target, key, async () => {
        const before = await this.#checked(ds, table, target, key, seen, async (before, options) => {
          await (options ? ds.delete(table.name, key, options) : ds.delete(table.name, key));
          return before;
        });
        await this.#audit(actor, as, 'row.delete', target, { key: plain(key) ?? {}, before: plain(before) });
      });
    });
  }

  /**
   * Undoes a recorded row write: an update is set back, an insert deleted, a delete
   * re-inserted, each only while the row is as the entry left it (else 409 with the
   * current row). The revert is itself audited (`row.revert`, naming the entry).
   */
  async revert(actor: Actor, entry: AuditEntry): Promise<void> {
    try {
      await this.#revert(actor, entry);
    } catch (error) {
      // A row deleted since the change also changed since: the revert is refused the same way.
      if (isNocofloError(error, Errors.RowNotFound) && entry.key) {
        throw this.#stale(
          { datasource: entry.datasource ?? '', table: entry.table ?? '' },
          entry.key as RowKey,
          undefined,
          'deleted',
        );
      }
      throw error;
    }
  }

  async #revert(actor: Actor, entry: AuditEntry): Promise<void> {
    if (!entry.datasource || !entry.table || !entry.key) {
      throw NocofloError.create(Errors.BadRequest, [`the audit entry ${entry.id} is not a row write`]);
    }
    const target = { datasource: entry.datasource, table: entry.table };
    const key = entry.key;
    const as: AuditAs = { action: 'row.revert', detail: { reverts: entry.id, undone: entry.action } };
    // The row as the entry left it: an update or insert left `after`; a delete left no row.
    if (entry.after) {
      const left = rowVersion(entry.after as Row);
      if (entry.before) {
        const changes = Object.fromEntries(
          Object.entries(entry.before).filter(([column]) => !(column in key)),
        );
        await this.update(actor, target, key, changes, left, as);
      } else {
        await this.delete(actor, target, key, left, as);
      }
      return;
    }
    if (!entry.before) {
      throw NocofloError.create(Errors.BadRequest, [
        `the audit entry ${entry.id} has no values to go back to`,
      ]);
    }
    await this.#connections.use(target.datasource, async (ds) => {
      const table = await ds.describeTable(target.table);
      const current = await readRow(ds, table, convertKey(table, key));
      if (current !== undefined) throw this.#stale(target, key as RowKey, current, 'deleted');
    });
    await this.insert(actor, target, entry.before, as);
  }
}
