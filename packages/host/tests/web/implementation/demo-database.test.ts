import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_FILE_NAME, ensureDemoDatabase, generateDemoDatabase } from '../../../src/demo/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ncf-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const query = <T>(path: string, sql: string): T => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
};

describe('demo database', () => {
  const full = join(dir, 'full', DEMO_FILE_NAME);
  const summary = generateDemoDatabase(full);

  it('has about 100,000 order lines over two years, and what the summary says', () => {
    expect(summary.orderLines).toBeGreaterThan(95_000);
    expect(summary.orderLines).toBeLessThan(105_000);
    const counts = query<Record<string, number>>(
      full,
      `SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM products) AS products,
              (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM order_lines) AS orderLines`,
    );
    expect(counts).toEqual(summary);
    const span = query<{ first: string; last: string }>(
      full,
      'SELECT min(ordered_at) AS first, max(ordered_at) AS last FROM orders',
    );
    expect(span.first.slice(0, 7)).toBe('2023-01');
    expect(span.last.slice(0, 7)).toBe('2024-12');
  });

  it("is what the README says it is (issue #16: the README's demo figures match the demo)", () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../../../README.md'), 'utf8');
    const said = /\(([a-z_, ]+), about ([\d,]+) order lines\)/.exec(readme);
    expect(said, 'the README names the demo tables and its number of order lines').not.toBeNull();
    const [, tables = '', lines = ''] = said ?? [];
    const named = tables.split(',').map((name) => name.trim());
    const present = query<{ names: string }>(
      full,
      "SELECT group_concat(name, ',') AS names FROM sqlite_master WHERE type = 'table'",
    ).names.split(',');
    expect(present).toEqual(expect.arrayContaining(named));
    const about = Number(lines.replaceAll(',', ''));
    expect(Math.abs(summary.orderLines - about) / about).toBeLessThan(0.05);
  });

  it('has the row counts docs/web-app.md gives (exact, or within 5% where it says ~)', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../../../docs/web-app.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## The demo database'), doc.indexOf('## Pages'));
    const figures = [...section.matchAll(/`(\w+)` \((~?)([\d,]+)/g)].map(([, table = '', about, n = '']) => ({
      table,
      about: about === '~',
      n: Number(n.replaceAll(',', '')),
    }));
    expect(figures.map((f) => f.table)).toEqual(['customers', 'products', 'orders', 'order_lines']);
    const actual: Record<string, number> = {
      customers: summary.customers,
      products: summary.products,
      orders: summary.orders,
      order_lines: summary.orderLines,
    };
    for (const { table, about, n } of figures) {
      if (about) expect(Math.abs((actual[table] ?? 0) - n) / n, table).toBeLessThan(0.05);
      else expect(actual[table], table).toBe(n);
    }
  });

  it('keeps every reference valid and customers ordering only after signing up', () => {
    const broken = query<{ n: number }>(
      full,
      `SELECT (SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id WHERE c.id IS NULL)
            + (SELECT count(*) FROM order_lines l LEFT JOIN products p ON p.id = l.product_id WHERE p.id IS NULL)
            + (SELECT count(*) FROM order_lines l LEFT JOIN orders o ON o.id = l.order_id WHERE o.id IS NULL)
            + (SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.signed_up_on > substr(o.ordered_at, 1, 10)) AS n`,
    );
    expect(broken.n).toBe(0);
    expect(query<{ fk: number }>(full, 'SELECT count(*) AS fk FROM pragma_foreign_key_check').fk).toBe(0);
  });

  it('has a composite key on order_lines, NULLs and empty strings, and more orders in December', () => {
    const pk = query<{ cols: string }>(
      full,
      "SELECT group_concat(name, ',') AS cols FROM (SELECT name FROM pragma_table_info('order_lines') WHERE pk > 0 ORDER BY pk)",
    );
    expect(pk.cols).toBe('order_id,line_no');
    const gifts = query<{ nulls: number; empties: number }>(
      full,
      "SELECT sum(gift_message IS NULL) AS nulls, sum(gift_message = '') AS empties FROM orders",
    );
    expect(gifts.nulls).toBeGreaterThan(0);
    expect(gifts.empties).toBeGreaterThan(0);
    const months = query<{ dec: number; jun: number }>(
      full,
      "SELECT sum(substr(ordered_at, 6, 2) = '12') AS dec, sum(substr(ordered_at, 6, 2) = '06') AS jun FROM orders",
    );
    expect(months.dec).toBeGreaterThan(months.jun * 1.4);
  });

  it('is the same for the same seed and different for another', () => {
    const a = join(dir, 'a.sqlite');
    const b = join(dir, 'b.sqlite');
    const c = join(dir, 'c.sqlite');
    generateDemoDatabase(a, { orderLines: 2_000, customers: 100, products: 40 });
    generateDemoDatabase(b, { orderLines: 2_000, customers: 100, products: 40 });
    generateDemoDatabase(c, { orderLines: 2_000, customers: 100, products: 40, seed: 7 });
    const fingerprint = (path: string) =>
      query<{ f: string }>(
        path,
        `SELECT (SELECT group_concat(name || email || signed_up_on) FROM customers)
             || (SELECT group_concat(order_id || ':' || product_id || ':' || quantity) FROM order_lines) AS f`,
      ).f;
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).not.toBe(fingerprint(c));
  });

  it('is created once: an existing file, edits included, is kept', () => {
    const dataDir = join(dir, 'data');
    const first = ensureDemoDatabase(dataDir, { orderLines: 500, customers: 20, products: 10 });
    expect(first.created?.customers).toBe(20);
    const db = new Database(first.path);
    db.prepare("UPDATE customers SET name = 'Edited' WHERE id = 1").run();
    db.close();
    const second = ensureDemoDatabase(dataDir);
    expect(second).toEqual({ path: first.path, created: undefined });
    expect(query<{ name: string }>(first.path, 'SELECT name FROM customers WHERE id = 1').name).toBe(
      'Edited',
    );
  });

  it('leaves no half-written file behind when writing fails', () => {
    // The final rename fails because a non-empty folder holds the name.
    const blocked = join(dir, 'blocked');
    mkdirSync(join(blocked, DEMO_FILE_NAME, 'occupied'), { recursive: true });
    expect(() => generateDemoDatabase(join(blocked, DEMO_FILE_NAME), { orderLines: 10 })).toThrow();
    expect(readdirSync(blocked)).toEqual([DEMO_FILE_NAME]);
  });

  it('refuses sizes it cannot fill', () => {
    expect(() => generateDemoDatabase(join(dir, 'tiny.sqlite'), { products: 3 })).toThrow(
      /at least 8 products/,
    );
    expect(readdirSync(dir)).not.toContain('tiny.sqlite');
  });
});
