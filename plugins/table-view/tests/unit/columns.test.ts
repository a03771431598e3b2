import { describe, expect, it } from 'vitest';
import { columnLayout } from '../../src/columns.js';
import { tableView } from '../../src/index.js';
import { fakeData, makePeople, people, urls } from '../fixtures/fake-data.js';

const names = (placements: { column: { name: string } }[]) => placements.map((p) => p.column.name);
const headerCols = (html: string) =>
  [...html.matchAll(/<th scope="col" class="[^"]*" data-col="([^"]+)"/g)].map((m) => m[1]);

describe('column layout', () => {
  it('follows the saved order, hides hidden columns, keeps widths in bounds, appends new columns', () => {
    const layout = columnLayout(people, {
      columns: [
        { name: 'age', width: 5 },
        { name: 'gone' },
        { name: 'name', hidden: true },
        { name: 'id', width: 150.4 },
        { name: 'age', hidden: true },
      ],
    });
    expect(names(layout.all)).toEqual(['age', 'name', 'id', 'born']);
    expect(names(layout.visible)).toEqual(['age', 'id', 'born']);
    expect(layout.all.map((p) => p.width)).toEqual([40, undefined, 150, undefined]);
    expect(layout.customised).toBe(true);
  });

  it('is the table itself without settings, or with settings that are not a layout', () => {
    for (const settings of [undefined, {}, { columns: 'x' }, { columns: [null, 3, { name: 7 }] }]) {
      const layout = columnLayout(people, settings);
      expect(names(layout.visible)).toEqual(['id', 'name', 'age', 'born']);
      expect(layout.customised).toBe(false);
    }
  });

  it('shows every column rather than none', () => {
    const layout = columnLayout(people, {
      columns: people.columns.map((c) => ({ name: c.name, hidden: true })),
    });
    expect(names(layout.visible)).toEqual(['id', 'name', 'age', 'born']);
  });
});

describe('table view with column settings', () => {
  const render = (settings?: Record<string, unknown>, withUrl = true) =>
    tableView.render({
      table: people,
      data: fakeData(people, makePeople(5)),
      params: {},
      urls: withUrl ? { ...urls, settings: '/api/settings' } : urls,
      ...(settings ? { settings } : {}),
    });

  it('renders the saved layout: order, hidden columns left out of every row, widths on headers', async () => {
    const { html } = await render({
      columns: [{ name: 'born' }, { name: 'id', width: 120 }, { name: 'age', hidden: true }],
    });
    expect(headerCols(html)).toEqual(['born', 'id', 'name']);
    expect(html).not.toMatch(/<td[^>]*data-col="age"/);
    expect(html).toMatch(/data-col="id" style="width:120px;min-width:120px;max-width:120px"/);
    // The panel lists every column, the hidden one unchecked, and says how many are hidden.
    expect(html).toContain('(1 hidden)');
    expect(html).toMatch(
      /<li data-col="age"><label class="ncf-col-show"><input type="checkbox" {2}aria-label="Show age">/,
    );
    // The export carries the columns shown, in their order.
    const csv = /data-export="csv" href="([^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? '';
    expect(new URL(csv, 'http://x').searchParams.get('columns')).toBe('born,id,name');
  });

  it('offers the panel only where the host can remember settings', async () => {
    expect((await render()).html).toContain('ncf-columns-panel');
    expect((await render(undefined, false)).html).not.toContain('ncf-columns-panel');
  });
});
