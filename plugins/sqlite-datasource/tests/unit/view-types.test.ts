import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/index.js';
import { inferViewColumnTypes, typeFromSample } from '../../src/infer-view-types.js';

const sample = (storage: string, ...values: unknown[]) => values.map((value) => ({ storage, value }));

describe('types of view columns without a declared type', () => {
  it('come from the storage classes and forms of sampled values', () => {
    expect(typeFromSample(sample('integer', 1, 2))).toBe('integer');
    expect(typeFromSample([...sample('integer', 1), ...sample('real', 2.5)])).toBe('float');
    expect(typeFromSample(sample('text', '2024-01-01', '2024-02-01'))).toBe('date');
    expect(typeFromSample(sample('text', '2024-01-01 10:00:00', '2024-02-01T11:30'))).toBe('timestamp');
    expect(typeFromSample(sample('text', '2024-01', 'x'))).toBe('text');
    expect(typeFromSample(sample('blob', new Uint8Array(1)))).toBe('binary');
    expect(typeFromSample([...sample('integer', 1), ...sample('text', 'a')])).toBe('unknown');
    expect(typeFromSample([])).toBe('unknown');
  });

  it('are inferred when a view is described, and its numbers compare as numbers', async () => {
    const db = new Database(':memory:');
    db.exec(`
      CREATE TABLE sales (id INTEGER PRIMARY KEY, day TEXT, amount REAL);
      INSERT INTO sales (day, amount) VALUES ('2024-01-03', 700000), ('2024-01-20', 1.5), ('2024-02-02', 90000);
      CREATE VIEW monthly AS
        SELECT substr(day, 1, 7) || '-01' AS month, round(sum(amount), 2) AS revenue, count(*) AS n, id
        FROM sales GROUP BY 1;
    `);
    const columns = inferViewColumnTypes(
      db,
      'monthly',
      ['month', 'revenue', 'n'].map((name) => ({
        name,
        type: 'unknown' as const,
        nativeType: '',
        nullable: true,
        hasDefault: false,
      })),
    );
    expect(columns.map((c) => c.type)).toEqual(['date', 'float', 'integer']);
    db.close();
  });

  it('make a filter on a view compare numbers as numbers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ncf-view-types-'));
    const file = join(dir, 'shop.db');
    const db = new Database(file);
    db.exec(`
      CREATE TABLE sales (id INTEGER PRIMARY KEY, day TEXT, amount REAL);
      INSERT INTO sales (day, amount) VALUES ('2024-01-03', 700000), ('2024-02-02', 90000), ('2024-03-02', 650000.5);
      CREATE VIEW monthly AS SELECT substr(day, 1, 7) || '-01' AS month, sum(amount) AS revenue FROM sales GROUP BY 1;
    `);
    db.close();
    const ds = await openSqlite(`sqlite:${file}`);
    try {
      const schema = await ds.describeTable('monthly');
      expect(schema.columns.map((c) => [c.name, c.type])).toEqual([
        ['month', 'date'],
        ['revenue', 'float'],
      ]);
      const page = await ds.readPage('monthly', { filter: [{ column: 'revenue', op: 'gt', value: 600000 }] });
      expect(page.rows.map((r) => r.month)).toEqual(['2024-01-01', '2024-03-01']);
    } finally {
      await ds.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
