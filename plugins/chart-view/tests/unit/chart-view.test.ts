import type { TableSchema } from '@nocoflo/sdk';
import { describe, expect, it } from 'vitest';
import {
  buildQuery,
  chartView,
  defaultSettings,
  MAX_CATEGORIES,
  parseSettings,
  scriptJson,
} from '../../src/index.js';
import { fakeData, makeSales, regions, sales, urls } from '../fixtures/fake-data.js';

const render = async (
  params: Record<string, string> = {},
  rows = makeSales(500),
  table: TableSchema = sales,
) => {
  const data = fakeData(rows);
  const result = await chartView.render({ table, data, params, urls });
  return { data, html: result.html };
};

const barCount = (html: string) => (html.match(/<path [^>]*ecmeta_ssr_type="chart"/g) ?? []).length;

describe('chart view: which tables', () => {
  it('needs at least one numeric column', () => {
    const textOnly: TableSchema = { ...sales, columns: sales.columns.filter((c) => c.type === 'text') };
    expect(chartView.canHandle(textOnly)).toBe(false);
    expect(chartView.canHandle(sales)).toBeGreaterThan(0);
  });
});

describe('chart view: defaults', () => {
  it('draws a line for date × measure, bucketed by month', () => {
    expect(defaultSettings(sales)).toEqual({
      x: 'sold_on',
      bucket: 'month',
      y: 'amount',
      agg: 'sum',
      type: 'line',
    });
  });

  it('draws bars for category × measure, preferring a category over names and keys', () => {
    const noDate: TableSchema = { ...sales, columns: sales.columns.filter((c) => c.type !== 'date') };
    expect(defaultSettings(noDate)).toMatchObject({ x: 'region', y: 'amount', agg: 'sum', type: 'bar' });
  });

  it('prefers a text category over a yes/no column', () => {
    const withFlag: TableSchema = {
      ...sales,
      columns: [
        ...sales.columns.filter((c) => c.type !== 'date'),
        { name: 'paid', type: 'boolean', nativeType: 'BOOLEAN', nullable: false, hasDefault: false },
      ],
    };
    expect(defaultSettings(withFlag).x).toBe('region');
    const flagOnly: TableSchema = {
      ...withFlag,
      columns: withFlag.columns.filter((c) => c.name !== 'region'),
    };
    expect(defaultSettings(flagOnly).x).toBe('paid');
  });

  it('counts rows when only keys are numeric', () => {
    const keysOnly: TableSchema = { ...sales, columns: sales.columns.filter((c) => c.name !== 'amount') };
    const settings = defaultSettings(keysOnly);
    expect(settings.agg).toBe('count');
    expect(settings.y).toBeUndefined();
  });
});

describe('chart view: settings from the page', () => {
  it('lets the user change x, y, aggregate and type', () => {
    const { settings, notices } = parseSettings(sales, { x: 'region', y: 'amount', agg: 'avg', type: 'pie' });
    expect(settings).toEqual({ x: 'region', y: 'amount', agg: 'avg', type: 'pie' });
    expect(notices).toEqual([]);
  });

  it('switches to bars when x becomes a category and no type is given', () => {
    expect(parseSettings(sales, { x: 'region' }).settings.type).toBe('bar');
  });

  it('drops bad settings with a notice', () => {
    const { settings, notices } = parseSettings(sales, {
      x: 'nope',
      y: 'region',
      agg: 'median',
      type: 'radar',
      bucket: 'week',
    });
    expect(settings).toEqual(defaultSettings(sales));
    expect(notices).toHaveLength(5);
  });

  it('counts rows when the measure is cleared', () => {
    const { settings } = parseSettings(sales, { y: '', agg: 'sum' });
    expect(settings.agg).toBe('count');
    expect(settings.y).toBeUndefined();
  });
});

describe('chart view: rendering', () => {
  it('aggregates in the datasource and never reads rows', async () => {
    const { data } = await render({ x: 'region' });
    expect(data.queries).toEqual([
      {
        groupBy: [{ column: 'region', as: 'key' }],
        measures: [{ fn: 'sum', column: 'amount', as: 'value' }],
        sort: [{ column: 'value', direction: 'desc' }],
        limit: MAX_CATEGORIES + 1,
      },
    ]);
  });

  it('orders time series by time', () => {
    const { query } = buildQuery(sales, defaultSettings(sales));
    expect(query.groupBy).toEqual([{ column: 'sold_on', bucket: 'month', as: 'key' }]);
    expect(query.sort).toEqual([{ column: 'key', direction: 'asc' }]);
  });

  it('renders an SVG with one bar per group', async () => {
    const { html } = await render({ x: 'region' });
    expect(html).toContain('<svg');
    expect(barCount(html)).toBe(regions.length + 1); // the regions and NULL
    expect(html).toContain('(NULL)');
  });

  it('renders a line over the months', async () => {
    const { html } = await render();
    expect(html).toContain('<svg');
    expect(html).toContain('>2024-01<');
    expect(html).toContain('>2024-12<');
    expect(html).not.toContain('2024-01-01');
  });

  it('says when groups were cut', async () => {
    const { html } = await render({ x: 'name', type: 'bar' });
    expect(barCount(html)).toBe(MAX_CATEGORIES);
    expect(html).toContain(`the largest ${MAX_CATEGORIES} by sum of amount shown`);
  });

  it('shows a message instead of an empty chart', async () => {
    const { html } = await render({}, []);
    expect(html).not.toContain('<svg');
    expect(html).toContain('No rows to chart.');
  });

  it('escapes labels in the SVG, the form and the script data', async () => {
    const table: TableSchema = {
      ...sales,
      name: '<script>t</script>',
      columns: [
        ...sales.columns,
        { name: '<i>c</i>', type: 'float', nativeType: 'REAL', nullable: true, hasDefault: false },
      ],
    };
    const { html } = await render({ x: 'region' }, makeSales(50), table);
    expect(html).not.toMatch(/<b>|<i>|<script>t/);
    expect(html).toContain('&lt;b&gt;evil&lt;/b&gt;');
    expect(scriptJson(['</script><b>'])).toBe('["\\u003c/script>\\u003cb>"]');
  });
});
