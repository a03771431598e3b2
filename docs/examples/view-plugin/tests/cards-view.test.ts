import { createMemoryDatasource } from '@nocoflo/testing';
import { describe, expect, it } from 'vitest';
import { cardsView } from '../src/index.js';

describe('cards view', () => {
  it('renders one card per row, values escaped', async () => {
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
    const urls = { page: '/t/notes', rows: '/api/notes/rows', assets: '/assets' };
    const { html } = await cardsView.render({ table, data, params: {}, urls });
    expect(html.match(/<article/g)).toHaveLength(2);
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('NULL');
  });
});
