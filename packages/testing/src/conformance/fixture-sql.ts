/**
 * Renders the conformance fixture as SQL for SQLite, PostgreSQL and MySQL/MariaDB, so an SQL datasource
 * author builds it in one loop: identifiers quoted, values bound as parameters.
 */
import type { CellValue, ColumnType } from '@nocoflo/sdk';
import { quoteIdentifier } from '@nocoflo/sdk/sql';
import type { ConformanceFixture, FixtureTable } from './fixture-types.js';

/** SQL dialects {@link fixtureSql} can write. */
export type FixtureDialect = 'sqlite' | 'postgres' | 'mysql';

/** One statement with its bound parameters (`?` for SQLite and MySQL, `$1…` for PostgreSQL). */
export interface FixtureStatement {
  /** The SQL text. */
  readonly sql: string;
  /** Parameters, already converted to what the usual driver binds (better-sqlite3, pg, mysql2). */
  readonly params: readonly unknown[];
}

/** Options of {@link fixtureSql}. */
export interface FixtureSqlOptions {
  /** PostgreSQL schema to create the tables in (it must exist). Default: unqualified names. */
  readonly schema?: string;
  /** Native type names to use instead of the defaults, per normalised type. */
  readonly types?: Partial<Record<ColumnType, string>>;
}

/** The native type each normalised type is created as, per dialect. */
export const FIXTURE_NATIVE_TYPES: Readonly<Record<FixtureDialect, Readonly<Record<ColumnType, string>>>> = {
  sqlite: {
    text: 'TEXT',
    integer: 'INTEGER',
    decimal: 'DECIMAL',
    float: 'REAL',
    boolean: 'BOOLEAN',
    date: 'DATE',
    time: 'TIME',
    timestamp: 'TIMESTAMP',
    timestamptz: 'TIMESTAMPTZ',
    json: 'JSON',
    uuid: 'UUID',
    binary: 'BLOB',
    array: 'JSON',
    enum: 'TEXT',
    unknown: 'ANY',
  },
  postgres: {
    text: 'text',
    integer: 'bigint',
    decimal: 'numeric',
    float: 'double precision',
    boolean: 'boolean',
    date: 'date',
    time: 'time',
    timestamp: 'timestamp',
    timestamptz: 'timestamptz',
    json: 'jsonb',
    uuid: 'uuid',
    binary: 'bytea',
    array: 'text[]',
    enum: 'text',
    unknown: 'text',
  },
  // MySQL/MariaDB with ANSI_QUOTES in the session's sql_mode (identifiers are written "x").
  // Text is compared by code point (utf8mb4_bin) as the other two compare it; DECIMAL(65,30)
  // is MySQL's widest scale (MariaDB takes DECIMAL(65,38): pass it in `types`).
  mysql: {
    text: 'LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
    integer: 'BIGINT',
    decimal: 'DECIMAL(65,30)',
    float: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'DATE',
    time: 'TIME(6)',
    timestamp: 'DATETIME(6)',
    timestamptz: 'TIMESTAMP(6)',
    json: 'JSON',
    uuid: 'CHAR(36)',
    binary: 'LONGBLOB',
    array: 'JSON',
    enum: 'VARCHAR(255)',
    unknown: 'LONGTEXT',
  },
};

function bindValue(value: CellValue, type: ColumnType, dialect: FixtureDialect): unknown {
  if (value === null) return null;
  if (type === 'json') return JSON.stringify(value);
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (dialect === 'sqlite' && typeof value === 'boolean') return value ? 1 : 0;
  if (dialect !== 'sqlite' && typeof value === 'bigint') return value.toString();
  return value;
}

function createTable(table: FixtureTable, dialect: FixtureDialect, options: FixtureSqlOptions): string {
  const q = (t: string) => qualified(t, options);
  const types = { ...FIXTURE_NATIVE_TYPES[dialect], ...options.types };
  const parts = table.columns.map(
    (c) => `${quoteIdentifier(c.name)} ${types[c.type]}${c.nullable ? '' : ' NOT NULL'}`,
  );
  parts.push(`PRIMARY KEY (${table.primaryKey.map(quoteIdentifier).join(', ')})`);
  for (const fk of table.foreignKeys) {
    parts.push(
      `FOREIGN KEY (${fk.columns.map(quoteIdentifier).join(', ')}) REFERENCES ${q(fk.referencedTable)} (${fk.referencedColumns.map(quoteIdentifier).join(', ')})`,
    );
  }
  const tableOptions =
    dialect === 'mysql' ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
  return `CREATE TABLE ${q(table.name)} (\n  ${parts.join(',\n  ')}\n)${tableOptions}`;
}

function qualified(table: string, options: FixtureSqlOptions): string {
  return options.schema
    ? `${quoteIdentifier(options.schema)}.${quoteIdentifier(table)}`
    : quoteIdentifier(table);
}

/**
 * The statements that create and seed the fixture, in order: every `CREATE TABLE`
 * (columns, NOT NULL, primary key, foreign keys), then one parameterised `INSERT` per
 * seed row. For `mysql` the statements quote identifiers the ANSI way: run them on a
 * connection whose `sql_mode` includes `ANSI_QUOTES`.
 *
 * @example
 * ```ts
 * import { conformanceFixture, fixtureSql } from '@nocoflo/testing';
 * import Database from 'better-sqlite3';
 * import pg from 'pg';
 *
 * const fixture = conformanceFixture();
 * // better-sqlite3
 * const db = new Database(':memory:');
 * for (const s of fixtureSql(fixture, 'sqlite')) db.prepare(s.sql).run(...s.params);
 * // pg, in a schema of its own
 * async function seedPostgres(client: pg.Client, schema: string): Promise<void> {
 *   for (const s of fixtureSql(fixture, 'postgres', { schema })) await client.query(s.sql, [...s.params]);
 * }
 * ```
 */
export function fixtureSql(
  fixture: ConformanceFixture,
  dialect: FixtureDialect,
  options: FixtureSqlOptions = {},
): FixtureStatement[] {
  const statements: FixtureStatement[] = fixture.tables.map((t) => ({
    sql: createTable(t, dialect, options),
    params: [],
  }));
  for (const table of fixture.tables) {
    const names = table.columns.map((c) => quoteIdentifier(c.name)).join(', ');
    const marks = table.columns.map((_, i) => (dialect === 'postgres' ? `$${i + 1}` : '?')).join(', ');
    const sql = `INSERT INTO ${qualified(table.name, options)} (${names}) VALUES (${marks})`;
    for (const row of table.rows) {
      statements.push({
        sql,
        params: table.columns.map((c) => bindValue(row[c.name] ?? null, c.type, dialect)),
      });
    }
  }
  return statements;
}
