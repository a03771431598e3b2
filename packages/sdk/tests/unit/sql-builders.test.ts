import type { ColumnSchema, TableSchema } from '@nocoflo/sdk';
import { isNocofloError } from '@nocoflo/sdk';
import {
  compileFilters,
  decodeCursor,
  escapeGlob,
  finishPage,
  keysetCondition,
  orderByClause,
  planAggregate,
  planDelete,
  planFetch,
  planInsert,
  planPage,
  planUpdate,
  resolveSortKeys,
  type SqlDialect,
  SqlParams,
  selectList,
  validateValue,
} from '@nocoflo/sdk/sql';
import { describe, expect, it } from 'vitest';

const column = (name: string, type: ColumnSchema['type'], nullable = true): ColumnSchema => ({
  name,
  type,
  nativeType: type,
  nullable,
  hasDefault: false,
});

const orders: TableSchema = {
  name: 'orders',
  kind: 'table',
  columns: [
    column('order_id', 'integer', false),
    column('line_no', 'integer', false),
    column('sku', 'text', false),
    column('note', 'text'),
    column('price', 'decimal'),
    column('shipped', 'boolean'),
    column('ordered_on', 'date'),
  ],
  primaryKey: ['order_id', 'line_no'],
  foreignKeys: [],
  writable: true,
};

const question: SqlDialect = {
  name: 'question',
  placeholder: 'question',
  nullsSortAs: 'smallest',
  textMatch: 'glob',
  toParam: (value) => (typeof value === 'boolean' ? Number(value) : value),
  bucket: (sql, bucket) => `bucket_${bucket}(${sql})`,
};
const dollar: SqlDialect = {
  ...question,
  name: 'dollar',
  placeholder: 'dollar',
  nullsSortAs: 'largest',
  textMatch: 'like',
  toParam: (value) => value,
};

const errorCode = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return isNocofloError(error) ? error.code : `not a NocofloError: ${String(error)}`;
  }
  return undefined;
};

describe('SqlParams', () => {
  it('hands out ? or $n placeholders in the order values are added', () => {
    const q = new SqlParams('question');
    const d = new SqlParams('dollar');
    expect([q.add(1), q.add('a')]).toEqual(['?', '?']);
    expect([d.add(1), d.add('a'), d.add(null)]).toEqual(['$1', '$2', '$3']);
    expect(d.values).toEqual([1, 'a', null]);
  });
});

describe('compileFilters', () => {
  it('binds every operand and quotes every column', () => {
    const params = new SqlParams('dollar');
    const sql = compileFilters(
      orders,
      [
        { column: 'sku', op: 'eq', value: "x'; DROP TABLE orders; --" },
        { column: 'order_id', op: 'in', value: [1, 2] },
        { column: 'note', op: 'isNull' },
      ],
      dollar,
      params,
    );
    expect(sql).toEqual(['"sku" = $1', '"order_id" IN ($2, $3)', '"note" IS NULL']);
    expect(params.values).toEqual(["x'; DROP TABLE orders; --", 1, 2]);
  });

  it('matches text literally and case-sensitively when asked: LIKE with escapes, or GLOB with bracketed wildcards', () => {
    const like = new SqlParams('dollar');
    expect(
      compileFilters(
        orders,
        [{ column: 'note', op: 'contains', value: '100%_a\\', caseSensitive: true }],
        dollar,
        like,
      ),
    ).toEqual([`"note" LIKE $1 ESCAPE '\\'`]);
    expect(like.values).toEqual(['%100\\%\\_a\\\\%']);
    const glob = new SqlParams('question');
    expect(
      compileFilters(
        orders,
        [{ column: 'note', op: 'startsWith', value: 'a*?[b', caseSensitive: true }],
        question,
        glob,
      ),
    ).toEqual(['"note" GLOB ?']);
    expect(glob.values).toEqual(['a[*][?][[]b*']);
    expect(escapeGlob('*')).toBe('[*]');
  });

  it('ignores case by default: both sides lowercased by the database, wildcards still literal', () => {
    const params = new SqlParams('question');
    expect(
      compileFilters(orders, [{ column: 'note', op: 'endsWith', value: 'A_b*' }], question, params),
    ).toEqual([`lower("note") LIKE lower(?) ESCAPE '\\'`]);
    expect(params.values).toEqual(['%A\\_b*']);
    expect(() =>
      compileFilters(
        orders,
        [{ column: 'note', op: 'contains', value: 'a', caseSensitive: 'yes' as unknown as boolean }],
        question,
        new SqlParams('question'),
      ),
    ).toThrow(/caseSensitive must be true or false/);
  });

  it('treats eq/neq null as IS NULL / IS NOT NULL, and empty lists as false/true', () => {
    const params = new SqlParams('question');
    const sql = compileFilters(
      orders,
      [
        { column: 'note', op: 'eq', value: null },
        { column: 'note', op: 'neq', value: null },
        { column: 'order_id', op: 'in', value: [] },
        { column: 'order_id', op: 'notIn', value: [] },
      ],
      question,
      params,
    );
    expect(sql).toEqual(['"note" IS NULL', '"note" IS NOT NULL', '1 = 0', '1 = 1']);
    expect(params.values).toEqual([]);
  });

  it('converts values through the dialect after validating them', () => {
    const params = new SqlParams('question');
    compileFilters(orders, [{ column: 'shipped', op: 'eq', value: true }], question, params);
    expect(params.values).toEqual([1]);
  });

  it('refuses unknown columns, operators, and values of the wrong shape or type', () => {
    const run = (filter: unknown) => () =>
      compileFilters(orders, [filter as never], dollar, new SqlParams('dollar'));
    expect(errorCode(run({ column: 'nope', op: 'eq', value: 1 }))).toBe('NCF_COLUMN_NOT_FOUND');
    expect(errorCode(run({ column: 'sku', op: 'like', value: 'a' }))).toBe('NCF_INVALID_QUERY');
    expect(errorCode(run({ column: 'sku', op: 'in', value: 'a' }))).toBe('NCF_INVALID_QUERY');
    expect(errorCode(run({ column: 'sku', op: 'contains', value: 3 }))).toBe('NCF_INVALID_QUERY');
    expect(errorCode(run({ column: 'order_id', op: 'eq', value: 'abc' }))).toBe('NCF_INVALID_VALUE');
    expect(errorCode(run({ column: 'order_id', op: 'lt', value: null }))).toBe('NCF_INVALID_QUERY');
  });
});

describe('compileFilters: bound value cap', () => {
  const ids = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i);

  it('binds lists up to 30,000 values in all', () => {
    const params = new SqlParams('dollar');
    compileFilters(
      orders,
      [
        { column: 'order_id', op: 'in', value: ids(20_000) },
        { column: 'line_no', op: 'notIn', value: ids(10_000) },
      ],
      dollar,
      params,
    );
    expect(params.values).toHaveLength(30_000);
  });

  it('refuses the list that would pass the cap, naming it, before the database does', () => {
    const run = () =>
      compileFilters(
        orders,
        [
          { column: 'order_id', op: 'in', value: ids(20_000) },
          { column: 'line_no', op: 'notIn', value: ids(10_001) },
        ],
        dollar,
        new SqlParams('dollar'),
      );
    expect(errorCode(run)).toBe('NCF_INVALID_QUERY');
    expect(run).toThrow(/filter "notIn" on line_no has 10,001 values.*split the list/);
  });
});

describe('validateValue', () => {
  it('normalises to the SDK conventions', () => {
    const id = column('id', 'integer');
    expect(validateValue('t', id, '42')).toBe(42);
    expect(validateValue('t', id, '9007199254740993')).toBe(9007199254740993n);
    expect(validateValue('t', id, 9007199254740993n)).toBe(9007199254740993n);
    expect(validateValue('t', id, 7n)).toBe(7);
    expect(validateValue('t', column('p', 'decimal'), 1.5)).toBe('1.5');
    expect(validateValue('t', column('j', 'json'), { a: [1, 'x'] })).toEqual({ a: [1, 'x'] });
    expect(validateValue('t', column('d', 'date'), null)).toBeNull();
  });

  it('refuses values that do not fit, naming table and column', () => {
    const cases: [ColumnSchema['type'], unknown][] = [
      ['integer', 1.5],
      ['integer', 2 ** 60],
      ['decimal', '1.2.3'],
      ['boolean', 'true'],
      ['date', '31/01/2024'],
      ['uuid', 'not-a-uuid'],
      ['binary', 'AAEC'],
      ['json', 1n],
      ['text', 5],
    ];
    for (const [type, value] of cases) {
      expect(
        errorCode(() => validateValue('t', column('c', type), value)),
        `${type} ${String(value)}`,
      ).toBe('NCF_INVALID_VALUE');
    }
    const enumColumn = { ...column('e', 'enum'), enumValues: ['a', 'b'] };
    expect(errorCode(() => validateValue('t', enumColumn, 'c'))).toBe('NCF_INVALID_VALUE');
  });
});

describe('keyset', () => {
  it('appends the primary key to the sort and refuses duplicates and bad directions', () => {
    const keys = resolveSortKeys(orders, [{ column: 'note', direction: 'desc' }]);
    expect(keys.map((k) => `${k.column.name}:${k.direction}`)).toEqual([
      'note:desc',
      'order_id:asc',
      'line_no:asc',
    ]);
    expect(
      errorCode(() =>
        resolveSortKeys(orders, [
          { column: 'sku', direction: 'asc' },
          { column: 'sku', direction: 'desc' },
        ]),
      ),
    ).toBe('NCF_INVALID_QUERY');
    expect(errorCode(() => resolveSortKeys(orders, [{ column: 'sku', direction: 'up' as never }]))).toBe(
      'NCF_INVALID_QUERY',
    );
  });

  it('orders NULLs as smallest: explicitly where the database puts them last', () => {
    const keys = resolveSortKeys(orders, [{ column: 'note', direction: 'asc' }]);
    expect(orderByClause(keys, dollar)).toBe('"note" ASC NULLS FIRST, "order_id" ASC, "line_no" ASC');
    expect(orderByClause(keys, dollar, true)).toBe('"note" DESC NULLS LAST, "order_id" DESC, "line_no" DESC');
    expect(orderByClause(keys, question)).toBe('"note" ASC, "order_id" ASC, "line_no" ASC');
  });

  it('uses a row-value comparison when keys are NOT NULL and go one way', () => {
    const keys = resolveSortKeys(orders, []);
    const params = new SqlParams('dollar');
    expect(keysetCondition(keys, [3, 4], 'after', dollar, params)).toBe('("order_id", "line_no") > ($1, $2)');
    expect(keysetCondition(keys, [3, 4], 'before', dollar, new SqlParams('dollar'))).toBe(
      '("order_id", "line_no") < ($1, $2)',
    );
    expect(params.values).toEqual([3, 4]);
  });

  it('expands nullable keys with NULL-aware terms, binding ? parameters in text order', () => {
    const keys = resolveSortKeys(orders, [{ column: 'note', direction: 'desc' }]);
    const params = new SqlParams('question');
    const sql = keysetCondition(keys, ['b', 1, 2], 'after', question, params);
    expect(sql).toBe(
      '(("note" < ? OR "note" IS NULL)) OR ("note" = ? AND "order_id" > ?) OR ("note" = ? AND "order_id" = ? AND "line_no" > ?)',
    );
    expect(params.values).toEqual(['b', 'b', 1, 'b', 1, 2]);
    // After a NULL going down, nothing is smaller: only ties on NULL with a bigger key follow.
    const afterNull = new SqlParams('question');
    expect(keysetCondition(keys, [null, 1, 2], 'after', question, afterNull)).toBe(
      '("note" IS NULL AND "order_id" > ?) OR ("note" IS NULL AND "order_id" = ? AND "line_no" > ?)',
    );
    expect(afterNull.values).toEqual([1, 1, 2]);
    // Going up from NULL, every non-NULL follows.
    const ascending = resolveSortKeys(orders, [{ column: 'note', direction: 'asc' }]);
    expect(keysetCondition(ascending, [null, 1, 2], 'after', question, new SqlParams('question'))).toMatch(
      /^\("note" IS NOT NULL\) OR/,
    );
  });
});

describe('selectList', () => {
  it('aliases only the names a database may report otherwise (SQLite rowid aliases)', () => {
    const columns = [column('rowid', 'integer'), column('OID', 'integer'), column('Name', 'text')];
    expect(selectList(columns)).toBe('"rowid" AS "rowid", "OID" AS "OID", "Name"');
  });
});

describe('planPage / finishPage', () => {
  const context = { from: '"orders"', dialect: dollar };

  it('reads limit + 1 rows and makes cursors that round-trip the key values', () => {
    const plan = planPage(orders, { limit: 2, columns: ['sku'] }, context);
    // The validated limit is written into the SQL; only filter and cursor values are bound.
    expect(plan.sql).toBe(
      'SELECT "sku", "order_id", "line_no" FROM "orders" ORDER BY "order_id" ASC, "line_no" ASC LIMIT 3',
    );
    expect(plan.params).toEqual([]);
    const rows = [1, 2, 3].map((n) => ({ sku: `s${n}`, order_id: n, line_no: 9007199254740993n }));
    const page = finishPage(plan, rows);
    expect(page.rows.map((r) => r.sku)).toEqual(['s1', 's2']);
    expect(page.prevCursor).toBeNull();
    const cursor = decodeCursor(page.nextCursor!, plan.fingerprint);
    expect(cursor).toEqual({ direction: 'after', values: [2, 9007199254740993n], sort: plan.fingerprint });
  });

  it('reads a before-page in reverse and restores its order; hides sort-only columns', () => {
    const first = planPage(
      orders,
      { limit: 1, sort: [{ column: 'note', direction: 'asc' }], columns: ['sku'] },
      context,
    );
    const page = finishPage(first, [
      { sku: 'a', note: 'x', order_id: 1, line_no: 1 },
      { sku: 'b', note: 'y', order_id: 1, line_no: 2 },
    ]);
    expect(page.rows).toEqual([{ sku: 'a', order_id: 1, line_no: 1 }]);
    const back = planPage(
      orders,
      { limit: 2, sort: [{ column: 'note', direction: 'asc' }], columns: ['sku'], cursor: page.nextCursor },
      context,
    );
    const prev = planPage(
      orders,
      {
        limit: 2,
        sort: [{ column: 'note', direction: 'asc' }],
        columns: ['sku'],
        cursor: finishPage(back, [{ sku: 'b', note: 'y', order_id: 1, line_no: 2 }]).prevCursor,
      },
      context,
    );
    expect(prev.mode).toBe('before');
    expect(prev.sql).toContain('ORDER BY "note" DESC NULLS LAST, "order_id" DESC, "line_no" DESC');
    const restored = finishPage(prev, [
      { sku: 'a', note: 'x', order_id: 1, line_no: 1 },
      { sku: 'z', note: null, order_id: 0, line_no: 0 },
    ]);
    expect(restored.rows.map((r) => r.sku)).toEqual(['z', 'a']);
    expect(restored.prevCursor).toBeNull();
    expect(restored.nextCursor).not.toBeNull();
  });

  it('refuses bad limits and cursors made under another sort', () => {
    expect(errorCode(() => planPage(orders, { limit: 0 }, context))).toBe('NCF_INVALID_QUERY');
    expect(errorCode(() => planPage(orders, { limit: 10_001 }, context))).toBe('NCF_INVALID_QUERY');
    const page = finishPage(planPage(orders, { limit: 1 }, context), [
      { order_id: 1, line_no: 1 },
      { order_id: 1, line_no: 2 },
    ]);
    expect(
      errorCode(() =>
        planPage(orders, { cursor: page.nextCursor, sort: [{ column: 'sku', direction: 'asc' }] }, context),
      ),
    ).toBe('NCF_INVALID_QUERY');
  });
});

describe('planAggregate', () => {
  it('groups by keys and buckets, names measures fn_column, sorts by output position', () => {
    const plan = planAggregate(
      orders,
      {
        groupBy: ['sku', { column: 'ordered_on', bucket: 'month', as: 'month' }],
        measures: [{ fn: 'count' }, { fn: 'sum', column: 'price' }],
        filter: [{ column: 'shipped', op: 'eq', value: true }],
      },
      { from: '"orders"', dialect: dollar },
    );
    expect(plan.sql).toBe(
      'SELECT "sku" AS "sku", bucket_month("ordered_on") AS "month", count(*) AS "count", sum("price") AS "sum_price" FROM "orders" WHERE ("shipped" = $1) GROUP BY 1, 2 ORDER BY 1 ASC NULLS FIRST, 2 ASC NULLS FIRST LIMIT 1000',
    );
    expect(plan.params).toEqual([true]);
    expect(plan.outputs.map((o) => o.name)).toEqual(['sku', 'month', 'count', 'sum_price']);
  });

  it('refuses aggregates that cannot run', () => {
    const run = (query: unknown) => () =>
      planAggregate(orders, query as never, { from: '"orders"', dialect: dollar });
    expect(errorCode(run({ measures: [] }))).toBe('NCF_INVALID_QUERY');
    expect(errorCode(run({ measures: [{ fn: 'median', column: 'price' }] }))).toBe('NCF_INVALID_QUERY');
    expect(errorCode(run({ measures: [{ fn: 'sum' }] }))).toBe('NCF_INVALID_QUERY');
    expect(errorCode(run({ measures: [{ fn: 'sum', column: 'sku' }] }))).toBe('NCF_INVALID_QUERY');
    expect(
      errorCode(run({ groupBy: [{ column: 'sku', bucket: 'month' }], measures: [{ fn: 'count' }] })),
    ).toBe('NCF_INVALID_QUERY');
    expect(
      errorCode(run({ measures: [{ fn: 'count' }], sort: [{ column: 'nope', direction: 'asc' }] })),
    ).toBe('NCF_INVALID_QUERY');
    expect(errorCode(run({ measures: [{ fn: 'count', column: 'nope' }] }))).toBe('NCF_COLUMN_NOT_FOUND');
  });
});

describe('write plans', () => {
  const context = { from: '"orders"', dialect: question, writable: true };

  it('inserts, updates and deletes by the full key with bound values', () => {
    const insert = planInsert(orders, { order_id: 1, line_no: 2, sku: 'a', shipped: false }, context);
    expect(insert.sql).toMatch(
      /^INSERT INTO "orders" \("order_id", "line_no", "sku", "shipped"\) VALUES \(\?, \?, \?, \?\) RETURNING /,
    );
    expect(insert.params).toEqual([1, 2, 'a', 0]);
    const update = planUpdate(orders, { order_id: 1, line_no: 2 }, { note: 'n' }, context);
    expect(update.sql).toMatch(
      /^UPDATE "orders" SET "note" = \? WHERE "order_id" = \? AND "line_no" = \? RETURNING /,
    );
    expect(update.params).toEqual(['n', 1, 2]);
    expect(planDelete(orders, { order_id: 1, line_no: 2 }, context).sql).toBe(
      'DELETE FROM "orders" WHERE "order_id" = ? AND "line_no" = ?',
    );
  });

  it('leaves RETURNING out for dialects without it, and reads the row back by key', () => {
    const mysqlish = { ...context, dialect: { ...question, returning: false, emptyInsert: '() VALUES ()' } };
    expect(planInsert(orders, { order_id: 1, line_no: 2 }, mysqlish).sql).toBe(
      'INSERT INTO "orders" ("order_id", "line_no") VALUES (?, ?)',
    );
    expect(planInsert(orders, {}, mysqlish).sql).toBe('INSERT INTO "orders" () VALUES ()');
    expect(planUpdate(orders, { order_id: 1, line_no: 2 }, { note: 'n' }, mysqlish).sql).toBe(
      'UPDATE "orders" SET "note" = ? WHERE "order_id" = ? AND "line_no" = ?',
    );
    const fetch = planFetch(orders, { order_id: 1, line_no: 2 }, { from: '"orders"', dialect: question });
    expect(fetch.sql).toMatch(/^SELECT .* FROM "orders" WHERE "order_id" = \? AND "line_no" = \?$/);
    expect(fetch.params).toEqual([1, 2]);
    expect(errorCode(() => planFetch(orders, { order_id: 1 }, { from: '"orders"', dialect: question }))).toBe(
      'NCF_INVALID_QUERY',
    );
  });

  it('refuses incomplete keys, unknown columns and read-only targets', () => {
    expect(errorCode(() => planDelete(orders, { order_id: 1 }, context))).toBe('NCF_INVALID_QUERY');
    expect(errorCode(() => planDelete(orders, { order_id: 1, line_no: 1, sku: 'a' }, context))).toBe(
      'NCF_INVALID_QUERY',
    );
    expect(errorCode(() => planDelete(orders, { order_id: 1, nope: 1 }, context))).toBe(
      'NCF_COLUMN_NOT_FOUND',
    );
    expect(errorCode(() => planUpdate(orders, { order_id: 1, line_no: 1 }, { nope: 1 }, context))).toBe(
      'NCF_COLUMN_NOT_FOUND',
    );
    expect(errorCode(() => planInsert(orders, { sku: 1 }, context))).toBe('NCF_INVALID_VALUE');
    expect(errorCode(() => planInsert(orders, {}, { ...context, writable: false }))).toBe('NCF_READ_ONLY');
    expect(errorCode(() => planInsert({ ...orders, kind: 'view' }, {}, context))).toBe('NCF_READ_ONLY');
    expect(errorCode(() => planInsert({ ...orders, primaryKey: [] }, {}, context))).toBe('NCF_READ_ONLY');
  });
});
