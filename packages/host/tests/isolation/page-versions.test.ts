/**
 * An isolated datasource's page crosses as the text JSON.stringify writes for it, and the
 * host adds its rows' versions read from that text (the plugin's thread, which also runs
 * the driver and writes the text, is the busier one), or, for a page JSON cannot carry,
 * with its versions computed in the plugin's thread or process; the versions are the host's
 * `rowVersion` of each row, and a write still checks the version it is sent against the row
 * as the host reads it.
 */
import { createServer, type PluginHost } from '@nocoflo/host';
import { type IsolationLevel, type Page, type Row, rowVersion } from '@nocoflo/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pageAnswer, pageFromAnswer } from '../../src/data/page-json.js';
import { attachPageVersions, pageVersions } from '../../src/data/page-versions.js';
import { packPage, unpackPage } from '../../src/runtime/isolated/page-wire.js';
import { FixtureRoot } from '../fixtures/fixture-root.js';
import { MEMORY_DATASOURCE, startHost, writePlugin } from './isolated-plugins.js';

// The memory datasource, plus a table whose rows JSON cannot carry (a bigint): that page
// crosses by structured clone instead, with its versions all the same.
const PLUGIN = `${MEMORY_DATASOURCE}
function withBigints(url) {
  const base = memoryDatasource(url);
  return {
    ...base,
    async readPage(table, options) {
      if (table !== 'big') return base.readPage(table, options);
      return { rows: [{ id: 1, n: 12345678901234567890n }, { id: 2, n: 2n }], nextCursor: null, prevCursor: null };
    },
  };
}
export default definePlugin({
  datasources: [{ name: 'memory', schemes: ['memory'], async open(url) { return withBigints(url); } }],
});
`;

const ADMIN = 'page-versions-admin-token';

describe.each<IsolationLevel>(['worker', 'process'])('pages of a datasource at the %s level', (level) => {
  const root = new FixtureRoot(`page-versions-${level}`);
  let host: PluginHost;
  let app: FastifyInstance;
  beforeAll(async () => {
    writePlugin(root, 'versioned', PLUGIN);
    host = await startHost(root, level);
    expect(host.get('versioned')?.runtime?.isolation).toBe(level);
    app = await createServer({ host, datasources: ['memory:x'], adminToken: ADMIN });
  });
  afterAll(async () => {
    await app?.close();
    await host?.stop();
    root.cleanup();
  });

  it('arrive with the host rowVersion of each row', async () => {
    const ds = await host.datasources.open('memory:y');
    const page = await ds.readPage('items', { limit: 3 });
    expect(pageVersions(page)).toEqual(page.rows.map((row) => rowVersion(row)));
    const big = await ds.readPage('big', {});
    expect(big.rows[0]?.n).toBe(12345678901234567890n);
    expect(pageVersions(big)).toEqual(big.rows.map((row) => rowVersion(row)));
    await ds.close();
  });

  it('reach the rows API answer in the JSON text the page crossed in', async () => {
    const headers = { authorization: `Bearer ${ADMIN}` };
    // The host's thread writes no page and parses none: the text came from the plugin's thread
    // or process, and the host added the versions it read from the rows' text.
    const stringify = vi.spyOn(JSON, 'stringify');
    const parse = vi.spyOn(JSON, 'parse');
    const response = await app.inject({ url: '/api/datasources/x/tables/items/rows?limit=2', headers });
    const written = stringify.mock.calls.filter(
      ([value]) => (value as { rows?: unknown })?.rows !== undefined,
    );
    const parsed = parse.mock.calls.filter(([text]) => String(text).includes('"rows"'));
    stringify.mockRestore();
    parse.mockRestore();
    expect(written).toEqual([]);
    expect(parsed).toEqual([]);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const answer = response.json();
    // Exactly the text the host writes for { ...page, versions }: no second `versions` key, no spacing.
    expect(response.body).toBe(JSON.stringify(answer));
    expect(answer).toEqual({
      rows: [
        { id: 1, label: 'one' },
        { id: 2, label: 'two' },
      ],
      nextCursor: null,
      prevCursor: null,
      versions: answer.rows.map((row: Row) => rowVersion(row)),
    });
    // A page JSON cannot carry crosses by structured clone and is written by the host (bigints as text).
    const big = (await app.inject({ url: '/api/datasources/x/tables/big/rows', headers })).json();
    expect(big.rows[0]).toEqual({ id: 1, n: '12345678901234567890' });
    expect(big.versions).toHaveLength(2);
  });

  it('are what the rows API answers, and a write with a stale one is still refused', async () => {
    const headers = { authorization: `Bearer ${ADMIN}` };
    const url = '/api/datasources/x/tables/items/rows';
    const answer = (await app.inject({ method: 'GET', url: `${url}?limit=2`, headers })).json();
    expect(answer.rows).toHaveLength(2);
    expect(answer.versions).toEqual(answer.rows.map((row: Row) => rowVersion(row)));

    const seen = answer.versions[0];
    const first = await app.inject({
      method: 'PATCH',
      url,
      headers,
      payload: { key: { id: 1 }, changes: { label: 'uno' }, version: seen },
    });
    expect(first.statusCode).toBe(200);
    const stale = await app.inject({
      method: 'PATCH',
      url,
      headers,
      payload: { key: { id: 1 }, changes: { label: 'eins' }, version: seen },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('NCF_ROW_CHANGED');
  });
});

describe('a page crossing as text', () => {
  const page = (): Page => ({ rows: [{ id: 1 }], nextCursor: 'n', prevCursor: null, estimatedTotal: 7 });
  const version = (row: Row) => `v${String(row.id)}`;

  it('is the text JSON.stringify writes for it, with the other fields beside it, in their order', () => {
    const wire = packPage({ nextCursor: null, rows: [{ id: 1 }, { id: 2 }], prevCursor: null }, version);
    expect(wire).toEqual({
      text: '{"nextCursor":null,"rows":[{"id":1},{"id":2}],"prevCursor":null}',
      fields: { nextCursor: null, rows: null, prevCursor: null },
    });
    expect(packPage({ rows: [] } as unknown as Page, version)).toEqual({
      text: '{"rows":[]}',
      fields: { rows: null },
    });
  });

  it('gets its rows’ versions on the host, read from the text, in the answer { ...page, versions }', () => {
    const rows: Row[] = [
      { id: 1, label: 'one', price: 1.5, ok: true, note: null },
      { id: 2, label: 'say "two"\t😀', price: -0.25, ok: false, note: 'x' },
      { id: 3, nested: { b: 1, a: [2] } },
      {},
    ];
    for (const original of [
      { rows, nextCursor: 'n', prevCursor: null, estimatedTotal: 7 },
      { rows, nextCursor: null, prevCursor: null },
      { rows: [] as Row[], nextCursor: null, prevCursor: null },
      { rows },
    ] as Page[]) {
      const parse = vi.spyOn(JSON, 'parse');
      const crossed = unpackPage(structuredClone(packPage(original, version)));
      const parsed = parse.mock.calls.length;
      parse.mockRestore();
      const versions = original.rows.map((row) => rowVersion(row));
      expect(pageAnswer(crossed)).toBe(JSON.stringify({ ...original, versions }));
      expect(pageVersions(crossed)).toEqual(versions);
      expect(crossed).toEqual(original);
      // Flat rows are read where they stand; a nested value or an empty row is parsed.
      expect(parsed).toBe(original.rows.length > 2 ? 1 : 0);
    }
  });

  it('is parsed, and versioned as an inline page is, when its text is not laid out as its fields say', () => {
    const rowsLast = { nextCursor: null, rows: [{ id: 1 }], prevCursor: null } as Page;
    const crossed = unpackPage(packPage(rowsLast, version));
    expect(crossed).toEqual(rowsLast);
    expect(pageAnswer(crossed)).toBeUndefined();
    expect(pageVersions(crossed)).toBeUndefined();
    // Text that does not end as its fields say, or whose rows are not rows.
    for (const text of ['{"rows":[{"id":1}],"nextCursor":"m"}', '{"rows":{"id":1},"nextCursor":"n"}']) {
      const odd = unpackPage({ text, fields: { rows: null, nextCursor: 'n' } });
      expect(odd).toEqual(JSON.parse(text));
      expect(pageAnswer(odd)).toBeUndefined();
    }
    expect(() => unpackPage({ text: '{"rows":[{"id":1}', fields: { rows: null } })).toThrow(SyntaxError);
  });

  it('parses its rows on the host only when they are read, and keeps the page as it was', () => {
    const original = page();
    const crossed = unpackPage(structuredClone(packPage(original, version)));
    const parse = vi.spyOn(JSON, 'parse');
    expect(crossed.nextCursor).toBe('n');
    expect(Object.keys(crossed)).toEqual(['rows', 'nextCursor', 'prevCursor', 'estimatedTotal']);
    expect(pageAnswer(crossed)).toBe(JSON.stringify({ ...original, versions: [rowVersion({ id: 1 })] }));
    expect(parse).not.toHaveBeenCalled();
    expect(crossed.rows).toEqual([{ id: 1 }]);
    expect(crossed.rows).toBe(crossed.rows);
    expect(parse).toHaveBeenCalledTimes(1);
    parse.mockRestore();
    expect(crossed).toEqual(original);
    expect(JSON.parse(JSON.stringify(crossed))).toEqual(original);
    expect(structuredClone(crossed)).toEqual(original);
    expect(pageVersions(crossed)).toEqual([rowVersion({ id: 1 })]);
  });

  it('shares one rows getter and setter with every other such page (no closures per page)', () => {
    // Accessors live in V8's hidden class: a closure pair per page gave every page a hidden
    // class of its own in the old generation, which kept each page (and its answer text)
    // alive through young-generation collections.
    const a = Object.getOwnPropertyDescriptor(unpackPage(packPage(page(), version)), 'rows');
    const b = Object.getOwnPropertyDescriptor(pageFromAnswer('{"rows":[{"id":2}]}', { rows: null }), 'rows');
    expect(typeof a?.get).toBe('function');
    expect(a?.get).toBe(b?.get);
    expect(a?.set).toBe(b?.set);
    expect(a?.enumerable).toBe(true);
  });

  it('forgets its answer once its rows are replaced', () => {
    const crossed = unpackPage(packPage(page(), version));
    crossed.rows = [{ id: 2 }];
    expect(crossed.rows).toEqual([{ id: 2 }]);
    expect(pageAnswer(crossed)).toBeUndefined();
  });

  it('crosses by structured clone, with its versions, when JSON cannot carry it or it has versions of its own', () => {
    const big = { rows: [{ id: 1n }], nextCursor: null, prevCursor: null } as Page;
    expect(packPage(big, version)).toEqual({ page: big, versions: ['v1'] });
    const own = { ...page(), versions: ['mine'] } as Page;
    expect(packPage(own, version)).toEqual({ page: own, versions: ['v1'] });
    const malformed = { nextCursor: null } as unknown as Page;
    expect(packPage(malformed, version)).toEqual({ page: malformed, versions: undefined });
    const thrown = packPage(big, () => {
      throw new Error('no');
    });
    expect(thrown).toEqual({ page: big, versions: undefined });
    const unpacked = unpackPage({ page: big, versions: ['v1'] });
    expect(pageAnswer(unpacked)).toBeUndefined();
    expect(pageVersions(unpacked)).toEqual(['v1']);
  });

  it('is parsed at once when the answer is not an object', () => {
    expect(() => pageFromAnswer('[1', { rows: null })).toThrow(SyntaxError);
    const odd = pageFromAnswer('[]', { rows: null });
    expect(pageAnswer(odd)).toBeUndefined();
  });
});

describe('versions attached to a page', () => {
  const page = (): Page => ({ rows: [{ id: 1 }, { id: 2 }], nextCursor: null, prevCursor: null });

  it('are kept only when there is one string per row', () => {
    const good = page();
    attachPageVersions(good, ['"a"', '"b"']);
    expect(pageVersions(good)).toEqual(['"a"', '"b"']);
    for (const bad of [
      undefined,
      null,
      '"a"',
      ['"a"'],
      ['"a"', 2],
      ['"a"', '"b"', '"c"'],
      { 0: '"a"', length: 2 },
    ]) {
      const p = page();
      attachPageVersions(p, bad);
      expect(pageVersions(p), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
