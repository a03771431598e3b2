import type { ColumnSchema, ForeignKey, TableInfo, TableSchema } from '@nocoflo/sdk';
import { quoteIdentifier } from '@nocoflo/sdk/sql';
import type pg from 'pg';
import { normalisePgType } from './types.js';

/** One relation as listed: its oid and where it lives, for describing and quoting it. */
export interface PgRelation extends TableInfo {
  /** `pg_class.oid`. */
  oid: number;
  /** Schema name. */
  schema: string;
  /** Relation name within the schema. */
  relname: string;
  /** `pg_class.relkind`: r table, p partitioned table, f foreign table, v view, m materialised view. */
  relkind: string;
  /** `"schema"."name"`, for SQL. */
  sql: string;
}

/** How tables are named: unqualified in `public`, `schema.table` everywhere else. */
export function relationName(schema: string, relname: string): string {
  return schema === 'public' ? relname : `${schema}.${relname}`;
}

const LIST_SQL = `
SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS relname, c.relkind::text AS relkind,
       c.reltuples::float8 AS estimate
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p', 'f', 'v', 'm')
   AND NOT c.relispartition
   AND n.nspname <> 'information_schema'
   AND n.nspname NOT LIKE 'pg\\_%'
   AND has_schema_privilege(n.oid, 'USAGE')
   AND has_table_privilege(c.oid, 'SELECT')`;

/**
 * Tables, views and materialised views of every user schema (which includes every schema
 * on the search path), named `schema.table` outside `public`; partitions are read
 * through their parent.
 */
export async function listPgRelations(pool: pg.Pool): Promise<PgRelation[]> {
  const result = await pool.query<{
    oid: number;
    schema: string;
    relname: string;
    relkind: string;
    estimate: number;
  }>(LIST_SQL);
  return result.rows
    .map((row): PgRelation => {
      const relation: PgRelation = {
        name: relationName(row.schema, row.relname),
        kind: row.relkind === 'v' || row.relkind === 'm' ? 'view' : 'table',
        oid: Number(row.oid),
        schema: row.schema,
        relname: row.relname,
        relkind: row.relkind,
        sql: `${quoteIdentifier(row.schema)}.${quoteIdentifier(row.relname)}`,
      };
      if (row.estimate >= 0) relation.rowCountEstimate = Math.round(row.estimate);
      return relation;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const COLUMNS_SQL = `
SELECT a.attname AS name,
       format_type(a.atttypid, a.atttypmod) AS native,
       COALESCE(bt.typname, t.typname) AS typname,
       COALESCE(bt.typtype, t.typtype)::text AS typtype,
       COALESCE(bt.typcategory, t.typcategory)::text AS typcategory,
       et.typname AS elem_typname, et.typtype::text AS elem_typtype, et.typcategory::text AS elem_typcategory,
       a.attnotnull AS notnull, a.atthasdef AS hasdef, a.attidentity::text AS identity,
       a.attgenerated::text AS generated,
       (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e
         WHERE e.enumtypid = COALESCE(NULLIF(t.typbasetype, 0), t.oid)) AS enum_values,
       (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e
         WHERE e.enumtypid = et.oid) AS elem_enum_values
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype AND t.typtype = 'd'
  LEFT JOIN pg_catalog.pg_type et ON et.oid = COALESCE(bt.typelem, t.typelem)
       AND COALESCE(bt.typcategory, t.typcategory) = 'A'
 WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum`;

const KEY_SQL = `
SELECT a.attname AS name
  FROM pg_catalog.pg_index i
  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
 WHERE i.indrelid = $1 AND i.indisprimary
 ORDER BY k.ord`;

const FOREIGN_KEYS_SQL = `
SELECT c.conname AS name, rn.nspname AS ref_schema, r.relname AS ref_table,
       (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
       (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_columns
  FROM pg_catalog.pg_constraint c
  JOIN pg_catalog.pg_class r ON r.oid = c.confrelid
  JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
 WHERE c.conrelid = $1 AND c.contype = 'f'
 ORDER BY c.conname`;

interface ColumnRow {
  name: string;
  native: string;
  typname: string;
  typtype: string;
  typcategory: string;
  elem_typname: string | null;
  elem_typtype: string | null;
  elem_typcategory: string | null;
  notnull: boolean;
  hasdef: boolean;
  identity: string;
  generated: string;
  enum_values: string[] | null;
  elem_enum_values: string[] | null;
}

/** Describes one relation from `pg_catalog`: columns with normalised types, key, foreign keys. */
export async function describePgRelation(
  pool: pg.Pool,
  relation: PgRelation,
  writable: boolean,
): Promise<TableSchema> {
  const [columns, key, foreignKeys] = await Promise.all([
    pool.query<ColumnRow>(COLUMNS_SQL, [relation.oid]),
    pool.query<{ name: string }>(KEY_SQL, [relation.oid]),
    pool.query<{ ref_schema: string; ref_table: string; columns: string[]; ref_columns: string[] }>(
      FOREIGN_KEYS_SQL,
      [relation.oid],
    ),
  ]);
  const primaryKey = key.rows.map((row) => row.name);
  const isBaseTable = relation.relkind === 'r' || relation.relkind === 'p' || relation.relkind === 'f';
  return {
    name: relation.name,
    kind: relation.kind,
    columns: columns.rows.map((row): ColumnSchema => {
      const type = normalisePgType({ name: row.typname, kind: row.typtype, category: row.typcategory });
      const column: ColumnSchema = {
        name: row.name,
        type,
        nativeType: row.native,
        nullable: !row.notnull,
        hasDefault: row.hasdef || row.identity !== '' || row.generated !== '',
      };
      if (row.generated !== '' || row.identity === 'a') column.generated = true;
      if (type === 'enum' && row.enum_values) column.enumValues = row.enum_values;
      if (type === 'array' && row.elem_typname) {
        column.elementType = normalisePgType({
          name: row.elem_typname,
          kind: row.elem_typtype ?? 'b',
          category: row.elem_typcategory ?? '',
        });
        if (column.elementType === 'enum' && row.elem_enum_values) column.enumValues = row.elem_enum_values;
      }
      return column;
    }),
    primaryKey,
    foreignKeys: foreignKeys.rows.map(
      (row): ForeignKey => ({
        columns: row.columns,
        referencedTable: relationName(row.ref_schema, row.ref_table),
        referencedColumns: row.ref_columns,
      }),
    ),
    writable: writable && isBaseTable && primaryKey.length > 0,
    ...(relation.rowCountEstimate !== undefined ? { rowCountEstimate: relation.rowCountEstimate } : {}),
  };
}
