import { Errors, NocofloError, type TableSchema } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, parseParams, tableView } from '../../src/index.js';
import { fakeData, makePeople, people, urls } from '../fixtures/fake-data.js';

const render = (
  params: Record<string, string> = {},
  schema: TableSchema = people,
  rows = makePeople(230),
) => {
  const data = fakeData(schema, rows);
  return { data, result: tableView.render({ table: schema, data, params, urls }) };
};

function cellsOf(html: string, column: string): string[] {
  const re = new RegExp(`<td[^>]*data-col="${column}"[^>]*>(.*?)</td>`, 'g');
  return [...html.matchAll(re)].map((m) => m[1] ?? '');
}

describe('table view', () => {
  it('can show any table with columns and no table without', () => {
    expect(tableView.canHandle(people)).toBeGreaterThan(0);
    expect(tableView.canHandle({ ...people, columns: [] })).toBe(false);
  });

  it('reads one page of the default size and links to the next page by cursor', async () => {
    const { data, result } = render();
    const { html } = await result;
    expect(data.calls).toHaveLength(1);
    expect(data.calls[0]?.options?.limit).toBe(DEFAULT_PAGE_SIZE);
    expect(cellsOf(html, 'id')).toHaveLength(DEFAULT_PAGE_SIZE);
    expect(html).toContain(`href="${urls.page}?cursor=o${DEFAULT_PAGE_SIZE}"`);
    expect(html).toMatch(/<span class="ncf-button ncf-disabled"[^>]*data-nav="prev">/);
  });

  it('passes the cursor through and links back to the previous page', async () => {
    const { data, result } = render({ cursor: 'o50' });
    const { html } = await result;
    expect(data.calls[0]?.options?.cursor).toBe('o50');
    expect(cellsOf(html, 'id')[0]).toBe('51');
    expect(html).toContain(`href="${urls.page}?cursor=o0"`);
  });

  it('links each row to the form view by its key', async () => {
    const { html } = await render().result;
    expect(html).toContain(`href="${urls.page}?view=form&amp;key=${encodeURIComponent('{"id":1}')}"`);
    expect(html.match(/class="ncf-open"/g)).toHaveLength(DEFAULT_PAGE_SIZE + 1);
    const keyless = await render({}, { ...people, primaryKey: [], writable: false }).result;
    expect(keyless.html).not.toContain('ncf-open');
  });

  it('shows the estimate, marked as one, instead of counting a very large table', async () => {
    const { html } = await render().result;
    expect(html).toContain('≈ 1,000,000 rows (estimate)');
  });

  it('counts a smaller table exactly, also for a filter, with the right plural', async () => {
    const small = { ...people, rowCountEstimate: undefined };
    const { html } = await render({}, small).result;
    expect(html).toContain('>230 rows<');
    const one = await render({ fcol: 'id', fop: 'eq', fval: '7' }, small).result;
    expect(one.html).toContain('>1 row matches<');
  });

  it('sorts by the column in the URL and offers the opposite direction in the header', async () => {
    const { data, result } = render({ sort: 'age', dir: 'desc' });
    const { html } = await result;
    expect(data.calls[0]?.options?.sort).toEqual([{ column: 'age', direction: 'desc' }]);
    expect(cellsOf(html, 'age')[0]).toBe('69');
    expect(html).toContain(`href="${urls.page}?sort=age&amp;dir=asc"`);
    expect(html).toContain('aria-sort="descending"');
  });

  it('keeps sort and filter in paging links', async () => {
    const { html } = await render({ sort: 'age', dir: 'asc', fcol: 'age', fop: 'gt', fval: '30' }).result;
    expect(html).toContain('sort=age&amp;dir=asc&amp;fcol=age&amp;fop=gt&amp;fval=30&amp;cursor=o50');
  });

  it('filters with the value converted to the column type', async () => {
    const { data, result } = render({ fcol: 'age', fop: 'eq', fval: ' 33 ' });
    const { html } = await result;
    expect(data.calls[0]?.options?.filter).toEqual([{ column: 'age', op: 'eq', value: 33 }]);
    expect(new Set(cellsOf(html, 'age'))).toEqual(new Set(['33']));
  });

  it('splits list filters and sends no value for isNull', () => {
    expect(parseParams(people, { fcol: 'age', fop: 'in', fval: '1, 2,3' }).options.filter).toEqual([
      { column: 'age', op: 'in', value: [1, 2, 3] },
    ]);
    expect(parseParams(people, { fcol: 'name', fop: 'isNull', fval: 'x' }).options.filter).toEqual([
      { column: 'name', op: 'isNull' },
    ]);
  });

  it('drops unknown columns and operators with a notice instead of failing', async () => {
    const parsed = parseParams(people, { sort: 'nope', fcol: 'age', fop: 'like', cursor: 'o50' });
    expect(parsed.options.sort).toBeUndefined();
    expect(parsed.options.filter).toBeUndefined();
    expect(parsed.options.cursor).toBeUndefined();
    expect(parsed.notices.join(' ')).toMatch(/no such column.*Unknown filter operator/);
    const { html } = await render({ sort: 'nope' }).result;
    expect(html).toContain('Cannot sort by &quot;nope&quot;');
  });

  it('falls back to the first page when the cursor is stale', async () => {
    const { data, result } = render({ cursor: 'garbage' });
    const { html } = await result;
    expect(data.calls.map((c) => c.options?.cursor)).toEqual(['garbage', null]);
    expect(html).toContain('The page link was out of date');
  });

  it('rethrows errors that are not about the cursor', async () => {
    const data = fakeData(people, []);
    data.readPage = async () => {
      throw NocofloError.create(Errors.TableNotFound, ['people', []]);
    };
    await expect(tableView.render({ table: people, data, params: {}, urls })).rejects.toMatchObject({
      code: 'NCF_TABLE_NOT_FOUND',
    });
  });

  it('shows NULL differently from the empty string', async () => {
    const { html } = await render({}, people, makePeople(12)).result;
    const names = cellsOf(html, 'name');
    expect(names[0]).toContain('class="ncf-null"');
    expect(names[11]).toContain('class="ncf-empty"');
    expect(names[11]).not.toContain('NULL');
  });

  it('escapes every value, column name and table name', async () => {
    const evil = '<img src=x onerror="alert(1)">';
    const schema: TableSchema = {
      ...people,
      name: `t${evil}`,
      columns: [
        ...people.columns,
        { name: `c${evil}`, type: 'text', nativeType: 'TEXT', nullable: true, hasDefault: false },
      ],
    };
    const rows = [{ id: 1, name: evil, age: 1, born: null, [`c${evil}`]: `"'&` }];
    const { html } = await render({}, schema, rows).result;
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
    expect(html).toContain('&quot;&#39;&amp;');
  });

  it('marks editable cells with their value and rows with their key only when writable', async () => {
    const { html } = await render({}, people, makePeople(3)).result;
    expect(html).toContain('data-key="{&quot;id&quot;:1}"');
    expect(html).toContain('data-value="&quot;person 2&quot;"');
    expect(html).toContain('class="ncf-add"');
    const readOnly = await render({}, { ...people, writable: false }, makePeople(3)).result;
    expect(readOnly.html).not.toContain('data-key=');
    expect(readOnly.html).not.toContain('ncf-delete');
    expect(readOnly.html).toContain('Read-only: the datasource cannot write it');
    const dbView = await render(
      {},
      { ...people, kind: 'view', writable: false, primaryKey: [] },
      makePeople(3),
    ).result;
    expect(dbView.html).toContain('Read-only: this is a database view');
  });

  it('keys rows by every column of a composite key', async () => {
    const schema: TableSchema = { ...people, primaryKey: ['id', 'name'] };
    const { html } = await render({}, schema, makePeople(2)).result;
    expect(html).toContain('data-key="{&quot;id&quot;:2,&quot;name&quot;:&quot;person 2&quot;}"');
  });

  it('renders bigint and byte values without throwing', async () => {
    const schema: TableSchema = {
      ...people,
      columns: [
        people.columns[0]!,
        { name: 'big', type: 'integer', nativeType: 'INT8', nullable: false, hasDefault: false },
        { name: 'blob', type: 'binary', nativeType: 'BLOB', nullable: true, hasDefault: false },
      ],
    };
    const rows = [{ id: 1, big: 2n ** 63n - 1n, blob: new Uint8Array([1, 2, 3]) }];
    const { html } = await render({}, schema, rows).result;
    expect(html).toContain('9223372036854775807');
    expect(html).toContain('‹3 bytes›');
  });
});
