/**
 * Kysely's PostgreSQL dialect, with an introspector that reads one schema only.
 *
 * Kysely's migrator asks the introspector whether its tables exist. The stock PostgreSQL
 * introspector answers by reading every table of every schema in the database and naming each
 * one back to the server (`has_schema_privilege(nspname, …)`, `pg_get_serial_sequence(…)`).
 * Those calls look names up afresh, outside the query's snapshot: a schema that another
 * session drops while the scan runs (another host's store, a test, any application sharing
 * the database) fails the scan with `schema "…" does not exist`, and with it the store's open.
 * Reading the store's own schema only, by its oid, asks nothing about anyone else's.
 */
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type Kysely,
  PostgresDialect,
  type PostgresDialectConfig,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/** A {@link PostgresDialect} whose introspection sees the tables of one schema only. */
export class SchemaScopedPostgresDialect extends PostgresDialect {
  readonly #schema: string;

  constructor(config: PostgresDialectConfig, schema: string) {
    super(config);
    this.#schema = schema;
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's Dialect interface takes Kysely<any>.
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SchemaScopedIntrospector(db, this.#schema);
  }
}

interface ColumnRow {
  table: string;
  table_type: string;
  column: string;
  type: string;
  type_schema: string;
  not_null: boolean;
  has_default: boolean;
  auto_incrementing: boolean;
  column_description: string | null;
}

class SchemaScopedIntrospector implements DatabaseIntrospector {
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  readonly #db: Kysely<any>;
  readonly #schema: string;

  // biome-ignore lint/suspicious/noExplicitAny: as above.
  constructor(db: Kysely<any>, schema: string) {
    this.#db = db;
    this.#schema = schema;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      SELECT nspname AS name FROM pg_catalog.pg_namespace WHERE nspname = ${this.#schema}`.execute(this.#db);
    return rows.map((row) => ({ name: row.name }));
  }

  // Kysely's own tables (the migrator's) are always included: the migrator is the one caller.
  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      SELECT c.relname AS "table", c.relkind AS table_type, a.attname AS "column",
             t.typname AS type, tn.nspname AS type_schema, a.attnotnull AS not_null,
             a.atthasdef AS has_default,
             (a.attidentity <> '' OR coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%') AS auto_incrementing,
             pg_catalog.col_description(a.attrelid, a.attnum) AS column_description
        FROM pg_catalog.pg_class c
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid
        JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
        JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace
        LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = ${this.#schema})
         AND c.relkind IN ('r', 'v', 'p')
         AND a.attnum > 0
         AND NOT a.attisdropped
       ORDER BY c.relname, a.attnum`.execute(this.#db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, isView: row.table_type === 'v', schema: this.#schema, columns: [] };
        tables.set(row.table, table);
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isAutoIncrementing: row.auto_incrementing,
        isNullable: !row.not_null,
        hasDefaultValue: row.has_default,
        ...(row.column_description === null ? {} : { comment: row.column_description }),
      });
    }
    return [...tables.values()];
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}
