import type { ColumnSchema, ForeignKey, TableInfo, TableSchema } from '@nocoflo/sdk';
import { quoteIdentifier, substringSearch } from '@nocoflo/sdk/sql';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { enumLabels, normaliseMysqlType } from './types.js';

/** One table or view as listed, and how SQL names it. */
export interface MysqlRelation extends TableInfo {
  /** `"table"`, for SQL (ANSI quotes; see the dialect's session). */
  sql: string;
}

/** What the datasource keeps about a described table besides its schema. */
export interface MysqlTableFacts {
  /** The schema the host and views see. */
  schema: TableSchema;
  /** The `AUTO_INCREMENT` column, whose value an insert learns from the insert id. */
  autoIncrement: string | null;
}

const LIST_SQL = `
SELECT TABLE_NAME AS name, TABLE_TYPE AS type, TABLE_ROWS AS estimate
  FROM information_schema.TABLES
 WHERE TABLE_SCHEMA = DATABASE()`;

/** The tables and views of the connection's database, sorted by name (code point order). */
export async function listMysqlRelations(pool: Pool): Promise<MysqlRelation[]> {
  const [rows] = await pool.query<RowDataPacket[]>(LIST_SQL);
  return rows
    .map((row): MysqlRelation => {
      const name = String(row.name);
      const view = /VIEW/i.test(String(row.type));
      const relation: MysqlRelation = { name, kind: view ? 'view' : 'table', sql: quoteIdentifier(name) };
      const estimate = row.estimate === null ? Number.NaN : Number(row.estimate);
      if (!view && Number.isFinite(estimate) && estimate >= 0) relation.rowCountEstimate = estimate;
      return relation;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const COLUMNS_SQL = `
SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type,
       IS_NULLABLE AS nullable, COLUMN_DEFAULT AS default_value, EXTRA AS extra
  FROM information_schema.COLUMNS
 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
 ORDER BY ORDINAL_POSITION`;

const KEY_SQL = `
SELECT COLUMN_NAME AS name
  FROM information_schema.KEY_COLUMN_USAGE
 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY'
 ORDER BY ORDINAL_POSITION`;

const FOREIGN_KEYS_SQL = `
SELECT CONSTRAINT_NAME AS name, COLUMN_NAME AS column_name, REFERENCED_TABLE_SCHEMA AS ref_schema,
       REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_column
  FROM information_schema.KEY_COLUMN_USAGE
 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND REFERENCED_TABLE_NAME IS NOT NULL
 ORDER BY CONSTRAINT_NAME, ORDINAL_POSITION`;

// MariaDB's JSON is LONGTEXT with CHECK (json_valid(`col`)); MySQL has a real JSON type.
const JSON_CHECKS_SQL = `
SELECT CHECK_CLAUSE AS clause
  FROM information_schema.CHECK_CONSTRAINTS
 WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?`;

function jsonColumns(clauses: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const clause of clauses) {
    // The server renders the clause in the session's quoting: "name" under ANSI_QUOTES.
    for (const match of clause.matchAll(/json_valid\((?:`((?:[^`]|``)+)`|"((?:[^"]|"")+)")\)/gi)) {
      names.add(
        match[1] !== undefined ? match[1].replaceAll('``', '`') : (match[2] ?? '').replaceAll('""', '"'),
      );
    }
  }
  return names;
}

const text = (value: unknown): string =>
  value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value ?? '');

/**
 * Describes one table or view from `information_schema`: columns with normalised types
 * (booleans, enums with their labels, MariaDB JSON), the primary key in key order and the
 * foreign keys, composite ones included.
 */
export async function describeMysqlRelation(
  pool: Pool,
  relation: MysqlRelation,
  options: { writable: boolean; mariadb: boolean; database: string },
): Promise<MysqlTableFacts> {
  // One connection, one statement after the other: a small pool (pool_max=1) must not
  // overflow its wait queue on a describe.
  const connection = await pool.getConnection();
  let columns: RowDataPacket[];
  let key: RowDataPacket[];
  let foreign: RowDataPacket[];
  let checks: RowDataPacket[] = [];
  try {
    [columns] = await connection.execute<RowDataPacket[]>(COLUMNS_SQL, [relation.name]);
    [key] = await connection.execute<RowDataPacket[]>(KEY_SQL, [relation.name]);
    [foreign] = await connection.execute<RowDataPacket[]>(FOREIGN_KEYS_SQL, [relation.name]);
    if (options.mariadb)
      [checks] = await connection.execute<RowDataPacket[]>(JSON_CHECKS_SQL, [relation.name]);
  } finally {
    connection.release();
  }
  const json = jsonColumns(checks.map((row) => text(row.clause)));
  let autoIncrement: string | null = null;
  const schemaColumns = columns.map((row): ColumnSchema => {
    const name = text(row.name);
    const columnType = text(row.column_type);
    const extra = text(row.extra);
    const type = normaliseMysqlType({ dataType: text(row.data_type), columnType, json: json.has(name) });
    const generated = /GENERATED|VIRTUAL|PERSISTENT|STORED/i.test(extra);
    const autoIncrements = /auto_increment/i.test(extra);
    if (autoIncrements) autoIncrement = name;
    // MariaDB reports an explicit or implied DEFAULT NULL as the text 'NULL'.
    const defaultValue = row.default_value === null ? null : text(row.default_value);
    const column: ColumnSchema = {
      name,
      type,
      nativeType: columnType,
      nullable: text(row.nullable) === 'YES',
      hasDefault: (defaultValue !== null && defaultValue !== 'NULL') || autoIncrements || generated,
    };
    if (generated) column.generated = true;
    if (type === 'enum') column.enumValues = enumLabels(columnType);
    return column;
  });
  const byConstraint = new Map<string, ForeignKey & { columns: string[]; referencedColumns: string[] }>();
  for (const row of foreign) {
    const id = text(row.name);
    let fk = byConstraint.get(id);
    if (!fk) {
      // Tables of other databases are named `database.table`; this datasource lists only its own.
      const refSchema = text(row.ref_schema);
      const refTable =
        refSchema === options.database ? text(row.ref_table) : `${refSchema}.${text(row.ref_table)}`;
      fk = { columns: [], referencedTable: refTable, referencedColumns: [] };
      byConstraint.set(id, fk);
    }
    fk.columns.push(text(row.column_name));
    fk.referencedColumns.push(text(row.ref_column));
  }
  const primaryKey = key.map((row) => text(row.name));
  const schema: TableSchema = {
    name: relation.name,
    kind: relation.kind,
    columns: schemaColumns,
    primaryKey,
    foreignKeys: [...byConstraint.values()],
    writable: options.writable && relation.kind === 'table' && primaryKey.length > 0,
    ...(relation.rowCountEstimate !== undefined ? { rowCountEstimate: relation.rowCountEstimate } : {}),
  };
  // Quick search: a case-insensitive LIKE over the text columns.
  const search = substringSearch(schemaColumns);
  if (search) schema.search = search;
  return { schema, autoIncrement };
}
