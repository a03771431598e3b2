import type { AggregateQuery, CellValue } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import { readFacets } from '../../src/facets.js';
import { tableView } from '../../src/index.js';
import { parseParams } from '../../src/params.js';
import { fakeData, makePeople, people, urls } from '../fixtures/fake-data.js';

const render = async (params: Record<string, string>) =>
  (await tableView.render({ table: people, data: fakeData(people, makePeople(30)), params, urls })).html;

/** The hidden fields of the form with this class, by name. */
function hiddenFields(html: string, formClass: string): Record<string, string> {
  const start = html.indexOf(`<form class="${formClass}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  return Object.fromEntries(
    [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  );
}

describe('the filter form', () => {
  it('keeps the page size, sort and search when applied', async () => {
    const html = await render({
      limit: '20',
      sort: 'age',
      dir: 'desc',
      q: 'ann',
      fcol: 'age',
      fop: 'gt',
      fval: '3',
    });
    expect(hiddenFields(html, 'ncf-filter')).toEqual({ sort: 'age', dir: 'desc', q: 'ann', limit: '20' });
  });

  it('sends no page size when the page shows the default', async () => {
    expect(hiddenFields(await render({}), 'ncf-filter')).toEqual({});
  });
});

describe('the export links', () => {
  it('carry the quick search, with the filter and sort', async () => {
    const html = await render({ q: 'ann', fcol: 'age', fop: 'gt', fval: '3', sort: 'age' });
    const href = /data-export="csv" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const query = new URL(href, 'http://x').searchParams;
    expect(query.get('q')).toBe('ann');
    expect(query.get('sort')).toBe('age:asc');
    expect(JSON.parse(query.get('filter') ?? '')).toEqual([{ column: 'age', op: 'gt', value: 3 }]);
  });
});

describe('facets', () => {
  // Grouped counts of `name` as a database would answer them.
  const data = {
    ...fakeData(people, []),
    async aggregate(_table: string, query: AggregateQuery) {
      expect(query.groupBy?.[0]).toMatchObject({ column: 'name' });
      const rows: Record<string, CellValue>[] = [
        { value: 'ann', n: 5 },
        { value: 'bob', n: 3 },
        { value: null, n: 1 },
      ];
      return { rows };
    },
  };
  const count = { rows: 9, exact: true };

  async function facetHrefs(params: Record<string, string>) {
    const parsed = parseParams(people, params);
    const [facet] = await readFacets(
      data,
      people,
      parsed.state,
      urls,
      parsed.options.filter,
      undefined,
      count,
    );
    return (facet?.values ?? []).map((v) => new URL(v.href, 'http://x').searchParams);
  }

  it('add the value as one more condition and keep "any condition" as the person chose it', async () => {
    const [ann, , none] = await facetHrefs({
      fcol: 'age',
      fop: 'gt',
      fval: '40',
      fcol1: 'age',
      fop1: 'lt',
      fval1: '10',
      fmatch: 'any',
      limit: '20',
    });
    expect(ann?.get('fmatch')).toBe('any');
    expect(ann?.get('fcol2')).toBe('name');
    expect(ann?.get('fval2')).toBe('ann');
    expect(ann?.get('limit')).toBe('20');
    expect(none?.get('fop2')).toBe('isNull');
  });

  it('keep "all conditions" too (the default, left out of the URL)', async () => {
    const [ann] = await facetHrefs({
      fcol: 'age',
      fop: 'gt',
      fval: '40',
      fcol1: 'age',
      fop1: 'lt',
      fval1: '90',
    });
    expect(ann?.has('fmatch')).toBe(false);
    expect(ann?.get('fcol2')).toBe('name');
  });
});

describe('facet counts', () => {
  // Four names in turn (the fourth NULL), ages 20 to 31.
  const rows = Array.from({ length: 12 }, (_, i) => ({
    id: i + 1,
    name: ['ann', 'bob', 'cy', null][i % 4] ?? null,
    age: 20 + i,
    born: null,
  }));
  const data = fakeData(people, rows, { grouping: true });

  /** The rows the page at `params` shows: what a person sees after following a link. */
  async function shown(params: URLSearchParams | Record<string, string>) {
    const { options } = parseParams(people, Object.fromEntries(new URLSearchParams(params)));
    const page = await data.readPage('people', { ...options, limit: 1000, cursor: undefined });
    return page.rows;
  }

  async function facetOf(params: Record<string, string>) {
    const parsed = parseParams(people, params);
    const count = { rows: (await shown(params)).length, exact: true };
    const facets = await readFacets(
      data,
      people,
      parsed.state,
      urls,
      parsed.options.filter,
      undefined,
      count,
    );
    const facet = facets.find((f) => f.column.name === 'name');
    if (!facet) throw new Error('no facet on name');
    return facet;
  }

  /** Each value's count against the page its link leads to (or, applied, the rows shown holding it). */
  async function expectHonest(params: Record<string, string>) {
    const facet = await facetOf(params);
    const here = await shown(params);
    expect(facet.values.length).toBeGreaterThan(1);
    for (const v of facet.values) {
      const expected = v.selected
        ? here.filter((row) => row.name === v.value).length
        : (await shown(new URL(v.href, 'http://x').searchParams)).length;
      expect(v.count, `${String(v.value)} (${v.selected ? 'applied' : 'not applied'})`).toBe(expected);
    }
    return facet;
  }

  it('under "all conditions" are the rows a click shows', async () => {
    const facet = await expectHonest({ fcol: 'age', fop: 'gt', fval: '22' });
    expect(facet.match).toBe('all');
    expect(facet.values.map((v) => v.count)).toEqual([3, 2, 2, 2]);
  });

  it('under "any condition" are the rows a click shows too: the page’s rows plus the others holding the value', async () => {
    const facet = await expectHonest({
      fcol: 'age',
      fop: 'gt',
      fval: '28',
      fcol1: 'name',
      fop1: 'eq',
      fval1: 'bob',
      fmatch: 'any',
    });
    expect(facet.match).toBe('any');
    // bob is applied (the rows shown holding it); cy and NULL each bring two more rows.
    expect(facet.values.map((v) => [v.value, v.selected, v.count])).toEqual([
      ['bob', true, 3],
      ['cy', false, 7],
      [null, false, 7],
    ]);
  });

  it('name the empty text, as they name NULL (a link needs words)', async () => {
    const blank = fakeData(
      people,
      [
        { id: 1, name: '', age: 1, born: null },
        { id: 2, name: '', age: 2, born: null },
        { id: 3, name: 'ann', age: 3, born: null },
      ],
      { grouping: true },
    );
    const { html } = await tableView.render({
      table: { ...people, rowCountEstimate: 3 },
      data: blank,
      params: {},
      urls,
    });
    expect(html).toMatch(/data-facet-value><span class="ncf-null" title="empty text">empty<\/span><\/a>/);
  });

  it('say what they count, for each mode', async () => {
    const html = async (params: Record<string, string>) =>
      // A table small enough to be counted exactly (facets need an exact count).
      (await tableView.render({ table: { ...people, rowCountEstimate: 12 }, data, params, urls })).html;
    expect(await html({ fcol: 'age', fop: 'gt', fval: '22' })).toContain(
      'Each count is the rows clicking the value shows.',
    );
    const any = await html({
      fcol: 'age',
      fop: 'gt',
      fval: '28',
      fcol1: 'name',
      fop1: 'eq',
      fval1: 'bob',
      fmatch: 'any',
    });
    expect(any).toContain(
      'clicking a value adds it as one more alternative, and its count is the rows the page then shows',
    );
    expect(any).toContain('title="3 rows shown hold this value"');
    expect(any).toContain('title="7 rows shown after clicking"');
  });
});
