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
