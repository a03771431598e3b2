/**
 * Sample tables for the view conformance suite: schemas of many shapes for `canHandle`,
 * and data variants (empty, one row, NULLs, hostile, very wide) for `render`.
 */
import type { CellValue, ColumnType, Row } from '@nocoflo/sdk';
import type { MemoryColumnInit, MemoryTableInit } from '../../mocks/memory-datasource/table.js';

/** Marker inside every hostile payload; finding it in live markup means data escaped its text. */
export const XSS_TOKEN = 'ncfxss';

/** Markup-shaped strings a view must show as inert text. */
export const XSS_PAYLOADS: readonly string[] = [
  `<script>${XSS_TOKEN}(1)</script>`,
  `<img src=x onerror=${XSS_TOKEN}(2)>`,
  `"><svg onload=${XSS_TOKEN}(3)>`,
  `' onmouseover='${XSS_TOKEN}(4)' x='`,
  `</td></tr></table></div><${XSS_TOKEN}-5>`,
  `javascript:${XSS_TOKEN}(6)`,
  `</script><script>${XSS_TOKEN}(7)</script>`,
  `<style>body{background:url(${XSS_TOKEN})}</style>`,
  `<a href="javascript:${XSS_TOKEN}(8)">link</a>`,
];

const mixedColumns: MemoryColumnInit[] = [
  { name: 'id', type: 'integer' },
  { name: 'label', type: 'text', nullable: false },
  { name: 'category', type: 'text' },
  { name: 'amount', type: 'decimal' },
  { name: 'qty', type: 'integer' },
  { name: 'ratio', type: 'float' },
  { name: 'created_on', type: 'date' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'flag', type: 'boolean' },
  { name: 'payload', type: 'json' },
  { name: 'blob', type: 'binary' },
];

function mixedRow(i: number): Row {
  return {
    id: i,
    label: `item ${i}`,
    category: ['north', 'south', 'east'][i % 3] as string,
    amount: `${i * 3}.${String((i * 7) % 100).padStart(2, '0')}`,
    qty: (i * 5) % 17,
    ratio: i / 7,
    created_on: `2024-0${(i % 9) + 1}-1${i % 9}`,
    created_at: `2024-0${(i % 9) + 1}-1${i % 9}T1${i % 9}:30:00`,
    flag: i % 2 === 0,
    payload: { i, tags: ['a', 'b'] },
    blob: new Uint8Array([i, 0, 255]),
  };
}

/** The default table views are rendered with: every common type, 12 rows. */
export function mixedTable(): MemoryTableInit {
  return {
    columns: mixedColumns,
    primaryKey: ['id'],
    rows: Array.from({ length: 12 }, (_, i) => mixedRow(i + 1)),
  };
}

const SAMPLE_VALUES: Record<ColumnType, CellValue> = {
  text: 'text',
  integer: 9007199254740993n,
  decimal: '12345678901234567890.123',
  float: 1.5,
  boolean: true,
  date: '2024-02-29',
  time: '13:45:00',
  timestamp: '2024-02-29T13:45:00',
  timestamptz: '2024-02-29T13:45:00Z',
  json: { nested: { big: 1 }, list: [1, 'two', null] },
  uuid: '123e4567-e89b-12d3-a456-426614174000',
  binary: new Uint8Array([0, 1, 2, 255]),
  array: [1, 2, 3],
  enum: 'red',
  unknown: 'opaque',
};

function everyTypeTable(): MemoryTableInit {
  const types = Object.keys(SAMPLE_VALUES) as ColumnType[];
  return {
    columns: [
      { name: 'id', type: 'integer' },
      ...types.map((type) => ({
        name: `${type}_col`,
        type,
        ...(type === 'enum' ? { enumValues: ['red', 'green'] } : {}),
      })),
    ],
    primaryKey: ['id'],
    rows: [
      { id: 1, ...Object.fromEntries(types.map((t) => [`${t}_col`, SAMPLE_VALUES[t]])) },
      { id: 2, ...Object.fromEntries(types.map((t) => [`${t}_col`, null])) },
    ],
  };
}

function wideTable(base: MemoryTableInit, extra = 150): MemoryTableInit {
  const types: ColumnType[] = ['text', 'integer', 'float', 'date', 'boolean'];
  const extraColumns = Array.from({ length: extra }, (_, i) => ({
    name: `extra_${i}`,
    type: types[i % types.length] as ColumnType,
  }));
  const value = (type: ColumnType, i: number): CellValue =>
    type === 'text'
      ? `v${i}`
      : type === 'integer'
        ? i
        : type === 'float'
          ? i / 3
          : type === 'date'
            ? '2024-01-01'
            : i % 2 === 0;
  return {
    ...base,
    columns: [...(base.columns ?? []), ...extraColumns],
    rows: (base.rows ?? [])
      .slice(0, 5)
      .map((r) => ({ ...r, ...Object.fromEntries(extraColumns.map((c, i) => [c.name, value(c.type, i)])) })),
  };
}

function nonKeyColumns(base: MemoryTableInit): MemoryColumnInit[] {
  const key = base.primaryKey ?? ['id'];
  return (base.columns ?? [])
    .map((c) => (typeof c === 'string' ? { name: c } : c))
    .filter((c) => !key.includes(c.name));
}

/** The data variants a view must render, derived from a base table. */
export function renderVariants(
  base: MemoryTableInit,
): Record<'full' | 'empty' | 'oneRow' | 'nulls' | 'wide' | 'hostile', MemoryTableInit> {
  const rows = base.rows ?? [];
  const columns = (base.columns ?? []).map((c) => (typeof c === 'string' ? { name: c } : c));
  const loose = columns.map((c) => ({ ...c, nullable: !(base.primaryKey ?? ['id']).includes(c.name) }));
  const textColumns = nonKeyColumns(base).filter((c) => c.type === undefined || c.type === 'text');
  const jsonColumns = nonKeyColumns(base).filter((c) => c.type === 'json');
  const hostileColumn = `<img src=x onerror=${XSS_TOKEN}(9)>`;
  return {
    full: base,
    empty: { ...base, rows: [] },
    oneRow: { ...base, rows: rows.slice(0, 1) },
    nulls: {
      ...base,
      columns: loose,
      rows: rows
        .slice(0, 3)
        .map((r) => ({ ...r, ...Object.fromEntries(nonKeyColumns(base).map((c) => [c.name, null])) })),
    },
    wide: wideTable(base),
    hostile: {
      ...base,
      columns: [...columns, { name: hostileColumn, type: 'text' }],
      rows: XSS_PAYLOADS.map((payload, i) => ({
        ...(rows[i % Math.max(rows.length, 1)] ?? {}),
        ...Object.fromEntries(textColumns.map((c) => [c.name, payload])),
        ...Object.fromEntries(jsonColumns.map((c) => [c.name, { html: payload }])),
        [hostileColumn]: payload,
        ...((base.primaryKey ?? ['id']).length === 1
          ? { [(base.primaryKey ?? ['id'])[0] as string]: 1000 + i }
          : {}),
      })),
    },
  };
}

/**
 * Schemas of many shapes, by name, that `canHandle` must answer for without throwing.
 *
 * @example
 * ```ts
 * import type { ViewDefinition } from '@nocoflo/sdk';
 * import { createMemoryDatasource, sampleTables } from '@nocoflo/testing';
 * import { expect, it } from 'vitest';
 * declare const myView: ViewDefinition; // the view under test
 *
 * // The table shapes the view suite asks canHandle about: empty, keyless, wide, every type, …
 * it('declines tables without columns', async () => {
 *   const tables = sampleTables();
 *   const ds = createMemoryDatasource({ tables });
 *   for (const name of Object.keys(tables)) {
 *     const schema = await ds.describeTable(name);
 *     if (schema.columns.length === 0) expect(myView.canHandle(schema)).toBe(false);
 *   }
 * });
 * ```
 */
export function sampleTables(): Record<string, MemoryTableInit> {
  return {
    mixed: mixedTable(),
    textOnly: {
      columns: [
        { name: 'code', type: 'text' },
        { name: 'description', type: 'text' },
      ],
      primaryKey: ['code'],
      rows: [{ code: 'a', description: 'alpha' }],
    },
    noPrimaryKey: {
      columns: [
        { name: 'a', type: 'integer' },
        { name: 'b', type: 'text' },
      ],
      primaryKey: [],
      rows: [{ a: 1, b: 'x' }],
    },
    compositeKey: {
      columns: [
        { name: 'order_id', type: 'integer' },
        { name: 'line_no', type: 'integer' },
        { name: 'sku', type: 'text' },
        { name: 'qty', type: 'integer' },
      ],
      primaryKey: ['order_id', 'line_no'],
      rows: [{ order_id: 1, line_no: 1, sku: 'apple', qty: 3 }],
    },
    timeSeries: {
      columns: [
        { name: 'day', type: 'date' },
        { name: 'value', type: 'float' },
        { name: 'count', type: 'integer' },
      ],
      primaryKey: ['day'],
      rows: Array.from({ length: 30 }, (_, i) => ({
        day: `2024-01-${String(i + 1).padStart(2, '0')}`,
        value: Math.sin(i),
        count: i,
      })),
    },
    everyType: everyTypeTable(),
    wide: wideTable(mixedTable()),
    noColumns: { columns: [], primaryKey: [], rows: [] },
    readOnlyView: { ...mixedTable(), kind: 'view' },
  };
}
