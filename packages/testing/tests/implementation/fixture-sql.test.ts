import { PGlite } from '@electric-sql/pglite';
import { conformanceFixture, fixtureSql } from '@nocoflo/testing';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

// fixtureSql must build the fixture in real databases, exactly as datasource authors use it.
describe('fixtureSql', () => {
  const fixture = conformanceFixture();
  const seedRows = fixture.tables.reduce((n, t) => n + t.rows.length, 0);

  it('creates and seeds the fixture in SQLite, keys and foreign keys included', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const statements = fixtureSql(fixture, 'sqlite');
    for (const s of statements) db.prepare(s.sql).run(...s.params);
    expect(statements.filter((s) => s.sql.startsWith('INSERT'))).toHaveLength(seedRows);
    for (const table of fixture.tables) {
      const row = db.prepare(`SELECT count(*) AS n FROM "${table.name.replaceAll('"', '""')}"`).get() as {
        n: number;
      };
      expect(row.n, table.name).toBe(table.rows.length);
    }
    const keys = db
      .prepare(`SELECT name, pk FROM pragma_table_info('order_lines') WHERE pk > 0 ORDER BY pk`)
      .all();
    expect(keys).toEqual([
      { name: 'order_id', pk: 1 },
      { name: 'line_no', pk: 2 },
    ]);
    expect(() => db.prepare('INSERT INTO shipments VALUES (9, 99, 99, ?)').run('x')).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('creates and seeds the fixture in PostgreSQL, in a schema of its own', async () => {
    // The server in NOCOFLO_PG_URL when there is one (as CI sets it), else PostgreSQL embedded in-process.
    const db = await openPostgres();
    const schema = `ncf_fixture_sql_${process.pid}_${Date.now()}`;
    try {
      await db.query(`CREATE SCHEMA "${schema}"`);
      for (const s of fixtureSql(fixture, 'postgres', { schema })) await db.query(s.sql, [...s.params]);
      for (const table of fixture.tables) {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM "${schema}"."${table.name.replaceAll('"', '""')}"`,
        );
        expect(rows[0]?.n, table.name).toBe(table.rows.length);
      }
      const { rows } = await db.query(`SELECT json_value FROM "${schema}".samples`);
      expect(rows).toEqual([{ json_value: null }]);
      await expect(db.query(`INSERT INTO "${schema}".shipments VALUES (9, 99, 99, 'x')`)).rejects.toThrow(
        /foreign key/,
      );
    } finally {
      await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await db.close();
    }
  });
});

interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}

async function openPostgres(): Promise<SqlRunner> {
  const url = process.env.NOCOFLO_PG_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return { query: (sql, params) => client.query(sql, params), close: () => client.end() };
  }
  const lite = new PGlite();
  return {
    query: async (sql, params) => ({ rows: (await lite.query<Record<string, unknown>>(sql, params)).rows }),
    close: () => lite.close(),
  };
}
