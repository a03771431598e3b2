import type { ColumnType } from '@nocoflo/sdk';

/**
 * Normalises a declared SQLite column type the way SQLite itself decides a column's
 * affinity (https://www.sqlite.org/datatype3.html#determination_of_column_affinity), in
 * the same order: INT → integer; CHAR, CLOB, TEXT → text; BLOB → binary; REAL, FLOA,
 * DOUB → float. What is left has NUMERIC affinity, where the declared name says what the
 * column holds: BOOLEAN, DATE, TIME, DATETIME/TIMESTAMP, JSON, UUID, else decimal. A column
 * with no declared type holds anything (`unknown`).
 */
export function normaliseSqliteType(declared: string): ColumnType {
  const type = declared.trim().toUpperCase();
  if (type === '') return 'unknown';
  if (type.includes('INT')) return 'integer';
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT')) return 'text';
  if (type.includes('BLOB')) return 'binary';
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return 'float';
  const base = type.replace(/\(.*$/, '').trim();
  if (base === 'BOOLEAN' || base === 'BOOL') return 'boolean';
  if (base === 'DATE') return 'date';
  if (base === 'TIME') return 'time';
  if (base === 'TIMESTAMPTZ' || /^TIMESTAMP\s+WITH\s+TIME\s+ZONE$/.test(base)) return 'timestamptz';
  if (base === 'DATETIME' || base.startsWith('TIMESTAMP')) return 'timestamp';
  if (base === 'JSON' || base === 'JSONB') return 'json';
  if (base === 'UUID' || base === 'GUID') return 'uuid';
  return 'decimal';
}
