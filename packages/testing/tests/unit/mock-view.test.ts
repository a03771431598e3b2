import { createMemoryDatasource, createMockView } from '@nocoflo/testing';
import '@nocoflo/testing/matchers';
import { describe, expect, it } from 'vitest';

describe('createMockView', () => {
  it('scores, renders escaped rows and records its calls', async () => {
    const ds = createMemoryDatasource({ tables: { t: { rows: [{ id: 1, name: '<b>x</b>' }] } } });
    const view = createMockView({ score: (t) => (t.name === 't' ? 7 : false) });
    const table = await ds.describeTable('t');
    expect(view.canHandle(table)).toBe(7);
    const urls = { page: '/p', rows: '/r', assets: '/a' };
    const result = await view.render({ table, data: ds, params: {}, urls });
    expect(result).toBeWellFormedHtml();
    expect(result).toHaveElementText('td', '<b>x</b>');
    expect(result).not.toHaveElement('td b');
    expect(view.canHandleCalls).toEqual([table]);
    expect(view.renderCalls).toHaveLength(1);
  });
});
