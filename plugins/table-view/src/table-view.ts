/**
 * The table view: every table, one keyset page at a time, sortable, filterable and, when
 * the datasource can write, editable in place.
 */
import {
  defineView,
  isNocofloError,
  type Page,
  type ReadPageOptions,
  type ViewDataAccess,
  type ViewDefinition,
} from '@nocoflo/sdk';
import { parseParams } from './params.js';
import { renderTable } from './render.js';

/** Score for every table with at least one column: a good default, beaten only by a specialised view. */
export const TABLE_VIEW_SCORE = 50;

async function readPageOrFirst(
  data: ViewDataAccess,
  table: string,
  options: ReadPageOptions,
  notices: string[],
): Promise<Page> {
  try {
    return await data.readPage(table, options);
  } catch (error) {
    // A cursor from an old link (another sort, a changed table) should not break the page.
    if (options.cursor && isNocofloError(error, 'NCF_INVALID_QUERY')) {
      notices.push(`The page link was out of date (${error.message}); showing the first page.`);
      return data.readPage(table, { ...options, cursor: null });
    }
    throw error;
  }
}

/** The table view definition. */
export const tableView: ViewDefinition = defineView({
  name: 'table',
  title: 'Table',
  canHandle: (table) => (table.columns.length > 0 ? TABLE_VIEW_SCORE : false),
  assets: ['./assets/table-view.css', './assets/table-view.js'],
  async render({ table, data, params, urls }) {
    const { state, options, notices } = parseParams(table, params);
    const page = await readPageOrFirst(data, table.name, options, notices);
    if (options.cursor && !page.rows.length)
      notices.push('This page is empty; the rows may have been deleted.');
    return { html: renderTable({ table, page, state, urls, notices }), title: table.name };
  },
});
