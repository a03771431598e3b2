/**
 * The page of one row (`?row=<key JSON>`): its values, each foreign key a link to the row it
 * references (with that row's label), and, per table and foreign key that references this
 * table, the rows that reference this one, linked and paged.
 */
import {
  type CellValue,
  type Filter,
  type ForeignKey,
  html,
  type Row,
  type SafeHtml,
  type TableSchema,
  type ViewDataAccess,
  type ViewUrls,
} from '@nocoflo/sdk';
import { type ForeignKeyLink, foreignKeyLinks, rowHref, tableHref } from './foreign-keys.js';
import { columnClass, formatCell, toJson } from './format.js';

/** Referencing rows shown per section and page. */
export const REFERENCING_PAGE_SIZE = 10;

/** Most tables searched for foreign keys to this one. */
const MAX_TABLES_SEARCHED = 300;

/** Longest label shown in a link. */
const MAX_LABEL_CHARS = 80;

/** A row key from the `row` parameter, checked against the table's primary key; undefined when it does not fit. */
export function parseRowKey(table: TableSchema, text: string): Row | undefined {
  if (table.primaryKey.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const given = value as Record<string, CellValue>;
  const names = Object.keys(given);
  if (names.length !== table.primaryKey.length || !table.primaryKey.every((k) => k in given))
    return undefined;
  return given;
}

const eqFilters = (key: Row): Filter[] =>
  Object.entries(key).map(([column, value]) => ({ column, op: 'eq', value }));

/** The HTML of a foreign-key link after a value. */
export function renderForeignKeyLink(link: ForeignKeyLink | undefined): SafeHtml | false {
  if (!link) return false;
  const label =
    link.label && link.label.length > MAX_LABEL_CHARS
      ? `${link.label.slice(0, MAX_LABEL_CHARS)}…`
      : link.label;
  return label
    ? html` <a class="ncf-fk" href="${link.href}" title="Open this ${link.table} row"><span aria-hidden="true">→</span> ${label}</a>`
    : html` <a class="ncf-fk" href="${link.href}" title="Open this ${link.table} row" aria-label="Open this ${link.table} row">→</a>`;
}

/** One table and foreign key that reference the shown table, with this row's values for it. */
interface Referencing {
  table: TableSchema;
  fk: ForeignKey;
  filter: Filter[];
  id: string;
}

/** Every foreign key of a readable table that references `table`, with the filter for this row. */
async function referencingKeys(data: ViewDataAccess, table: TableSchema, row: Row): Promise<Referencing[]> {
  if (!data.listTables) return [];
  const tables = (await data.listTables()).slice(0, MAX_TABLES_SEARCHED);
  const schemas = await Promise.all(tables.map((t) => data.describeTable(t.name).catch(() => undefined)));
  const found: Referencing[] = [];
  for (const schema of schemas) {
    if (!schema) continue;
    for (const fk of schema.foreignKeys) {
      if (fk.referencedTable !== table.name) continue;
      const filter: Filter[] = [];
      for (let i = 0; i < fk.columns.length; i++) {
        const value = row[fk.referencedColumns[i] as string];
        if (value === null || value === undefined) break;
        filter.push({ column: fk.columns[i] as string, op: 'eq', value });
      }
      if (filter.length !== fk.columns.length) continue;
      found.push({ table: schema, fk, filter, id: `${schema.name}:${fk.columns.join(',')}` });
    }
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}

/** What {@link renderRowPage} needs. */
export interface RowPageInput {
  /** The table of the row. */
  table: TableSchema;
  /** Read access to the datasource. */
  data: ViewDataAccess;
  /** The row's key. */
  key: Row;
  /** The page's parameters (`ref` and `rcursor` page one referencing section). */
  params: Readonly<Record<string, string>>;
  /** The page's URLs. */
  urls: ViewUrls;
}

function keyText(key: Row): string {
  return Object.entries(key)
    .map(([name, value]) => `${name} = ${typeof value === 'string' ? value : toJson(value)}`)
    .join(', ');
}

function keyOf(table: TableSchema, row: Row): Row {
  const key: Row = {};
  for (const name of table.primaryKey) key[name] = row[name] ?? null;
  return key;
}

async function renderReferencing(
  data: ViewDataAccess,
  ref: Referencing,
  key: Row,
  params: Readonly<Record<string, string>>,
  urls: ViewUrls,
  index: number,
): Promise<SafeHtml> {
  const { table, fk, filter } = ref;
  const cursor = params.ref === ref.id ? params.rcursor : undefined;
  const [count, page] = await Promise.all([
    data
      .aggregate(table.name, { measures: [{ fn: 'count', as: 'n' }], filter })
      .then((r) => Number(r.rows[0]?.n ?? 0))
      .catch(() => undefined),
    data.readPage(table.name, { filter, limit: REFERENCING_PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
  ]);
  const here = (extra: Record<string, string>) =>
    `${urls.page}?${new URLSearchParams({ view: 'table', row: toJson(key), ...extra })}#ncf-ref-${index}`;
  const pager = (label: string, rel: string, next: string | null) =>
    next
      ? html`<a class="ncf-button" rel="${rel}" href="${here({ ref: ref.id, rcursor: next })}">${label}</a>`
      : html`<span class="ncf-button ncf-disabled" aria-disabled="true">${label}</span>`;
  const first = cursor && html`<a class="ncf-button" href="${here({})}">⇤ First</a>`;
  const tableLink = tableHref(urls, table.name);
  const all =
    tableLink &&
    fk.columns.length === 1 &&
    html`<a href="${tableLink}?${new URLSearchParams({
      view: 'table',
      fcol: fk.columns[0] as string,
      fop: 'eq',
      fval: String(filter[0]?.value ?? ''),
    })}">show them in ${table.name}</a>`;
  const header = html`<tr>${table.primaryKey.length > 0 && html`<th scope="col"><span class="ncf-sr">Open</span></th>`}${table.columns.map((c) => html`<th scope="col" class="${columnClass(c)}">${c.name}</th>`)}</tr>`;
  const body = page.rows.map((r) => {
    const href = table.primaryKey.length > 0 ? rowHref(urls, table.name, keyOf(table, r)) : undefined;
    const open =
      table.primaryKey.length > 0 &&
      html`<td class="ncf-open">${href && html`<a href="${href}" title="Open this ${table.name} row" aria-label="Open this ${table.name} row">⤢</a>`}</td>`;
    return html`<tr>${open}${table.columns.map((c) => html`<td class="${columnClass(c)}" data-col="${c.name}">${formatCell(r[c.name] ?? null, c.type)}</td>`)}</tr>`;
  });
  const counted =
    count === undefined ? '' : `${count.toLocaleString('en-US')} ${count === 1 ? 'row' : 'rows'}`;
  return html`<section class="ncf-refs" id="ncf-ref-${index}" data-ref="${ref.id}" aria-labelledby="ncf-ref-${index}-title">
<h3 id="ncf-ref-${index}-title">${table.name} <small>by ${fk.columns.join(', ')}</small> <span class="ncf-count">${counted}</span></h3>
${
  page.rows.length === 0
    ? html`<p class="ncf-muted">No rows.</p>`
    : html`<div class="ncf-scroll"><table class="ncf-refs-grid"><thead>${header}</thead><tbody>${body}</tbody></table></div>`
}
<nav class="ncf-pager" aria-label="Pages of ${table.name}">${first}${pager('← Previous', 'prev', page.prevCursor)}${pager('Next →', 'next', page.nextCursor)}${all && html` <span class="ncf-refs-all">${all}</span>`}</nav>
</section>`;
}

/** Renders the row page; undefined when no row has the key (the caller shows the table with a notice). */
export async function renderRowPage({
  table,
  data,
  key,
  params,
  urls,
}: RowPageInput): Promise<string | undefined> {
  const page = await data.readPage(table.name, { filter: eqFilters(key), limit: 1 });
  const row = page.rows[0];
  if (!row) return undefined;
  const links = await foreignKeyLinks(data, table, [row], urls);
  const fields = table.columns.map((column) => {
    const value = row[column.name] ?? null;
    const link = links.get(column.name)?.get(row);
    return html`<tr><th scope="row">${column.name}${table.primaryKey.includes(column.name) && html` <span class="ncf-key" title="primary key">PK</span>`}<div class="ncf-type">${column.nativeType || column.type}</div></th><td class="${columnClass(column)}" data-col="${column.name}">${formatCell(value, column.type)}${renderForeignKeyLink(link)}</td></tr>`;
  });
  const referencing = await referencingKeys(data, table, row);
  const sections = await Promise.all(
    referencing.map((ref, i) => renderReferencing(data, ref, key, params, urls, i)),
  );
  const formHref = `${urls.page}?${new URLSearchParams({ view: 'form', key: toJson(key) })}`;
  return String(html`<section class="ncf-table-view ncf-row-page" data-table="${table.name}">
<p class="ncf-row-nav"><a href="${urls.page}?view=table">← All rows of ${table.name}</a> · <a href="${formHref}">Open as a form</a></p>
<h2 class="ncf-row-title">${keyText(key)}</h2>
<table class="ncf-record"><tbody>${fields}</tbody></table>
<h2>Referenced by</h2>
${sections.length === 0 ? html`<p class="ncf-muted">No table references this row.</p>` : sections}
</section>`);
}
