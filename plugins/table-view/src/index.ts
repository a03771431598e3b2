/**
 * `@nocoflo/table-view`: shows any table as a grid with keyset paging, sorting, filtering
 * and, when the datasource can write, inline editing, adding and deleting of rows.
 *
 * @packageDocumentation
 */
import { definePlugin } from '@nocoflo/sdk';
import { tableView } from './table-view.js';

export {
  COLUMN_WIDTH_RANGE,
  type ColumnLayout,
  type ColumnPlacement,
  columnLayout,
  renderColumnsPanel,
  widthStyle,
} from './columns.js';
export { countRows, describeCount, EXACT_COUNT_LIMIT, type RowCount } from './count.js';
export { type ExportState, exportHref, renderExportLinks } from './export.js';
export { FACET_VALUES_SHOWN, type Facet, type FacetValue, MAX_FACET_CARDINALITY } from './facets.js';
export type { FilterErrors } from './filters.js';
export {
  type ForeignKeyLink,
  type ForeignKeyLinks,
  foreignKeyLinks,
  labelColumn,
  referencedKey,
  rowHref,
  tableHref,
} from './foreign-keys.js';
export { cellText, formatCell, toJson } from './format.js';
export {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type ParsedParams,
  pageHref,
  parseParams,
  type TableViewState,
} from './params.js';
export { type RenderTableInput, renderTable } from './render.js';
export {
  parseRowKey,
  REFERENCING_PAGE_SIZE,
  type RowPageInput,
  renderForeignKeyLink,
  renderRowPage,
} from './row-page.js';
export { TABLE_VIEW_SCORE, tableView } from './table-view.js';

/** The plugin: contributes the `table` view. */
export default definePlugin({ views: [tableView] });
