import { rowVersion } from '@nocoflo/sdk';
import { createMemoryDatasource, queryAll, queryOne } from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';
import { saveValue } from '../assets/cards.js';
import { cardsView } from '../src/index.js';

const urls = { page: '/t/notes', rows: '/api/datasources/main/tables/notes/rows', assets: '/assets' };

describe('cards view', () => {
  it('renders one card per row, values escaped, NULL marked', async () => {
    const data = createMemoryDatasource({
      tables: {
        notes: {
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'text', type: 'text', nullable: true },
          ],
          primaryKey: ['id'],
          rows: [
            { id: 1, text: '<b>bold</b>' },
            { id: 2, text: null },
          ],
        },
      },
    });
    const table = await data.describeTable('notes');
    const { html } = await cardsView.render({ table, data, params: {}, urls });
    expect(queryAll(html, 'article.card')).toHaveLength(2);
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(queryOne(html, 'dd.null')?.attribs['data-column']).toBe('text');
  });

  it('gives each card the key and version the browser code sends back, bigints as digits', async () => {
    const big = 2n ** 60n;
    const data = createMemoryDatasource({
      tables: {
        notes: {
          columns: [
            { name: 'id', type: 'integer' },
            { name: 'text', type: 'text' },
          ],
          primaryKey: ['id'],
          rows: [{ id: big, text: 'hello' }],
        },
      },
    });
    const table = await data.describeTable('notes');
    const { html } = await cardsView.render({ table, data, params: {}, urls });
    const card = queryOne(html, 'article.card');
    expect(JSON.parse(card?.attribs['data-key'] ?? '')).toEqual({ id: big.toString() });
    const [row] = (await data.readPage('notes')).rows;
    expect(card?.attribs['data-version']).toBe(rowVersion(row ?? {}));
    expect(queryOne(html, 'section.cards')?.attribs['data-rows']).toBe(urls.rows);
  });
});

describe('saveValue (assets/cards.js)', () => {
  const request = { rowsUrl: urls.rows, key: { id: 1 }, version: '"v1"', column: 'text', value: 'new' };
  const answer = (status: number, body: unknown) => async () =>
    new Response(JSON.stringify(body), { status });

  it('sends PATCH { key, changes, version } and returns the saved row and its new version', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const result = await saveValue(request, async (url: RequestInfo | URL, init?: RequestInit) => {
      sent.push({ url: String(url), init: init ?? {} });
      return new Response(JSON.stringify({ row: { id: 1, text: 'new' }, version: '"v2"' }));
    });
    expect(sent[0]?.url).toBe(urls.rows);
    expect(sent[0]?.init.method).toBe('PATCH');
    expect(JSON.parse(String(sent[0]?.init.body))).toEqual({
      key: { id: 1 },
      changes: { text: 'new' },
      version: '"v1"',
    });
    expect(result).toEqual({ saved: true, row: { id: 1, text: 'new' }, version: '"v2"' });
  });

  it('on 409 NCF_ROW_CHANGED returns the row as it is now, unsaved', async () => {
    const conflict = {
      error: {
        code: 'NCF_ROW_CHANGED',
        message: 'changed',
        details: { current: { id: 1, text: 'theirs' }, version: '"v3"' },
      },
    };
    const result = await saveValue(request, answer(409, conflict));
    expect(result).toEqual({ saved: false, row: { id: 1, text: 'theirs' }, version: '"v3"' });
  });

  it('rejects with the API message on any other failure', async () => {
    const vetoed = { error: { code: 'NCF_WRITE_VETOED', message: 'Notes are read-only on Sundays.' } };
    await expect(saveValue(request, answer(403, vetoed))).rejects.toThrow('Notes are read-only on Sundays.');
  });
});
