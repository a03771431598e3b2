/**
 * The conformance fixture: five tables chosen so every datasource behaviour the suite
 * checks has data to bite on: ties in sort columns, NULLs, a composite primary key, a
 * single and a composite foreign key, text with LIKE wildcards and mixed case, hostile
 * identifiers and hostile values.
 */
import type { Row } from '@nocoflo/sdk';
import type { ConformanceFixture, FixtureTable } from './fixture-types.js';

/** Names of the fixture tables, for checks and for datasource authors. */
export const FIXTURE_TABLES = {
  /** 8 customers: integer key, Unicode names, nullable country. */
  customers: 'customers',
  /** 39 order lines: composite key (order_id, line_no), foreign key to customers, every sortable type. */
  orderLines: 'order_lines',
  /** Shipments: a composite foreign key to order_lines. */
  shipments: 'shipments',
  /** One nullable column per portable type, for value round-trips. */
  samples: 'samples',
  /** A table name with a quote, a double quote, a semicolon, `--` and a backslash. */
  hostile: `it's "odd"; -- \\table`,
} as const;

/** Hostile column names of the hostile table. */
export const HOSTILE_COLUMNS = {
  /** A column name with double quotes. */
  quoted: '"quoted" col',
  /** A column name that closes the identifier and starts a statement. */
  statement: 'x"; DROP TABLE customers; --',
  /** A column name with a backslash and a single quote. */
  backslash: "back\\slash 's",
} as const;

const SKUS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape'] as const;
const NOTES = [null, '100% cotton', 'a_b', 'Red', 'red', 'plain', 'under_score 50%', null, 'Zoë ☕'] as const;
const PRICES = ['3.50', '12.25', '0.99', '100.00', '7.05', '19.99', '1234.56'] as const;

function customers(): FixtureTable {
  const names = ['Ada', "O'Brien", 'Zoë', 'Łukasz', '東京', 'Bob', 'Chloé', 'Dmitri'];
  const countries = ['de', 'fr', null, 'jp', 'de', null, 'fr', 'us'];
  return {
    name: FIXTURE_TABLES.customers,
    columns: [
      { name: 'id', type: 'integer', nullable: false },
      { name: 'name', type: 'text', nullable: false },
      { name: 'country', type: 'text', nullable: true },
    ],
    primaryKey: ['id'],
    foreignKeys: [],
    rows: names.map((name, i) => ({ id: i + 1, name, country: countries[i] ?? null })),
  };
}

/** 15 orders with 1–4 lines each (39 rows), spread over 2024-01 … 2024-06. */
function orderLines(): FixtureTable {
  const rows: Row[] = [];
  let n = 0;
  for (let order = 1; order <= 15; order++) {
    const lines = (order % 4) + 1;
    for (let line = 1; line <= lines; line++) {
      n++;
      const month = (n % 6) + 1;
      const day = ((n * 7) % 28) + 1;
      rows.push({
        order_id: order,
        line_no: line,
        customer_id: ((order * 3) % 8) + 1,
        sku: SKUS[(n * 5) % SKUS.length] as string,
        quantity: ((n * 11) % 20) + 1,
        unit_price: PRICES[n % PRICES.length] as string,
        weight: n % 5 === 0 ? null : Math.round(((n * 37) % 100) * 0.25 * 100) / 100 + 0.5,
        shipped: n % 3 !== 0,
        ordered_on: `2024-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
        note: NOTES[n % NOTES.length] ?? null,
      });
    }
  }
  return {
    name: FIXTURE_TABLES.orderLines,
    columns: [
      { name: 'order_id', type: 'integer', nullable: false },
      { name: 'line_no', type: 'integer', nullable: false },
      { name: 'customer_id', type: 'integer', nullable: false },
      { name: 'sku', type: 'text', nullable: false },
      { name: 'quantity', type: 'integer', nullable: false },
      { name: 'unit_price', type: 'decimal', nullable: false },
      { name: 'weight', type: 'float', nullable: true },
      { name: 'shipped', type: 'boolean', nullable: false },
      { name: 'ordered_on', type: 'date', nullable: false },
      { name: 'note', type: 'text', nullable: true },
    ],
    primaryKey: ['order_id', 'line_no'],
    foreignKeys: [
      { columns: ['customer_id'], referencedTable: FIXTURE_TABLES.customers, referencedColumns: ['id'] },
    ],
    rows,
  };
}

function shipments(): FixtureTable {
  return {
    name: FIXTURE_TABLES.shipments,
    columns: [
      { name: 'id', type: 'integer', nullable: false },
      { name: 'order_id', type: 'integer', nullable: false },
      { name: 'line_no', type: 'integer', nullable: false },
      { name: 'carrier', type: 'text', nullable: false },
    ],
    primaryKey: ['id'],
    foreignKeys: [
      {
        columns: ['order_id', 'line_no'],
        referencedTable: FIXTURE_TABLES.orderLines,
        referencedColumns: ['order_id', 'line_no'],
      },
    ],
    rows: [
      { id: 1, order_id: 1, line_no: 1, carrier: 'dhl' },
      { id: 2, order_id: 2, line_no: 2, carrier: 'ups' },
      { id: 3, order_id: 3, line_no: 4, carrier: 'dhl' },
      { id: 4, order_id: 7, line_no: 1, carrier: 'fedex' },
    ],
  };
}

/** One nullable column per portable type, for round-trip checks; one all-NULL seed row. */
function samples(): FixtureTable {
  return {
    name: FIXTURE_TABLES.samples,
    columns: [
      { name: 'id', type: 'integer', nullable: false },
      { name: 'text_value', type: 'text', nullable: true },
      { name: 'int_value', type: 'integer', nullable: true },
      { name: 'decimal_value', type: 'decimal', nullable: true },
      { name: 'float_value', type: 'float', nullable: true },
      { name: 'bool_value', type: 'boolean', nullable: true },
      { name: 'date_value', type: 'date', nullable: true },
      { name: 'timestamp_value', type: 'timestamp', nullable: true },
      { name: 'binary_value', type: 'binary', nullable: true },
      { name: 'json_value', type: 'json', nullable: true },
    ],
    primaryKey: ['id'],
    foreignKeys: [],
    rows: [
      {
        id: 1,
        text_value: null,
        int_value: null,
        decimal_value: null,
        float_value: null,
        bool_value: null,
        date_value: null,
        timestamp_value: null,
        binary_value: null,
        json_value: null,
      },
    ],
  };
}

function hostile(): FixtureTable {
  const { quoted, statement, backslash } = HOSTILE_COLUMNS;
  return {
    name: FIXTURE_TABLES.hostile,
    columns: [
      { name: 'id', type: 'integer', nullable: false },
      { name: quoted, type: 'text', nullable: true },
      { name: statement, type: 'text', nullable: true },
      { name: backslash, type: 'text', nullable: true },
    ],
    primaryKey: ['id'],
    foreignKeys: [],
    rows: [
      { id: 1, [quoted]: `it's`, [statement]: `'); DROP TABLE customers; --`, [backslash]: '\\' },
      { id: 2, [quoted]: '"', [statement]: '1; DELETE FROM order_lines', [backslash]: "\\'" },
      { id: 3, [quoted]: null, [statement]: '-- comment', [backslash]: 'C:\\path\\' },
    ],
  };
}

/**
 * A fresh copy of the conformance fixture. Datasource authors normally never call this:
 * the suite passes it to their `create` function.
 *
 * @example
 * ```ts
 * import { conformanceFixture } from '@nocoflo/testing';
 *
 * // The tables, columns and rows the datasource suite expects; `create` receives a fresh copy.
 * for (const table of conformanceFixture().tables) {
 *   console.log(table.name, table.primaryKey, `${table.rows.length} rows`);
 * }
 * ```
 */
export function conformanceFixture(): ConformanceFixture {
  return { tables: [customers(), orderLines(), shipments(), samples(), hostile()] };
}
