/**
 * Foreign keys as links: a cell of a foreign-key column links to the referenced row's page
 * and shows that row's label (its name or title), read for the whole page at once, one
 * query per foreign key.
 */
import type { CellValue, ForeignKey, Row, TableSchema, ViewDataAccess, ViewUrls } from '@nocoflo/sdk';
import { toJson } from './format.js';

/** Most distinct keys whose labels are read for one foreign key of a page. */
const MAX_LABEL_KEYS = 500;

const TEXT_TYPES = new Set(['text', 'enum']);

/** How much a column's name says "this names the row": names first, then titles and labels. */
function labelScore(name: string): number {
  if (/name$/i.test(name)) return 3;
  if (/(title|label)$/i.test(name)) return 2;
  if (/^(e?mail|username|login|code|slug)$/i.test(name)) return 1;
  return 0;
}

/**
 * The column that names a table's rows for people: the first text column called like a
 * name (`name`, `Name`, `LastName`, `product_name`), else like a title or label, else an
 * e-mail, login, code or slug; key and foreign-key columns never. Undefined when none fits:
 * the key alone is shown then.
 */
export function labelColumn(table: TableSchema): string | undefined {
  const keyColumns = new Set([...table.primaryKey, ...table.foreignKeys.flatMap((fk) => fk.columns)]);
  let best: string | undefined;
  let bestScore = 0;
  for (const column of table.columns) {
    if (!TEXT_TYPES.has(column.type) || keyColumns.has(column.name)) continue;
    const score = labelScore(column.name);
    if (score > bestScore) {
      best = column.name;
      bestScore = score;
    }
  }
  return best;
}

/** The URL of a table's page in the host, or undefined when the host gives none. */
export function tableHref(urls: ViewUrls, table: string): string | undefined {
  return urls.tablePage?.replace('{table}', encodeURIComponent(table));
}

/** The page of one row (`?view=table&row=<key JSON>`) of a table. */
export function rowHref(urls: ViewUrls, table: string, key: Row): string | undefined {
  const base = tableHref(urls, table);
  return base && `${base}?${new URLSearchParams({ view: 'table', row: toJson(key) })}`;
}

/** The key of the referenced row a foreign key points to from this row; undefined when a column is NULL. */
export function referencedKey(fk: ForeignKey, row: Row): Row | undefined {
  const key: Row = {};
  for (let i = 0; i < fk.columns.length; i++) {
    const value = row[fk.columns[i] as string];
    if (value === null || value === undefined) return undefined;
    key[fk.referencedColumns[i] as string] = value;
  }
  return key;
}

/** One foreign-key link of a cell: where it goes and the referenced row's label, if read. */
export interface ForeignKeyLink {
  /** The referenced row's page. */
  href: string;
  /** The referenced table. */
  table: string;
  /** The referenced row's label, when the table has a label column and the row was found. */
  label?: string;
}

/** Links of a page: by foreign-key column (its first column), then by the row. */
export type ForeignKeyLinks = Map<string, Map<Row, ForeignKeyLink>>;

/** The label text of a value (labels are text columns; anything else is shown as JSON). */
const labelText = (value: CellValue | undefined): string | undefined =>
  value === null || value === undefined ? undefined : typeof value === 'string' ? value : toJson(value);

/**
 * Reads the labels of every row the page's foreign keys reference: per foreign key, one
 * `in` read of the referenced table's key and label columns. A referenced table the person
 * may not read, or that cannot be read, gives links without labels; a host without table
 * pages gives no links.
 */
export async function foreignKeyLinks(
  data: ViewDataAccess,
  table: TableSchema,
  rows: readonly Row[],
  urls: ViewUrls,
): Promise<ForeignKeyLinks> {
  const links: ForeignKeyLinks = new Map();
  if (!urls.tablePage) return links;
  await Promise.all(
    table.foreignKeys.map(async (fk) => {
      const first = fk.columns[0];
      if (first === undefined || links.has(first)) return;
      const byRow = new Map<Row, ForeignKeyLink>();
      links.set(first, byRow);
      for (const row of rows) {
        const key = referencedKey(fk, row);
        const href = key && rowHref(urls, fk.referencedTable, key);
        if (href) byRow.set(row, { href, table: fk.referencedTable });
      }
      if (byRow.size === 0 || fk.columns.length !== 1) return;
      const labels = await readLabels(data, fk, [...byRow.keys()]).catch(() => undefined);
      if (!labels) return;
      for (const [row, link] of byRow) {
        const label = labels.get(toJson(row[first] ?? null));
        if (label !== undefined) link.label = label;
      }
    }),
  );
  return links;
}

/** Label by the JSON of the referenced key value, for a single-column foreign key. */
async function readLabels(
  data: ViewDataAccess,
  fk: ForeignKey,
  rows: readonly Row[],
): Promise<Map<string, string> | undefined> {
  const column = fk.columns[0] as string;
  const referenced = fk.referencedColumns[0] as string;
  const target = await data.describeTable(fk.referencedTable);
  const label = labelColumn(target);
  if (!label) return undefined;
  const values = new Map<string, CellValue>();
  for (const row of rows) {
    const value = row[column];
    if (value !== null && value !== undefined) values.set(toJson(value), value);
  }
  const keys = [...values.values()].slice(0, MAX_LABEL_KEYS);
  const page = await data.readPage(fk.referencedTable, {
    filter: [{ column: referenced, op: 'in', value: keys }],
    columns: [referenced, label],
    limit: Math.max(1, keys.length),
  });
  const labels = new Map<string, string>();
  for (const row of page.rows) {
    const text = labelText(row[label]);
    if (text !== undefined) labels.set(toJson(row[referenced] ?? null), text);
  }
  return labels;
}
