import type { Row } from '@nocoflo/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type PostgresDatasource } from '../../src/index.js';
import { startTestPostgres, type TestPostgres } from '../fixtures/postgres-server.js';

const SCHEMA = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE kinds (
  id serial PRIMARY KEY,
  big bigint,
  price numeric(30, 10),
  ratio double precision,
  happy boolean,
  born date,
  seen timestamp,
  seen_tz timestamptz,
  doc jsonb,
  raw_doc json,
  tags text[],
  scores int4[],
  amounts numeric[],
  moods mood[],
  feeling mood,
  ident uuid,
  bytes bytea,
  code varchar(3)
);
CREATE TABLE parents (a int, b text, PRIMARY KEY (a, b));
CREATE TABLE children (id int PRIMARY KEY, pa int NOT NULL, pb text NOT NULL, FOREIGN KEY (pa, pb) REFERENCES parents (a, b));
INSERT INTO parents VALUES (1, 'x'), (1, 'y'), (2, 'x');
CREATE SCHEMA sales;
CREATE TABLE sales.orders (id bigint PRIMARY KEY, total numeric(12, 2) NOT NULL);
INSERT INTO sales.orders SELECT g, g * 1.25 FROM generate_series(1, 5000) g;
CREATE VIEW sales.big_orders AS SELECT id, total FROM sales.orders WHERE total > 6000;
CREATE VIEW sales.fragile AS SELECT id, 1 / (id - 2500) AS x FROM sales.orders;
CREATE TABLE keyless (v text);
INSERT INTO keyless VALUES ('b'), ('a'), (NULL);
`;

let server: TestPostgres;
let ds: PostgresDatasource;

beforeAll(async () => {
  server = await startTestPostgres();
  await server.admin.query(SCHEMA);
  ds = await openPostgres(server.url);
});

afterAll(async () => {
  await ds?.close();
  await server?.stop();
});

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; hint: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; hint: string };
  }
  throw new Error('expected a rejection');
}

describe('listing and describing', () => {
  it('lists public tables by name and other schemas as schema.table, sorted, views as views', async () => {
    const tables = await ds.listTables();
    const names = tables.map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['children', 'keyless', 'kinds', 'parents', 'sales.big_orders', 'sales.orders']),
    );
    expect(names).toEqual([...names].sort());
    expect(tables.find((t) => t.name === 'sales.big_orders')?.kind).toBe('view');
    // `public.kinds` is another spelling of `kinds`.
    expect((await ds.describeTable('public.kinds')).name).toBe('kinds');
  });

  it('normalises types from pg_catalog', async () => {
    const schema = await ds.describeTable('kinds');
    const types = Object.fromEntries(schema.columns.map((c) => [c.name, c.type]));
    expect(types).toEqual({
      id: 'integer',
      big: 'integer',
      price: 'decimal',
      ratio: 'float',
      happy: 'boolean',
      born: 'date',
      seen: 'timestamp',
      seen_tz: 'timestamptz',
      doc: 'json',
      raw_doc: 'json',
      tags: 'array',
      scores: 'array',
      amounts: 'array',
      moods: 'array',
      feeling: 'enum',
      ident: 'uuid',
      bytes: 'binary',
      code: 'text',
    });
    const byName = Object.fromEntries(schema.columns.map((c) => [c.name, c]));
    expect(byName.id).toMatchObject({ hasDefault: true, nullable: false, nativeType: 'integer' });
    expect(byName.price?.nativeType).toBe('numeric(30,10)');
    expect(byName.feeling?.enumValues).toEqual(['sad', 'ok', 'happy']);
    expect(byName.moods).toMatchObject({ elementType: 'enum', enumValues: ['sad', 'ok', 'happy'] });
    expect(byName.scores?.elementType).toBe('integer');
  });

  it('reports composite keys and foreign keys, and views as read-only', async () => {
    expect((await ds.describeTable('parents')).primaryKey).toEqual(['a', 'b']);
    expect((await ds.describeTable('children')).foreignKeys).toEqual([
      { columns: ['pa', 'pb'], referencedTable: 'parents', referencedColumns: ['a', 'b'] },
    ]);
    const view = await ds.describeTable('sales.big_orders');
    expect(view).toMatchObject({ kind: 'view', writable: false });
    expect((await failure(ds.insert('sales.big_orders', { id: 1, total: '1' }))).code).toBe('NCF_READ_ONLY');
    const keyless = await ds.describeTable('keyless');
    expect(keyless).toMatchObject({ primaryKey: [], writable: false });
    expect((await ds.readPage('keyless')).rows.map((r) => r.v)).toEqual([null, 'a', 'b']);
  });
});

describe('values', () => {
  it('round-trip exactly in the SDK conventions', async () => {
    const values: Row = {
      big: 9007199254740993n,
      price: '12345678901234567890.0123456789',
      ratio: 0.1 + 0.2,
      happy: true,
      born: '2024-02-29',
      seen: '2024-02-29T13:45:00.5',
      seen_tz: '2024-02-29T13:45:00+02:00',
      doc: { a: [1, 'two', null], b: { c: true } },
      raw_doc: [1, 2, 3],
      tags: ['a', 'b,c', 'd"e', null],
      scores: [1, 2],
      amounts: ['1.10', '2'],
      moods: ['sad', 'happy'],
      feeling: 'ok',
      ident: '0b6c1e1e-1c1f-4b6b-9a3e-0e4f0a6b1c2d',
      bytes: new Uint8Array([0, 1, 254, 255]),
      code: 'abc',
    };
    const inserted = await ds.insert('kinds', values);
    const [read] = (await ds.readPage('kinds', { filter: [{ column: 'id', op: 'eq', value: inserted.id! }] }))
      .rows;
    for (const row of [inserted, read!]) {
      expect(typeof row.id).toBe('number');
      expect({ ...row, seen_tz: new Date(row.seen_tz as string).toISOString(), id: undefined }).toEqual({
        ...values,
        seen_tz: '2024-02-29T11:45:00.000Z',
        price: '12345678901234567890.0123456789',
        id: undefined,
      });
      expect(row.seen_tz).toMatch(/^2024-02-29T\d{2}:45:00[+-]\d{2}:\d{2}$/);
    }
  });

  it('refuses values the column cannot hold, before or by the server', async () => {
    expect((await failure(ds.insert('kinds', { feeling: 'angry' }))).code).toBe('NCF_INVALID_VALUE');
    expect((await failure(ds.insert('kinds', { big: 1.5 }))).code).toBe('NCF_INVALID_VALUE');
    const tooLong = await failure(ds.insert('kinds', { code: 'abcd' }));
    expect(tooLong.code).toBe('NCF_INVALID_VALUE');
  });
});

describe('writes and constraints', () => {
  it('updates by composite key and maps constraint failures', async () => {
    await ds.insert('children', { id: 1, pa: 1, pb: 'x' });
    expect(await ds.update('children', { id: 1 }, { pb: 'y' })).toEqual({ id: 1, pa: 1, pb: 'y' });
    expect((await failure(ds.update('children', { id: 1 }, { pa: 9 }))).code).toBe(
      'NCF_CONSTRAINT_VIOLATION',
    );
    expect((await failure(ds.insert('children', { id: 1, pa: 1, pb: 'x' }))).code).toBe(
      'NCF_CONSTRAINT_VIOLATION',
    );
    expect((await failure(ds.insert('children', { id: 2, pa: 1 }))).code).toBe('NCF_CONSTRAINT_VIOLATION');
    expect(await ds.update('parents', { a: 2, b: 'x' }, { b: 'z' })).toEqual({ a: 2, b: 'z' });
    expect((await failure(ds.delete('parents', { a: 2, b: 'x' }))).code).toBe('NCF_ROW_NOT_FOUND');
  });

  it('opened read-only, refuses every write', async () => {
    const readOnly = await openPostgres(server.url, { readOnly: true });
    try {
      expect(readOnly.capabilities.write).toBe(false);
      expect((await readOnly.describeTable('parents')).writable).toBe(false);
      expect((await failure(readOnly.insert('parents', { a: 5, b: 'q' }))).code).toBe('NCF_READ_ONLY');
      expect((await readOnly.readPage('parents')).rows.length).toBeGreaterThan(0);
    } finally {
      await readOnly.close();
    }
  });
});

describe('reading', () => {
  it('pages forward and back with keyset cursors on a schema-qualified table', async () => {
    const sort = [{ column: 'total', direction: 'desc' as const }];
    const first = await ds.readPage('sales.orders', { limit: 100, sort });
    expect(first.rows[0]).toEqual({ id: 5000, total: '6250.00' });
    const second = await ds.readPage('sales.orders', { limit: 100, sort, cursor: first.nextCursor });
    expect(second.rows[0]).toEqual({ id: 4900, total: '6125.00' });
    const back = await ds.readPage('sales.orders', { limit: 100, sort, cursor: second.prevCursor });
    expect(back.rows).toEqual(first.rows);
    expect(back.prevCursor).toBeNull();
  });

  it('filters by a list as long as a query may bind, and names the filter past that', async () => {
    const ids = Array.from({ length: 30_000 }, (_, i) => i + 1);
    const page = await ds.readPage('sales.orders', {
      filter: [{ column: 'id', op: 'in', value: ids }],
      limit: 10,
    });
    expect(page.rows.map((r) => r.id)).toEqual(ids.slice(0, 10));
    const refused = await failure(
      ds.readPage('sales.orders', { filter: [{ column: 'id', op: 'in', value: [...ids, 30_001] }] }),
    );
    expect(refused.code).toBe('NCF_INVALID_QUERY');
    expect(refused.message).toContain('filter "in" on id has 30,001 values');
  });

  it('streams through a server-side cursor on one pooled connection, released at the end', async () => {
    const iterator = ds.stream('sales.orders', { batchSize: 250 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({ id: 1, total: '1.25' });
    // The stream holds one client for its cursor while it is open.
    expect(ds.pool.totalCount - ds.pool.idleCount).toBe(1);
    let count = 1;
    let last: Row | undefined;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      count++;
      last = next.value;
    }
    expect(count).toBe(5000);
    expect(last).toEqual({ id: 5000, total: '6250.00' });
    expect(ds.pool.totalCount - ds.pool.idleCount).toBe(0);
  });

  it('releases the stream connection on break and on abort', async () => {
    for await (const _row of ds.stream('sales.orders', { batchSize: 10 })) break;
    expect(ds.pool.totalCount - ds.pool.idleCount).toBe(0);
    const controller = new AbortController();
    const seen = await (async () => {
      let n = 0;
      for await (const _row of ds.stream('sales.orders', { batchSize: 10, signal: controller.signal })) {
        if (++n === 15) controller.abort();
      }
      return n;
    })();
    expect(seen).toBe(15);
    expect(ds.pool.totalCount - ds.pool.idleCount).toBe(0);
  });

  it('a stream the database fails rejects with a NocofloError and gives its connection back clean', async () => {
    const error = await failure(
      (async () => {
        for await (const _row of ds.stream('sales.fragile', { batchSize: 100 })) {
          // rows before the failing one may or may not arrive, depending on the plan
        }
      })(),
    );
    expect(`${error.code}: ${error.message}`).toMatch(/^NCF_DATASOURCE_ERROR: .*division by zero/);
    expect(ds.pool.totalCount - ds.pool.idleCount).toBe(0);
    // Every pooled connection still works (none was left inside an aborted transaction).
    const pages = await Promise.all(
      Array.from({ length: 6 }, () => ds.readPage('sales.orders', { limit: 1 })),
    );
    expect(pages.every((page) => page.rows.length === 1)).toBe(true);
  });

  it('aggregates in the database with exact sums and month buckets', async () => {
    const { rows } = await ds.aggregate('sales.orders', {
      measures: [
        { fn: 'count' },
        { fn: 'sum', column: 'total' },
        { fn: 'sum', column: 'id' },
        { fn: 'avg', column: 'total' },
      ],
    });
    expect(rows).toEqual([
      {
        count: 5000,
        sum_total: '15628125.00',
        sum_id: '12502500',
        avg_total: expect.stringMatching(/^3125\.625/),
      },
    ]);
  });

  it('serves several clients at once (concurrent queries on separate pooled connections)', async () => {
    const other = await openPostgres(server.url);
    try {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? ds : other).readPage('sales.orders', {
            limit: 5,
            filter: [{ column: 'id', op: 'gt', value: i * 100 }],
          }),
        ),
      );
      expect(results.map((page) => page.rows[0]?.id)).toEqual(
        Array.from({ length: 12 }, (_, i) => i * 100 + 1),
      );
      expect(ds.pool.totalCount + other.pool.totalCount).toBeGreaterThan(2);
    } finally {
      await other.close();
    }
  });
});

describe('connections', () => {
  it('refuses a closed port and an unknown host with hints', async () => {
    const refused = await failure(openPostgres('postgres://postgres@127.0.0.1:1/x?connect_timeout=5'));
    expect(refused.code).toBe('NCF_CONNECTION_FAILED');
    expect(refused.hint).toMatch(/pg_isready/);
    const unknown = await failure(
      openPostgres('postgres://postgres@no-such-host.invalid:5432/x?connect_timeout=5'),
    );
    expect(unknown.code).toBe('NCF_CONNECTION_FAILED');
    expect(unknown.hint).toMatch(/host name/i);
  });

  it('refuses SSL with a hint when the server does not offer it', async () => {
    const url = new URL(server.url);
    url.searchParams.set('sslmode', 'require');
    const error = await failure(openPostgres(url.toString()));
    expect(error.code).toBe('NCF_CONNECTION_FAILED');
    expect(error.hint).toMatch(/sslmode/);
  });

  it.runIf(process.env.NOCOFLO_PG_URL)(
    'refuses a database that does not exist and an unknown role',
    async () => {
      const url = new URL(server.url);
      url.pathname = '/ncf_no_such_database';
      const missing = await failure(openPostgres(url.toString()));
      expect(missing.code).toBe('NCF_CONNECTION_FAILED');
      expect(missing.message).toContain('ncf_no_such_database');
      expect(missing.hint).toMatch(/createdb/);
      const role = new URL(server.url);
      role.username = 'ncf_no_such_role';
      role.password = 'secret';
      const refused = await failure(openPostgres(role.toString()));
      expect(refused.code).toBe('NCF_CONNECTION_FAILED');
      expect(refused.message).not.toContain('secret');
    },
  );

  it('close releases every connection, also one held by a paused stream', async () => {
    const other = await openPostgres(server.url);
    const iterator = other.stream('sales.orders', { batchSize: 10 })[Symbol.asyncIterator]();
    await iterator.next();
    expect(other.pool.totalCount - other.pool.idleCount).toBe(1);
    await other.close();
    expect(other.pool.totalCount).toBe(0);
    expect((await failure(iterator.next())).code).toBe('NCF_DATASOURCE_CLOSED');
    expect((await failure(other.testConnection())).code).toBe('NCF_DATASOURCE_CLOSED');
  });

  it('tests the connection', async () => {
    const info = await ds.testConnection();
    expect(info.serverVersion).toMatch(/^PostgreSQL \d+/);
  });
});
