// Issue #12, item 7: forged input gets a 4xx, never a 5xx. Every query parameter of the
// data API's row reads (cursor, sort, filter ops and values, limit, columns) is fuzzed with
// random and structured garbage on SQLite and on PostgreSQL: no answer is a 5xx, and the
// database is exactly as it was.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost, createServer, type PluginHost } from '@nocoflo/host';
import postgresPlugin from '@nocoflo/postgres-datasource';
import { FILTER_OPERATORS } from '@nocoflo/sdk';
import sqlitePlugin from '@nocoflo/sqlite-datasource';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Pages and the data API need a signed-in actor: the admin token stands in for one. */
const ADMIN = { authorization: 'Bearer fuzz-admin-token' };
const PG_URL = process.env.NOCOFLO_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const TABLE = `fuzz_items_${suffix}`;

async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}
const hasPostgres = await postgresAvailable();

interface Backend {
  url: string;
  /** Every row, as JSON text, in key order. */
  snapshot(): Promise<string>;
  drop(): Promise<void>;
}

const ROWS = Array.from({ length: 12 }, (_, i) => [
  i + 1,
  `item ${i}`,
  i % 3 === 0 ? null : i * 7,
  `${i}.25`,
]);

async function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), 'ncf-fuzz-'));
  const file = join(dir, 'fuzz.db');
  const db = new Database(file);
  db.exec(
    `CREATE TABLE "${TABLE}" (id INTEGER PRIMARY KEY, label TEXT NOT NULL, qty INTEGER, price NUMERIC, data BLOB, at TIMESTAMP)`,
  );
  const insert = db.prepare(`INSERT INTO "${TABLE}" VALUES (?, ?, ?, ?, x'00ff', '2024-01-31T13:45:00Z')`);
  for (const row of ROWS) insert.run(...row);
  db.close();
  return {
    url: `sqlite:${file}`,
    async snapshot() {
      const reader = new Database(file, { readonly: true });
      try {
        const rows = reader.prepare(`SELECT * FROM "${TABLE}" ORDER BY id`).all();
        const tables = reader.prepare('SELECT name FROM sqlite_master ORDER BY name').all();
        return JSON.stringify({ rows, tables }, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
      } finally {
        reader.close();
      }
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresBackend(): Promise<Backend> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(
    `CREATE TABLE "${TABLE}" (id integer PRIMARY KEY, label text NOT NULL, qty integer, price numeric(10,2), data bytea, at timestamptz)`,
  );
  for (const row of ROWS)
    await client.query(
      `INSERT INTO "${TABLE}" VALUES ($1, $2, $3, $4, '\\x00ff', '2024-01-31T13:45:00Z')`,
      row,
    );
  return {
    url: PG_URL,
    async snapshot() {
      const rows = await client.query(`SELECT * FROM "${TABLE}" ORDER BY id`);
      const tables = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'fuzz_items_%' ORDER BY 1",
      );
      return JSON.stringify(
        { rows: rows.rows, tables: tables.rows.map((r) => r.table_name).includes(TABLE) },
        (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v),
      );
    },
    async drop() {
      await client.query(`DROP TABLE IF EXISTS "${TABLE}"`);
      await client.end();
    },
  };
}

const COLUMNS = ['id', 'label', 'qty', 'price', 'data', 'at'];
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Anything a cursor value could be forged as: scalars, tagged bigints and bytes with junk, nested things. */
const forgedValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.record({ $bigint: fc.oneof(fc.string(), fc.bigInt().map(String), fc.jsonValue({ maxDepth: 1 })) }),
  fc.record({ $bytes: fc.oneof(fc.base64String(), fc.string(), fc.jsonValue({ maxDepth: 1 })) }),
  fc.record({ $bigint: fc.string(), $bytes: fc.string() }),
  fc.constantFrom(1e308, -0, '1e999', 'NaN', '', '\u0000', "'; DROP TABLE x; --"),
);
/** A cursor of the right shape for the default sort, so forged values reach the query. */
const shapedCursor = fc
  .record({ d: fc.constantFrom('after', 'before'), v: fc.array(forgedValue, { minLength: 1, maxLength: 1 }) })
  .map(({ d, v }) => b64url({ d, v, s: 'id:asc' }));
const cursorParam = fc.oneof(
  shapedCursor,
  fc.string(),
  fc.string().map((s) => Buffer.from(s).toString('base64url')),
  fc.jsonValue({ maxDepth: 3 }).map(b64url),
  fc
    .record({
      d: fc.oneof(fc.constantFrom('after', 'before'), fc.jsonValue({ maxDepth: 1 })),
      v: fc.oneof(fc.array(forgedValue, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })),
      s: fc.oneof(
        fc.constantFrom('id:asc', 'label:asc,id:asc', 'qty:desc,id:asc', 'data:asc,id:asc'),
        fc.string(),
      ),
    })
    .map(b64url),
);
const columnName = fc.oneof(
  fc.constantFrom(...COLUMNS),
  fc.string(),
  fc.constantFrom('"id"', 'id;--', 'rowid', 'oid'),
);
const sortParam = fc.oneof(
  fc
    .array(fc.tuple(columnName, fc.constantFrom('', ':asc', ':desc', ':up', ':')), { maxLength: 4 })
    .map((parts) => parts.map(([c, d]) => `${c}${d}`).join(',')),
  fc
    .array(
      fc.record({
        column: fc.oneof(columnName, fc.jsonValue({ maxDepth: 1 })),
        direction: fc.jsonValue({ maxDepth: 1 }),
      }),
      {
        maxLength: 3,
      },
    )
    .map((v) => JSON.stringify(v)),
  fc.string(),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
);
const filterParam = fc.oneof(
  fc
    .array(
      fc.record({
        column: fc.oneof(columnName, fc.jsonValue({ maxDepth: 1 })),
        op: fc.oneof(fc.constantFrom(...FILTER_OPERATORS), fc.string()),
        value: fc.oneof(forgedValue, fc.array(forgedValue, { maxLength: 3 })),
      }),
      { maxLength: 3 },
    )
    .map((v) => JSON.stringify(v)),
  fc.string(),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
);
const limitParam = fc.oneof(
  fc.integer({ min: -5, max: 20_000 }).map(String),
  fc.string(),
  fc.constantFrom('1e3', '0x10', '9999999999999999999', '1.5', ''),
);
const columnsParam = fc.oneof(
  fc.array(columnName, { maxLength: 5 }).map((c) => c.join(',')),
  fc.string(),
);
const query = fc.record(
  { cursor: cursorParam, sort: sortParam, filter: filterParam, limit: limitParam, columns: columnsParam },
  { requiredKeys: [] },
);

const backends = [
  {
    name: 'sqlite',
    make: sqliteBackend,
    plugin: sqlitePlugin,
    pluginName: '@nocoflo/sqlite-datasource',
    skip: false,
  },
  {
    name: 'postgres',
    make: postgresBackend,
    plugin: postgresPlugin,
    pluginName: '@nocoflo/postgres-datasource',
    skip: !hasPostgres,
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`data API under forged input (${backend.name})`, () => {
    let db: Backend;
    let host: PluginHost;
    let app: Awaited<ReturnType<typeof createServer>>;
    let rowsUrl: string;
    beforeAll(async () => {
      db = await backend.make();
      host = await createHost({ root: tmpdir(), scanNodeModules: false, pluginDirs: [] });
      await host.start();
      await host.register(backend.plugin, { name: backend.pluginName });
      app = await createServer({ host, datasources: [db.url], adminToken: 'fuzz-admin-token' });
      const id = (await app.inject({ method: 'GET', url: '/api/datasources', headers: ADMIN })).json()
        .datasources[0].id;
      rowsUrl = `/api/datasources/${id}/tables/${encodeURIComponent(TABLE)}/rows`;
    });
    afterAll(async () => {
      await app?.close();
      await host?.stop();
      await db?.drop();
    });

    const read = (params: Record<string, string>) =>
      app.inject({ method: 'GET', url: `${rowsUrl}?${new URLSearchParams(params)}`, headers: ADMIN });

    it('answers forged cursors with 400 NCF_INVALID_QUERY naming the cursor parameter', async () => {
      const ok = await read({ limit: '2' });
      expect(ok.statusCode).toBe(200);
      for (const value of [
        { $bigint: 'abc' },
        { $bytes: 'AP8=' },
        { $bytes: '!!' },
        { nested: [1] },
        [1, 2],
      ]) {
        const response = await read({ cursor: b64url({ d: 'after', v: [value], s: 'id:asc' }) });
        expect({ value, status: response.statusCode }).toEqual({ value, status: 400 });
        expect(response.json().error.code).toBe('NCF_INVALID_QUERY');
        expect(response.json().error.message).toMatch(/"cursor" parameter/);
      }
      // A real cursor still pages on.
      const next = await read({ limit: '2', cursor: ok.json().nextCursor });
      expect(next.statusCode).toBe(200);
      expect(next.json().rows.map((r: { id: number }) => r.id)).toEqual([3, 4]);
      const bySort = await read({ limit: '2', sort: 'data:asc' });
      expect(bySort.statusCode).toBe(200);
      const again = await read({ limit: '2', sort: 'data:asc', cursor: bySort.json().nextCursor });
      expect(again.statusCode).toBe(200);
    });

    const noServerError = async (params: Record<string, string>) => {
      const response = await read(params);
      if (response.statusCode >= 500) {
        throw new Error(`${response.statusCode} for ${JSON.stringify(params)}: ${response.body}`);
      }
    };
    const single = {
      cursor: cursorParam,
      sort: sortParam,
      filter: filterParam,
      limit: limitParam,
      columns: columnsParam,
    };

    it.each(Object.keys(single) as (keyof typeof single)[])(
      'never answers 5xx to a fuzzed %s alone, and changes nothing',
      async (name) => {
        const before = await db.snapshot();
        await fc.assert(
          fc.asyncProperty(single[name], (value) => noServerError({ [name]: value })),
          { numRuns: 150 },
        );
        expect(await db.snapshot()).toBe(before);
      },
    );

    it('never answers 5xx to any combination of fuzzed parameters, and changes nothing', async () => {
      const before = await db.snapshot();
      await fc.assert(
        fc.asyncProperty(query, (params) => noServerError(params as Record<string, string>)),
        { numRuns: 300 },
      );
      expect(await db.snapshot()).toBe(before);
    });
  });
}
