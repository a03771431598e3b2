/**
 * The form view's HTML: navigation (first, previous, next, last, new), a jump-to-key
 * form, and the record as labelled, typed inputs with NULL toggles and links along
 * foreign keys. The browser script (assets/form-view.js) saves, inserts and deletes
 * through the host's data API; without it the page still shows and navigates.
 */
import {
  type CellValue,
  escapeHtml,
  type Row,
  type RowKey,
  type TableSchema,
  type ViewUrls,
} from '@nocoflo/sdk';
import { renderInput, toJson } from './inputs.js';

const attr = (value: unknown) => escapeHtml(value);

/** Everything the form shows. */
export interface FormModel {
  /** The table. */
  table: TableSchema;
  /** The record shown, or null (empty table, unknown key, new record). */
  record: Row | null;
  /** Whether this is the form for a new record. */
  isNew: boolean;
  /** Keys of the neighbouring records (null: none, undefined: not known). */
  prev?: RowKey | null;
  /** The next record's key. */
  next?: RowKey | null;
  /** Cursor links, for tables without a key. */
  cursors?: {
    /** The previous row's one-row page. */
    prev: string | null;
    /** The next row's one-row page. */
    next: string | null;
  };
  /** Messages for the page. */
  notices: readonly string[];
  /** URLs of the page and the data API. */
  urls: ViewUrls;
}

/** The URL of this view for a table's record: `…?view=form&key=…`. */
export function formHref(page: string, params: Readonly<Record<string, string>>): string {
  const query = new URLSearchParams({ view: 'form', ...params }).toString();
  return `${page}?${query}`;
}

/**
 * The page URL of another table of the same datasource, from this table's page URL (the
 * host names table pages `<prefix><encoded table name>`), or null when it cannot tell.
 */
export function siblingPage(urls: ViewUrls, table: string, other: string): string | null {
  const own = encodeURIComponent(table);
  if (!urls.page.endsWith(own)) return null;
  return urls.page.slice(0, urls.page.length - own.length) + encodeURIComponent(other);
}

function keyText(key: RowKey): string {
  return Object.entries(key)
    .map(([name, value]) => `${name} ${typeof value === 'string' ? value : toJson(value)}`)
    .join(', ');
}

function navLink(label: string, href: string | null, rel: string, shortcut: string): string {
  return href
    ? `<a class="ncf-button" href="${attr(href)}" data-nav="${rel}" accesskey="${shortcut}" aria-keyshortcuts="Alt+Shift+${shortcut.toUpperCase()}">${label}</a>`
    : `<span class="ncf-button ncf-disabled" aria-disabled="true" data-nav="${rel}">${label}</span>`;
}

function renderNav(model: FormModel): string {
  const { urls, table } = model;
  const keyHref = (key: RowKey | null | undefined) =>
    key ? formHref(urls.page, { key: toJson(key) }) : null;
  const cursorHref = (cursor: string | null | undefined) => (cursor ? formHref(urls.page, { cursor }) : null);
  const hasKey = table.primaryKey.length > 0;
  const prev = hasKey ? keyHref(model.prev) : cursorHref(model.cursors?.prev);
  const next = hasKey ? keyHref(model.next) : cursorHref(model.cursors?.next);
  const here = model.isNew
    ? 'New record'
    : model.record && hasKey
      ? keyText(Object.fromEntries(table.primaryKey.map((k) => [k, model.record?.[k] ?? null])))
      : '';
  const links = [
    navLink('⇤ First', formHref(urls.page, { at: 'first' }), 'first', 'f'),
    navLink('← Previous', prev, 'prev', 'p'),
    navLink('Next →', next, 'next', 'n'),
    navLink('Last ⇥', hasKey ? formHref(urls.page, { at: 'last' }) : null, 'last', 'l'),
  ];
  const create =
    table.writable && !model.isNew ? navLink('+ New', formHref(urls.page, { new: '1' }), 'new', 'w') : '';
  return `<nav class="ncf-form-nav" aria-label="Records">${links.join('')}<span class="ncf-here">${escapeHtml(here)}</span>${create}</nav>`;
}

function renderJump(model: FormModel): string {
  const { table, urls } = model;
  if (table.primaryKey.length === 0) return '';
  const fields = table.primaryKey
    .map((name, i) => {
      const current = model.record && !model.isNew ? (model.record[name] ?? '') : '';
      return `<label>${escapeHtml(name)} <input name="key.${attr(name)}" id="ncf-jump-${i}" value="${attr(typeof current === 'string' ? current : toJson(current))}" required></label>`;
    })
    .join(' ');
  return `<form class="ncf-jump" method="get" action="${attr(urls.page)}" aria-label="Go to a record by key"><input type="hidden" name="view" value="form">${fields} <button type="submit">Go</button></form>`;
}

/** Links from this record along its foreign keys to the referenced records (shown after each key's last column). */
function foreignLinks(model: FormModel): Map<string, string> {
  const links = new Map<string, string>();
  const record = model.record;
  if (!record || model.isNew) return links;
  for (const fk of model.table.foreignKeys) {
    const values = fk.columns.map((c) => record[c] ?? null);
    if (values.some((v) => v === null)) continue;
    const page = siblingPage(model.urls, model.table.name, fk.referencedTable);
    if (!page) continue;
    const key: Record<string, CellValue> = {};
    fk.referencedColumns.forEach((column, i) => {
      key[column] = values[i] ?? null;
    });
    const last = fk.columns[fk.columns.length - 1] as string;
    const href = formHref(page, { key: toJson(key) });
    links.set(
      last,
      `${links.get(last) ?? ''} <a class="ncf-fk" href="${attr(href)}" title="Open the referenced ${attr(fk.referencedTable)} record">→ ${escapeHtml(fk.referencedTable)} ${escapeHtml(keyText(key))}</a>`,
    );
  }
  return links;
}

function placeholderOf(table: TableSchema, name: string): string {
  const column = table.columns.find((c) => c.name === name);
  if (!column) return '';
  if (column.hasDefault) return 'default';
  return column.nullable ? 'empty: NULL' : 'required';
}

function renderFields(model: FormModel): string {
  const { table } = model;
  const fks = foreignLinks(model);
  const editable = table.writable;
  return table.columns
    .map((column, i) => {
      const id = `ncf-field-${i}`;
      const value = model.isNew ? null : (model.record?.[column.name] ?? null);
      const badges = [
        table.primaryKey.includes(column.name) ? '<span class="ncf-badge" title="primary key">PK</span>' : '',
        table.foreignKeys.some((fk) => fk.columns.includes(column.name))
          ? '<span class="ncf-badge" title="foreign key">FK</span>'
          : '',
      ].join('');
      const input = renderInput(column, value, {
        id,
        editable: editable && !column.generated,
        ...(model.isNew ? { placeholder: placeholderOf(table, column.name) } : {}),
      });
      const original = model.isNew ? '' : ` data-original="${attr(toJson(value))}"`;
      return `<div class="ncf-field" data-col="${attr(column.name)}"${original}><label for="${id}"><span class="ncf-name">${escapeHtml(column.name)}</span> <span class="ncf-type">${escapeHtml(column.nativeType || column.type)}</span>${badges}</label><div class="ncf-control">${input}${fks.get(column.name) ?? ''}</div></div>`;
    })
    .join('\n');
}

function readOnlyReason(table: TableSchema): string {
  if (table.kind === 'view') return 'this is a database view';
  if (table.primaryKey.length === 0) return 'this table has no primary key to find a record by';
  return 'the datasource cannot write it';
}

/** Renders the form view's HTML fragment. */
export function renderForm(model: FormModel): string {
  const { table, urls } = model;
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable }));
  const key =
    model.record && !model.isNew && table.primaryKey.length > 0
      ? Object.fromEntries(table.primaryKey.map((k) => [k, model.record?.[k] ?? null]))
      : null;
  const afterDelete = model.next ?? model.prev;
  const data = [
    `data-rows-url="${attr(urls.rows)}"`,
    `data-page-url="${attr(urls.page)}"`,
    `data-table="${attr(table.name)}"`,
    `data-columns="${attr(toJson(columns))}"`,
    `data-primary-key="${attr(toJson(table.primaryKey))}"`,
    key ? `data-key="${attr(toJson(key))}"` : '',
    `data-mode="${model.isNew ? 'new' : 'edit'}"`,
    afterDelete
      ? `data-after-delete="${attr(formHref(urls.page, { key: toJson(afterDelete) }))}"`
      : `data-after-delete="${attr(formHref(urls.page, { at: 'first' }))}"`,
    table.writable ? 'data-writable' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const notices = model.notices
    .map((n) => `<p class="ncf-notice" role="status">${escapeHtml(n)}</p>`)
    .join('');
  const readOnly = table.writable ? '' : `<p class="ncf-readonly">Read-only: ${readOnlyReason(table)}.</p>`;
  const body =
    model.record || model.isNew
      ? `<form class="ncf-record" novalidate>
<div class="ncf-fields">
${renderFields(model)}
</div>
${
  table.writable
    ? `<div class="ncf-actions"><button type="submit" class="ncf-save" aria-keyshortcuts="Control+S">${model.isNew ? 'Insert' : 'Save'}</button> <button type="reset" class="ncf-secondary">Reset</button>${model.isNew ? '' : ' <button type="button" class="ncf-delete">Delete…</button>'}</div>`
    : ''
}
</form>`
      : `<p class="ncf-nodata">No record to show.</p>`;
  return `<section class="ncf-form-view" ${data}>
${notices}<div class="ncf-alert" role="alert" hidden></div><p class="ncf-saved" role="status" hidden></p>
${renderNav(model)}
${renderJump(model)}
${readOnly}${body}
</section>`;
}
