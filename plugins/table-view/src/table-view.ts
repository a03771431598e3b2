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
import { parseAddedKey, readAddedRow } from './added.js';
import { columnLayout } from './columns.js';
import { countRows } from './count.js';
import { readFacets } from './facets.js';
import { readWithFilter } from './filters.js';
import { foreignKeyLinks } from './foreign-keys.js';
import { parseParams } from './params.js';
import { renderTable } from './render.js';
import { parseRowKey, renderRowPage } from './row-page.js';

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
  assets: [
    './assets/table-view.css',
    './assets/table-extras.css',
    './assets/table-view.js',
    './assets/table-columns.js',
  ],
  async render({ table, data, params, urls, settings }) {
    const rowNotices: string[] = [];
    if (params.row !== undefined) {
      const key = parseRowKey(table, params.row);
      const rowPage = key && (await renderRowPage({ table, data, key, params, urls }));
      if (rowPage) return { html: rowPage, title: `${table.name} row` };
      rowNotices.push(
        key
          ? 'No row has that key (it may have been deleted); showing the table.'
          : `The row link does not name this table's primary key (${table.primaryKey.join(', ') || 'none'}); showing the table.`,
      );
    }
    const { state, options: asked, notices: paramNotices, conditions } = parseParams(table, params);
    const notices = [...rowNotices, ...paramNotices];
    const {
      page,
      options,
      errors: filterErrors,
    } = await readWithFilter(data, table.name, asked, conditions, state.filter.match, (o) =>
      readPageOrFirst(data, table.name, o, notices),
    );
    if (options.cursor && !page.rows.length)
      notices.push('This page is empty; the rows may have been deleted.');
    const filter = options.filter;
    const search = options.search;
    const count = await countRows(data, table, filter, page.estimatedTotal, search);
    const facets = await readFacets(data, table, state, urls, filter, search, count);
    const addedKey = parseAddedKey(table, params.added);
    const added = addedKey ? await readAddedRow(data, table, addedKey) : undefined;
    const layout = columnLayout(table, settings);
    // A column name with a comma cannot travel in `columns=`: such a table exports every column.
    const names = layout.visible.map((p) => p.column.name);
    const columns = layout.customised && !names.some((n) => n.includes(',')) ? names : undefined;
    const links = await foreignKeyLinks(data, table, added ? [added, ...page.rows] : page.rows, urls);
    return {
      html: renderTable({
        table,
        page,
        state,
        urls,
        notices,
        filterErrors,
        count,
        facets,
        added,
        exportState: {
          ...(options.sort ? { sort: options.sort } : {}),
          ...(filter ? { filter } : {}),
          ...(columns ? { columns } : {}),
          ...(search ? { search } : {}),
        },
        links,
        layout,
      }),
      title: table.name,
    };
  },
});
