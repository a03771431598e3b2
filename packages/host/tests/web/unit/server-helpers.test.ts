import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TableSchema } from '@nocoflo/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN_FILE, datasourceId, resolveAdminToken } from '../../../src/server/index.js';
import { readOptionsFromQuery } from '../../../src/server/read-options.js';
import { convertKey, convertRow } from '../../../src/server/values.js';

const dir = mkdtempSync(join(tmpdir(), 'ncf-token-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('admin token', () => {
  it('takes the environment (and removes it from there), then a file it creates once, readable by the owner only', () => {
    const env: NodeJS.ProcessEnv = { NOCOFLO_ADMIN_TOKEN: 'env-token' };
    expect(resolveAdminToken(dir, { env })).toEqual({ token: 'env-token', source: 'environment' });
    expect(env.NOCOFLO_ADMIN_TOKEN).toBeUndefined();
    const created = resolveAdminToken(dir, { env: {} });
    expect(created.source).toBe('new file');
    expect(created.token).toMatch(/^[0-9a-f]{48}$/);
    const path = join(dir, ADMIN_TOKEN_FILE);
    expect(readFileSync(path, 'utf8').trim()).toBe(created.token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(resolveAdminToken(dir, { env: {} })).toEqual({ token: created.token, source: 'file', path });
  });

  it('reads a given token file, makes it owner-only, and refuses a missing one', () => {
    const file = join(dir, 'elsewhere-token');
    writeFileSync(file, 'from-a-file\n', { mode: 0o644 });
    expect(resolveAdminToken(dir, { file, env: {} })).toEqual({
      token: 'from-a-file',
      source: 'file',
      path: file,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => resolveAdminToken(dir, { file: join(dir, 'missing'), env: {} })).toThrow(
      /NCF_SECRET_REFUSED|missing or empty/,
    );
  });
});

describe('datasource ids', () => {
  it.each([
    ['sqlite:/data/.nocoflo/demo.sqlite', 'demo'],
    ['sqlite:./My Shop.db', 'my-shop'],
    ['postgres://user:secret@localhost:5432/sales?sslmode=disable', 'sales'],
    ['sqlite::memory:', 'memory'],
    ['weird:', 'weird'],
  ])('%s → %s', (url, id) => {
    expect(datasourceId(url)).toBe(id);
  });
});

describe('read options from the query string', () => {
  it('takes sort as col:dir lists or JSON, filter as JSON', () => {
    expect(readOptionsFromQuery({ sort: 'a,b:desc', limit: '5', cursor: 'c1', columns: 'a,b' })).toEqual({
      sort: [
        { column: 'a', direction: 'asc' },
        { column: 'b', direction: 'desc' },
      ],
      limit: 5,
      cursor: 'c1',
      columns: ['a', 'b'],
    });
    expect(readOptionsFromQuery({ sort: '[{"column":"x:y","direction":"desc"}]' }).sort).toEqual([
      { column: 'x:y', direction: 'desc' },
    ]);
    expect(readOptionsFromQuery({ filter: '[{"column":"a","op":"in","value":[1,2]}]' }).filter).toEqual([
      { column: 'a', op: 'in', value: [1, 2] },
    ]);
  });

  it('takes filter groups (nested) and a quick search as q= or search=', () => {
    const filter =
      '[{"column":"a","op":"gt","value":1},{"or":[{"column":"b","op":"eq","value":"x"},{"and":[]}]}]';
    expect(readOptionsFromQuery({ filter, q: 'red apple' })).toEqual({
      filter: [
        { column: 'a', op: 'gt', value: 1 },
        { or: [{ column: 'b', op: 'eq', value: 'x' }, { and: [] }] },
      ],
      search: 'red apple',
    });
    expect(readOptionsFromQuery({ search: 'x' }).search).toBe('x');
    expect(readOptionsFromQuery({ q: '  ' }).search).toBeUndefined();
  });

  it.each([
    [{ filter: '[{"or":{"column":"a"}}]' }, /group/],
    [{ filter: '[{"or":[{"column":"a","op":"nope"}]}]' }, /op/],
    [{ limit: '10001' }, /limit/],
    [{ limit: 'x' }, /limit/],
    [{ filter: '{' }, /filter.*JSON/],
    [{ filter: '[{"column":"a","op":"like"}]' }, /op/],
    [{ sort: '[{"column":"a","direction":"up"}]' }, /direction/],
  ])('refuses %j', (query, message) => {
    expect(() => readOptionsFromQuery(query)).toThrow(message);
  });
});

const table: TableSchema = {
  name: 't',
  kind: 'table',
  columns: [
    { name: 'id', type: 'integer', nativeType: 'INT8', nullable: false, hasDefault: true },
    { name: 'ok', type: 'boolean', nativeType: 'BOOL', nullable: true, hasDefault: false },
    { name: 'on', type: 'date', nativeType: 'DATE', nullable: true, hasDefault: false },
    { name: 'at', type: 'timestamptz', nativeType: 'TIMESTAMPTZ', nullable: true, hasDefault: false },
    {
      name: 'kind',
      type: 'enum',
      nativeType: 'mood',
      nullable: true,
      hasDefault: false,
      enumValues: ['happy', 'sad'],
    },
    { name: 'doc', type: 'json', nativeType: 'JSONB', nullable: true, hasDefault: false },
    { name: 'total', type: 'integer', nativeType: 'INT', nullable: true, hasDefault: false, generated: true },
  ],
  primaryKey: ['id'],
  foreignKeys: [],
  writable: true,
};

describe('values checked against the schema', () => {
  it('converts form text to the column types', () => {
    expect(
      convertRow(
        table,
        {
          id: '9007199254740993',
          ok: 'false',
          on: '2024-02-29',
          at: '2024-05-31T13:45:00+02:00',
          kind: 'sad',
          doc: { a: [1] },
        },
        'values',
      ),
    ).toEqual({
      id: 9007199254740993n,
      ok: false,
      on: '2024-02-29',
      at: '2024-05-31 13:45:00+02:00',
      kind: 'sad',
      doc: { a: [1] },
    });
  });

  it.each([
    [{ on: '2023-02-29' }, /on: expected a date/],
    [{ ok: 'maybe' }, /ok: expected true or false/],
    [{ kind: 'angry' }, /"angry" is not one of happy, sad/],
    [{ at: 'yesterday' }, /at: expected a date and time/],
    [{ id: 1.5 }, /id: expected a whole number/],
    [{ total: 3 }, /total: the database computes this column/],
  ])('refuses %j', (values, message) => {
    expect(() => convertRow(table, values, 'values')).toThrow(message);
  });

  it('needs exactly the key columns, never NULL', () => {
    expect(convertKey(table, { id: '7' })).toEqual({ id: 7 });
    expect(() => convertKey(table, { id: null })).toThrow(/cannot be NULL/);
    expect(() => convertKey(table, { id: 1, ok: true })).toThrow(/ok is not part of the primary key/);
    expect(() => convertKey(table, 'id=1')).toThrow(/must be an object/);
  });
});
