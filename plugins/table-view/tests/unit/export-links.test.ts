import { Errors, NocofloError } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { exportHref } from '../../src/export.js';
import { tableView } from '../../src/index.js';
import { fakeData, makePeople, people, urls } from '../fixtures/fake-data.js';

const render = async (params: Record<string, string>) =>
  (await tableView.render({ table: people, data: fakeData(people, makePeople(30)), params, urls })).html;

/** The href of the export link of a format, unescaped. */
const linkOf = (html: string, format: string) =>
  /data-export="([a-z]+)" href="([^"]+)"/g
    .exec(html.slice(html.indexOf(`data-export="${format}"`)))?.[2]
    ?.replaceAll('&amp;', '&');

describe('export links', () => {
  it('offer CSV and NDJSON of the table through the host export route', async () => {
    const html = await render({});
    const csv = new URL(linkOf(html, 'csv') ?? '', 'http://x');
    expect(csv.pathname).toBe(urls.rows.replace(/\/rows$/, '/export'));
    expect(Object.fromEntries(csv.searchParams)).toEqual({ format: 'csv' });
    expect(new URL(linkOf(html, 'ndjson') ?? '', 'http://x').searchParams.get('format')).toBe('ndjson');
    expect(html).toMatch(/data-export="csv" href="[^"]+" download/);
  });

  it('carry the sort and the applied filter, as the datasource reads them', async () => {
    const html = await render({ sort: 'age', dir: 'desc', fcol: 'age', fop: 'gt', fval: '30' });
    const csv = new URL(linkOf(html, 'csv') ?? '', 'http://x');
    expect(csv.searchParams.get('sort')).toBe('age:desc');
    expect(JSON.parse(csv.searchParams.get('filter') ?? '')).toEqual([
      { column: 'age', op: 'gt', value: 30 },
    ]);
  });

  it('leave out a filter the datasource refused (the page shows every row then)', async () => {
    const data = fakeData(people, makePeople(30));
    const read = data.readPage.bind(data);
    data.readPage = async (table, options) => {
      if (options?.filter?.length)
        throw NocofloError.create(Errors.InvalidValue, ['people', 'age', 'not a number']);
      return read(table, options);
    };
    const params = { fcol: 'age', fop: 'gt', fval: 'abc' };
    const { html } = await tableView.render({ table: people, data, params, urls });
    expect(html).toContain('Filter not applied');
    expect(new URL(linkOf(html, 'csv') ?? '', 'http://x').searchParams.has('filter')).toBe(false);
  });

  it('spell a sort on a column with a comma or colon in its name as JSON', () => {
    const href = exportHref('/api/datasources/d/tables/t/rows', 'csv', {
      sort: [{ column: 'a,b:c', direction: 'asc' }],
    });
    expect(JSON.parse(new URL(href, 'http://x').searchParams.get('sort') ?? '')).toEqual([
      { column: 'a,b:c', direction: 'asc' },
    ]);
  });
});
