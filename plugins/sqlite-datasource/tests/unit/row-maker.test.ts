import { rowMaker } from '@nocoflo/sdk';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

// The plugin reads rows as raw arrays and builds them with the SDK's rowMaker (its own tests
// cover names of every kind); here: the rows are the driver's own.
describe('rows built from the driver’s raw arrays', () => {
  it('match the driver’s own row objects: names, order, values, a repeated name', () => {
    const db = new Database(':memory:');
    const sql = `SELECT 1 AS id, 'a' AS label, NULL AS "note", 2.5 AS "price ""net""", x'00ff' AS bytes, 3 AS id`;
    const own = db.prepare(sql).get();
    const statement = db.prepare(sql).raw(true);
    const row = rowMaker(statement.columns().map((c) => c.name))(statement.get() as unknown[]);
    expect(row).toEqual(own);
    expect(Object.keys(row)).toEqual(Object.keys(own as object));
    db.close();
  });
});
