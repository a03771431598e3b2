import type { ViewUrls } from '@nocoflo/sdk';
import {
  createMemoryDatasource,
  type ParsedHtml,
  parseHtml,
  queryAll,
  queryOne,
  textOf,
} from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';
import { formView, formViewScore } from '../../src/index.js';

const ds = createMemoryDatasource({
  tables: {
    artist: {
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'name', type: 'text', nullable: false },
      ],
      primaryKey: ['id'],
      rows: [
        { id: 1, name: 'AC/DC' },
        { id: 2, name: 'Accept' },
      ],
    },
    line: {
      columns: [
        { name: 'invoice', type: 'integer' },
        { name: 'no', type: 'integer' },
        { name: 'artist_id', type: 'integer' },
        { name: 'price', type: 'decimal', nullable: false },
        { name: 'shipped', type: 'boolean' },
        { name: 'on', type: 'date' },
        { name: 'at', type: 'timestamp' },
        { name: 'note', type: 'text' },
        { name: 'meta', type: 'json' },
        { name: 'size', type: 'enum', enumValues: ['S', 'M'] },
      ],
      primaryKey: ['invoice', 'no'],
      foreignKeys: [{ columns: ['artist_id'], referencedTable: 'artist', referencedColumns: ['id'] }],
      rows: [
        {
          invoice: 1,
          no: 1,
          artist_id: 1,
          price: '0.99',
          shipped: true,
          on: '2024-01-02',
          at: '2024-01-02 03:04:05',
          note: 'a\nb',
          meta: { a: 1 },
          size: 'S',
        },
        {
          invoice: 1,
          no: 2,
          artist_id: 2,
          price: '1.99',
          shipped: false,
          on: null,
          at: null,
          note: null,
          meta: null,
          size: null,
        },
        {
          invoice: 2,
          no: 1,
          artist_id: null,
          price: '2.00',
          shipped: null,
          on: null,
          at: null,
          note: '<b>x</b>',
          meta: [1],
          size: 'M',
        },
      ],
    },
  },
});

const urls = (table: string): ViewUrls => ({
  page: `/d/shop/t/${encodeURIComponent(table)}`,
  rows: `/api/datasources/shop/tables/${table}/rows`,
  assets: '/_assets/plugins/form/',
});

async function render(table: string, params: Record<string, string> = {}) {
  const schema = await ds.describeTable(table);
  const { html, title } = await formView.render({ table: schema, data: ds, params, urls: urls(table) });
  const parsed = parseHtml(html);
  expect(parsed.problems).toEqual([]);
  return { html, title, doc: parsed };
}

const href = (doc: ParsedHtml, rel: string) => queryOne(doc, `[data-nav="${rel}"]`)?.attribs?.href ?? null;
const fieldValue = (doc: ParsedHtml, column: string) =>
  queryOne(doc, `.ncf-field[data-col="${column}"] [data-kind]`)?.attribs ?? {};

describe('the form view', () => {
  it('scores wide tables high and narrow ones low, and declines tables without columns', async () => {
    const wide = {
      ...(await ds.describeTable('line')),
      columns: Array.from({ length: 11 }, (_, i) => ({
        name: `c${i}`,
        type: 'text' as const,
        nativeType: 'text',
        nullable: true,
        hasDefault: false,
      })),
    };
    expect(formViewScore(wide)).toBe(80);
    expect(formViewScore(await ds.describeTable('line'))).toBe(20);
    expect(formViewScore({ ...wide, columns: [] })).toBe(false);
  });

  it('shows the first record with typed inputs, NULL toggles and a link along its foreign key', async () => {
    const { doc, title } = await render('line');
    expect(title).toBe('line (form)');
    expect(fieldValue(doc, 'price')).toMatchObject({ type: 'number', step: 'any', value: '0.99' });
    expect(fieldValue(doc, 'invoice')).toMatchObject({ type: 'number', step: '1', value: '1' });
    expect(fieldValue(doc, 'shipped')).toMatchObject({ type: 'checkbox', checked: '' });
    expect(fieldValue(doc, 'on')).toMatchObject({ type: 'date', value: '2024-01-02' });
    expect(fieldValue(doc, 'at')).toMatchObject({ type: 'datetime-local', value: '2024-01-02T03:04:05' });
    expect(queryOne(doc, '.ncf-field[data-col="note"] textarea')).toBeDefined();
    expect(queryOne(doc, '.ncf-field[data-col="size"] select option[selected]')?.attribs?.value).toBe('S');
    expect(queryAll(doc, 'input.ncf-null').length).toBe(7);
    const fk = queryOne(doc, 'a.ncf-fk')?.attribs?.href;
    expect(fk).toBe(`/d/shop/t/artist?view=form&key=${encodeURIComponent('{"id":1}')}`);
    expect(href(doc, 'prev')).toBeNull();
    expect(href(doc, 'next')).toBe(
      `/d/shop/t/line?view=form&key=${encodeURIComponent('{"invoice":1,"no":2}')}`,
    );
  });

  it('moves through a composite key in key order, both ways, and jumps by key', async () => {
    const second = await render('line', { key: '{"invoice":1,"no":2}' });
    expect(fieldValue(second.doc, 'no').value).toBe('2');
    expect(fieldValue(second.doc, 'on')).toMatchObject({ disabled: '' });
    expect(href(second.doc, 'next')).toContain(encodeURIComponent('{"invoice":2,"no":1}'));
    expect(href(second.doc, 'prev')).toContain(encodeURIComponent('{"invoice":1,"no":1}'));
    const last = await render('line', { at: 'last' });
    expect(fieldValue(last.doc, 'invoice').value).toBe('2');
    expect(href(last.doc, 'next')).toBeNull();
    const jumped = await render('line', { 'key.invoice': '2', 'key.no': '1' });
    expect(fieldValue(jumped.doc, 'note').value).toBeUndefined();
    expect(jumped.html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('says when a key is unknown or malformed, and shows the first record', async () => {
    expect((await render('line', { key: '{"invoice":9,"no":9}' })).html).toContain('No record has that key');
    expect((await render('line', { key: '{nope' })).html).toContain('not valid JSON');
    expect((await render('line', { 'key.invoice': '1' })).html).toContain('needs no');
  });

  it('offers an empty form for a new record, with what an empty field means', async () => {
    const { doc } = await render('artist', { new: '1' });
    expect(queryOne(doc, '.ncf-form-view')?.attribs?.['data-mode']).toBe('new');
    expect(fieldValue(doc, 'name')).toMatchObject({ placeholder: 'required', required: '' });
    expect(textOf(queryOne(doc, 'button.ncf-save') ?? [])).toBe('Insert');
    expect(queryOne(doc, 'button.ncf-delete')).toBeFalsy();
  });
});
