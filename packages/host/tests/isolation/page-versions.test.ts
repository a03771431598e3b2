/**
 * An isolated datasource's page crosses with its rows' versions, computed in the plugin's
 * thread or process, so the rows API does not hash every row on the host's thread; the
 * versions are the host's `rowVersion` of each row, and a write still checks the version
 * it is sent against the row as the host reads it.
 */
import { createServer, type PluginHost } from '@nocoflo/host';
import { type IsolationLevel, type Page, type Row, rowVersion } from '@nocoflo/sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { attachPageJson, pageJsonWithVersions } from '../../src/data/page-json.js';
import { attachPageVersions, pageVersions } from '../../src/data/page-versions.js';
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

  it('arrive with the host rowVersion of each row, computed in the plugin', async () => {
    const ds = await host.datasources.open('memory:y');
    const page = await ds.readPage('items', { limit: 3 });
    expect(pageVersions(page)).toEqual(page.rows.map((row) => rowVersion(row)));
    const big = await ds.readPage('big', {});
    expect(big.rows[0]?.n).toBe(12345678901234567890n);
    expect(pageVersions(big)).toEqual(big.rows.map((row) => rowVersion(row)));
    await ds.close();
  });

  it('reach the rows API answer spliced into the JSON text the page crossed in', async () => {
    const headers = { authorization: `Bearer ${ADMIN}` };
    // The host's thread writes no page: the text came from the plugin's thread or process.
    const stringify = vi.spyOn(JSON, 'stringify');
    const response = await app.inject({ url: '/api/datasources/x/tables/items/rows?limit=2', headers });
    const written = stringify.mock.calls.filter(
      ([value]) => (value as { rows?: unknown })?.rows !== undefined,
    );
    stringify.mockRestore();
    expect(written).toEqual([]);
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

describe('the JSON text attached to a page', () => {
  const page = (): Page => ({ rows: [{ id: 1 }], nextCursor: null, prevCursor: null });

  it('gives the answer text with the versions appended, or nothing when it cannot', () => {
    const crossed = page();
    attachPageJson(crossed, JSON.stringify(crossed));
    expect(pageJsonWithVersions(crossed, ['v1'])).toBe(
      '{"rows":[{"id":1}],"nextCursor":null,"prevCursor":null,"versions":["v1"]}',
    );
    const empty = {} as Page;
    attachPageJson(empty, '{}');
    expect(pageJsonWithVersions(empty, [])).toBe('{"versions":[]}');
    // No text (an inline page), a text that is not an object, a page with a `versions` of its own.
    expect(pageJsonWithVersions(page(), ['v1'])).toBeUndefined();
    const array = page();
    attachPageJson(array, '[1]');
    expect(pageJsonWithVersions(array, ['v1'])).toBeUndefined();
    const own = { ...page(), versions: ['mine'] } as Page;
    attachPageJson(own, JSON.stringify(own));
    expect(pageJsonWithVersions(own, ['v1'])).toBeUndefined();
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
