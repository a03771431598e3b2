import { describe, expect, it } from 'vitest';
import { normaliseSqliteType } from '../../src/index.js';

describe('normaliseSqliteType', () => {
  it('follows SQLite affinity rules in their order', () => {
    const cases: Record<string, string> = {
      INTEGER: 'integer',
      'UNSIGNED BIG INT': 'integer',
      INT8: 'integer',
      // Rule 1 wins over everything: "POINT" contains INT, "TINYTEXT" does not.
      POINT: 'integer',
      'VARCHAR(255)': 'text',
      'NVARCHAR(70)': 'text',
      CLOB: 'text',
      CHARINT: 'integer',
      BLOB: 'binary',
      REAL: 'float',
      'DOUBLE PRECISION': 'float',
      FLOAT: 'float',
      '': 'unknown',
    };
    for (const [declared, type] of Object.entries(cases))
      expect(normaliseSqliteType(declared), declared).toBe(type);
  });

  it('reads intent from NUMERIC-affinity names', () => {
    const cases: Record<string, string> = {
      'NUMERIC(10,2)': 'decimal',
      DECIMAL: 'decimal',
      BOOLEAN: 'boolean',
      DATE: 'date',
      DATETIME: 'timestamp',
      TIMESTAMP: 'timestamp',
      TIME: 'time',
      JSON: 'json',
      UUID: 'uuid',
      MONEY: 'decimal',
    };
    for (const [declared, type] of Object.entries(cases))
      expect(normaliseSqliteType(declared), declared).toBe(type);
  });
});
