import type { ColumnSchema, ForeignKey, TableInfo, TableSchema } from '@nocoflo/sdk';
import type Database from 'better-sqlite3';
import { inferViewColumnTypes } from './infer-view-types.js';
import { normaliseSqliteType } from './types.js';

interface TableListRow {
  name: string;
  type: string;
  wr: number;
}

interface XInfoRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}

interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
}

/** Tables and views of the main schema, without SQLite's internal and shadow tables. */
export function listSqliteTables(db: Database.Database): TableInfo[] {
  const rows = db
    .prepare(
      "SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'view', 'virtual')",
    )
    .all() as TableListRow[];
  const estimates = readRowEstimates(db);
  return rows
    .filter((row) => !row.name.startsWith('sqlite_'))
    .map((row): TableInfo => {
      const info: TableInfo = { name: row.name, kind: row.type === 'view' ? 'view' : 'table' };
      const estimate = estimates.get(row.name);
      if (estimate !== undefined) info.rowCountEstimate = estimate;
      return info;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Row counts as of the last `ANALYZE`, from `sqlite_stat1` (the first number of each
 * entry's `stat` is the table's row count): free to read, never a full count. Tables that
 * were never analysed have none.
 */
function readRowEstimates(db: Database.Database): Map<string, number> {
  const estimates = new Map<string, number>();
  const hasStats = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    .get();
  if (!hasStats) return estimates;
  for (const { tbl, stat } of db.prepare('SELECT tbl, stat FROM sqlite_stat1').all() as {
    tbl: string;
    stat: string;
  }[]) {
    const rows = Number.parseInt(String(stat).split(' ')[0] ?? '', 10);
    if (Number.isFinite(rows)) estimates.set(tbl, Math.max(estimates.get(tbl) ?? 0, rows));
  }
  return estimates;
}

// The rowid of a table without a declared key is exposed as a read-only key column, under
// the first of SQLite's three names for it that no real column shadows.
const ROWID_NAMES = ['rowid', '_rowid_', 'oid'];

/**
 * Describes one table or view: normalised columns, the primary key (the declared one, or
 * the rowid when there is none and the table has a rowid), foreign keys, writability.
 */
export function describeSqliteTable(db: Database.Database, info: TableInfo, writable: boolean): TableSchema {
  const meta = db
    .prepare("SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?")
    .get(info.name) as TableListRow | undefined;
  const withoutRowid = meta?.wr === 1;
  const isView = info.kind === 'view';
  const rows = (db.prepare('SELECT * FROM pragma_table_xinfo(?)').all(info.name) as XInfoRow[]).filter(
    (row) => row.hidden !== 1,
  );
  const keyRows = rows.filter((row) => row.pk > 0).sort((a, b) => a.pk - b.pk);
  // A single INTEGER PRIMARY KEY column of a rowid table is the rowid: never NULL, filled on insert.
  const rowidAlias =
    !withoutRowid && keyRows.length === 1 && keyRows[0]!.type.trim().toUpperCase() === 'INTEGER'
      ? keyRows[0]!.name
      : null;
  const declared: ColumnSchema[] = rows.map((row) => {
    const generated = row.hidden === 2 || row.hidden === 3;
    const column: ColumnSchema = {
      name: row.name,
      type: normaliseSqliteType(row.type),
      nativeType: row.type,
      nullable: row.notnull === 0 && row.name !== rowidAlias && !(withoutRowid && row.pk > 0),
      hasDefault: row.dflt_value !== null || row.name === rowidAlias || generated,
    };
    if (generated) column.generated = true;
    return column;
  });
  const columns = isView ? inferViewColumnTypes(db, info.name, declared) : declared;
  let primaryKey = keyRows.map((row) => row.name);
  if (!isView && primaryKey.length === 0 && !withoutRowid && meta?.type === 'table') {
    const taken = new Set(rows.map((row) => row.name.toLowerCase()));
    const rowid = ROWID_NAMES.find((name) => !taken.has(name));
    if (rowid) {
      columns.unshift({
        name: rowid,
        type: 'integer',
        nativeType: 'ROWID',
        nullable: false,
        hasDefault: true,
        generated: true,
      });
      primaryKey = [rowid];
    }
  }
  const foreignKeys = isView ? [] : readForeignKeys(db, info.name);
  return {
    name: info.name,
    kind: info.kind,
    columns,
    primaryKey,
    foreignKeys,
    writable: writable && !isView && primaryKey.length > 0 && meta?.type === 'table',
    ...(info.rowCountEstimate === undefined ? {} : { rowCountEstimate: info.rowCountEstimate }),
  };
}

function readForeignKeys(db: Database.Database, table: string): ForeignKey[] {
  const rows = db.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(table) as ForeignKeyRow[];
  const byId = new Map<number, ForeignKeyRow[]>();
  for (const row of rows) byId.set(row.id, [...(byId.get(row.id) ?? []), row]);
  return [...byId.values()].map((parts) => {
    parts.sort((a, b) => a.seq - b.seq);
    const referencedTable = parts[0]!.table;
    let referencedColumns = parts.map((part) => part.to);
    if (referencedColumns.some((name) => name === null)) {
      // `REFERENCES parent` without columns means the parent's primary key.
      const parentKey = (
        db
          .prepare('SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk')
          .all(referencedTable) as { name: string }[]
      ).map((row) => row.name);
      referencedColumns = parentKey.length === parts.length ? parentKey : referencedColumns;
    }
    return {
      columns: parts.map((part) => part.from),
      referencedTable,
      referencedColumns: referencedColumns.map((name) => name ?? 'rowid'),
    };
  });
}
