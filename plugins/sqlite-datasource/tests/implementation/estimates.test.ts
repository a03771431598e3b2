import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../src/index.js';

describe('row count estimates', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reports the counts ANALYZE recorded, and none before it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ncf-estimates-'));
    dirs.push(dir);
    const file = join(dir, 'shop.db');
    const db = new Database(file);
    db.exec(
      'CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT); CREATE INDEX items_label ON items (label);',
    );
    const insert = db.prepare('INSERT INTO items (label) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 1234; i++) insert.run(`item ${i % 17}`);
    })();
    const before = await openSqlite(`sqlite:${file}`);
    expect((await before.listTables())[0]).toEqual({ name: 'items', kind: 'table' });
    await before.close();
    db.exec('ANALYZE');
    db.close();
    const after = await openSqlite(`sqlite:${file}`);
    expect((await after.listTables())[0]).toEqual({ name: 'items', kind: 'table', rowCountEstimate: 1234 });
    expect((await after.describeTable('items')).rowCountEstimate).toBe(1234);
    await after.close();
  });
});
