/**
 * The REST datasource against an API that misbehaves: HTML instead of JSON, bodies larger
 * than the limit (declared or not), a body that never ends, redirects and next-page links
 * to another host (credentials must never reach it), pages that repeat, and flaky answers
 * that deserve a retry. No assertion depends on how long anything takes beyond "eventually",
 * except lower bounds (a retry waits at least what Retry-After asked).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRest, type RestSpecInput } from '../../src/index.js';
import { type ApiServer, startApiServer } from '../fixtures/api-server.js';

let api: ApiServer;
let elsewhere: ApiServer;

beforeAll(async () => {
  api = await startApiServer();
  // "Another host": the same machine under another origin (localhost, another port).
  elsewhere = await startApiServer();
  api.setDataset('small', {
    items: {
      types: { id: 'integer', name: 'text' },
      key: ['id'],
      rows: [1, 2, 3, 4, 5].map((id) => ({ id, name: `item ${id}` })),
    },
  });
});

afterAll(async () => {
  await api?.close();
  await elsewhere?.close();
});

const otherHost = () => elsewhere.url.replace('127.0.0.1', 'localhost');

function table(
  path: string,
  extra: Partial<RestSpecInput['tables'][string]> = {},
): RestSpecInput['tables'][string] {
  return { path, rows: '/data', key: 'id', columns: { id: 'integer', name: 'text' }, ...extra };
}

async function open(
  spec: Omit<RestSpecInput, 'tables'> & { tables: RestSpecInput['tables'] },
  url = api.url,
) {
  return openRest(url, { apis: { [url.replace(/\/\/[^@]*@/, '//')]: spec } });
}

describe('hostile responses', () => {
  it('an answer that is not JSON is a clear NCF_DATASOURCE_ERROR naming the content type', async () => {
    api.route('/html', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Service temporarily down for maintenance</body></html>');
    });
    const ds = await open({ tables: { t: table('/html') } });
    await expect(ds.readPage('t')).rejects.toMatchObject({
      code: 'NCF_DATASOURCE_ERROR',
      message: expect.stringMatching(/not JSON \(text\/html\).*maintenance/),
    });
    await ds.close();
  });

  it('JSON without the rows array where the spec points says so', async () => {
    api.route('/wrong-shape', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [] }));
    });
    const ds = await open({ tables: { t: table('/wrong-shape') } });
    await expect(ds.readPage('t')).rejects.toMatchObject({
      message: expect.stringContaining('without an array at "/data"'),
    });
    await ds.close();
  });

  it('a body over maxResponseBytes is refused, whether its length is declared or not', async () => {
    const huge = JSON.stringify({
      data: Array.from({ length: 20_000 }, (_, id) => ({ id, name: 'x'.repeat(50) })),
    });
    api.route('/huge-declared', (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(huge)),
      });
      res.end(huge);
    });
    api.route('/huge-chunked', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // No content-length: chunks until the client hangs up.
      const write = () => {
        for (let i = 0; i < 16; i++)
          if (!res.write(huge.slice(0, 64 * 1024))) return void res.once('drain', write);
        if (!res.destroyed) setImmediate(write);
      };
      res.on('close', () => res.destroy());
      write();
    });
    const ds = await open({
      maxResponseBytes: 100_000,
      tables: { a: table('/huge-declared'), b: table('/huge-chunked') },
    });
    for (const name of ['a', 'b']) {
      await expect(ds.readPage(name)).rejects.toMatchObject({
        code: 'NCF_DATASOURCE_ERROR',
        message: expect.stringContaining('larger than maxResponseBytes (100000 bytes)'),
      });
    }
    await ds.close();
  });

  it('a body that never ends (slow drip) is cut off by the configured timeout', async () => {
    api.route('/drip', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data": [');
      // …and nothing more, ever: only the client's deadline can end this.
    });
    const ds = await open({ timeoutMs: 300, retries: 0, tables: { t: table('/drip') } });
    await expect(ds.readPage('t')).rejects.toMatchObject({
      code: 'NCF_DATASOURCE_ERROR',
      message: expect.stringContaining('did not answer within 300 ms'),
    });
    await ds.close();
  });

  it('a redirect to another host is not followed, and the credentials never reach it', async () => {
    api.route('/moved', (_req, res) => {
      res.writeHead(302, { location: `${otherHost()}/steal` });
      res.end();
    });
    elsewhere.route('/steal', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data": []}');
    });
    const before = elsewhere.requests.length;
    const url = api.url.replace('http://', 'http://user:secret@');
    const ds = await open({ headers: { 'x-api-key': 'k3y' }, tables: { t: table('/moved') } }, url);
    await expect(ds.readPage('t')).rejects.toMatchObject({
      code: 'NCF_DATASOURCE_ERROR',
      message: expect.stringMatching(/redirected to localhost:\d+; redirects off the configured host/),
    });
    expect(elsewhere.requests.length).toBe(before);
    // The configured host did get them.
    const mine = api.requests.filter((r) => r.url === '/moved').at(-1);
    expect(mine?.headers.authorization).toBe(`Basic ${Buffer.from('user:secret').toString('base64')}`);
    expect(mine?.headers['x-api-key']).toBe('k3y');
    expect(ds.url).not.toContain('secret');
    await ds.close();
  });

  it('a same-host redirect is followed', async () => {
    api.route('/old-items', (_req, res) => {
      res.writeHead(301, { location: '/small/page/items?page=1&per_page=10' });
      res.end();
    });
    const ds = await open({ tables: { t: table('/old-items') } });
    expect((await ds.readPage('t')).rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    await ds.close();
  });

  it('a next-page link to another host is not followed', async () => {
    api.route('/leaky', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ data: [{ id: 1, name: 'a' }], links: { next: `${otherHost()}/steal?cursor=2` } }),
      );
    });
    const before = elsewhere.requests.length;
    const ds = await open({
      headers: { authorization: 'Bearer t0k' },
      tables: { t: table('/leaky', { pagination: { style: 'cursor', next: '/links/next' } }) },
    });
    await expect(ds.readPage('t', { limit: 5 })).rejects.toMatchObject({
      message: expect.stringContaining('not the configured host'),
    });
    expect(elsewhere.requests.length).toBe(before);
    await ds.close();
  });

  it('a page whose next link is itself, or an API that ignores the page number, stops with an error instead of looping', async () => {
    api.route('/loop', (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: [{ id: 1, name: 'a' }], links: { next: req.url } }));
    });
    api.route('/stuck', (_req, res) => {
      // Always the first page, whatever the page parameter says.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          data: [
            { id: 1, name: 'a' },
            { id: 2, name: 'b' },
          ],
        }),
      );
    });
    const ds = await open({
      tables: {
        loop: table('/loop', { pagination: { style: 'cursor', next: '/links/next' } }),
        stuck: table('/stuck', { pagination: { style: 'page' } }),
      },
    });
    await expect(ds.readPage('loop', { limit: 10 })).rejects.toMatchObject({
      message: expect.stringContaining('repeats a page'),
    });
    const drain = async (name: string) => {
      for await (const _row of ds.stream(name, { batchSize: 2 })) {
        // reading until the stream ends or fails
      }
    };
    await expect(drain('loop')).rejects.toMatchObject({ message: expect.stringContaining('repeats a page') });
    await expect(drain('stuck')).rejects.toMatchObject({
      message: expect.stringContaining('the same page again'),
    });
    await ds.close();
  });
});

describe('retries', () => {
  it('retries a 503 and a network failure with backoff, and succeeds', async () => {
    let calls = 0;
    api.route('/flaky', (req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(503, { 'retry-after': '0' });
        return res.end('busy');
      }
      if (calls === 2) return req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data": [{"id": 1, "name": "ok"}]}');
    });
    const ds = await open({ retries: 3, tables: { t: table('/flaky') } });
    expect((await ds.readPage('t')).rows).toEqual([{ id: 1, name: 'ok' }]);
    expect(calls).toBe(3);
    await ds.close();
  });

  it('waits at least as long as a 429 asks in Retry-After', async () => {
    let calls = 0;
    api.route('/limited', (_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(429, { 'retry-after': '1' });
        return res.end('slow down');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data": []}');
    });
    const ds = await open({ tables: { t: table('/limited') } });
    const started = performance.now();
    await ds.readPage('t');
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(calls).toBe(2);
    await ds.close();
  });

  it('gives up after the configured retries with the last status, and does not retry a 404', async () => {
    let calls = 0;
    api.route('/down', (_req, res) => {
      calls++;
      res.writeHead(500, { 'retry-after': '0' });
      res.end('internal error');
    });
    const ds = await open({ retries: 2, tables: { t: table('/down'), missing: table('/nothing-here') } });
    await expect(ds.readPage('t')).rejects.toMatchObject({
      message: expect.stringContaining('answered 500'),
    });
    expect(calls).toBe(3);
    const before = api.requests.length;
    await expect(ds.readPage('missing')).rejects.toMatchObject({
      message: expect.stringContaining('answered 404'),
    });
    expect(api.requests.length).toBe(before + 1);
    await ds.close();
  });

  it('a 401 is NCF_CONNECTION_FAILED with a hint about the credentials', async () => {
    api.route('/private', (req, res) => {
      const ok = req.headers.authorization === 'Bearer right';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"data": []}' : '{"error": "unauthorized"}');
    });
    process.env.NCF_TEST_TOKEN = 'Bearer right';
    const good = await open({
      headersFromEnv: { authorization: 'NCF_TEST_TOKEN' },
      tables: { t: table('/private') },
    });
    expect((await good.readPage('t')).rows).toEqual([]);
    await good.close();
    const bad = await open({ headers: { authorization: 'Bearer wrong' }, tables: { t: table('/private') } });
    await expect(bad.readPage('t')).rejects.toMatchObject({
      code: 'NCF_CONNECTION_FAILED',
      hint: expect.stringContaining('credentials'),
    });
    await bad.close();
  });
});

describe('opening', () => {
  it('reads the spec file named in the URL, relative to the host root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ncf-rest-'));
    try {
      writeFileSync(
        join(dir, 'api.json'),
        JSON.stringify({ tables: { items: table('/small/page/items', { pagination: { style: 'page' } }) } }),
      );
      const ds = await openRest(`${api.url}?spec=./api.json`, { cwd: dir });
      expect((await ds.listTables()).map((t) => t.name)).toEqual(['items']);
      expect((await ds.readPage('items', { limit: 2 })).rows.map((r) => r.id)).toEqual([1, 2]);
      await ds.close();
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ tables: { items: { path: '/x' } } }));
      await expect(openRest(`${api.url}?spec=bad.json`, { cwd: dir })).rejects.toMatchObject({
        code: 'NCF_CONNECTION_FAILED',
        message: expect.stringContaining('tables.items.key'),
      });
      await expect(openRest(`${api.url}?spec=missing.json`, { cwd: dir })).rejects.toMatchObject({
        code: 'NCF_CONNECTION_FAILED',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a spec it says how to give one', async () => {
    await expect(openRest('https://api.example.invalid/v1')).rejects.toMatchObject({
      code: 'NCF_CONNECTION_FAILED',
      hint: expect.stringContaining('?spec='),
    });
  });

  it('close() aborts a request in flight and refuses later calls', async () => {
    api.route('/forever', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
    });
    const ds = await open({ timeoutMs: 600_000, tables: { t: table('/forever') } });
    const pending = ds.readPage('t');
    // Close once the request has reached the server.
    while (!api.requests.some((r) => r.url === '/forever'))
      await new Promise((resolve) => setImmediate(resolve));
    await ds.close();
    await expect(pending).rejects.toMatchObject({ code: 'NCF_DATASOURCE_CLOSED' });
    await expect(ds.listTables()).rejects.toMatchObject({ code: 'NCF_DATASOURCE_CLOSED' });
  });
});
