/**
 * The contract of a view: how a table is shown. A view scores how well it can show a
 * table, and renders it to HTML on the server through a read-only data handle the host
 * gives it. Views never hold connections of their own; their browser code talks to the
 * host's data API.
 */
import type { Datasource, TableSchema } from '../datasource/types.js';

/**
 * The read-only part of a {@link Datasource} a view renders through. Calls go through the
 * host's data hooks, like every other read, and reach only the tables the person may read.
 * `listTables` (the tables the person may read) is there when the host offers it: a view
 * that uses it (to find the tables referencing a row) works without it too.
 */
export type ViewDataAccess = Pick<Datasource, 'readPage' | 'aggregate' | 'describeTable'> &
  Partial<Pick<Datasource, 'listTables'>>;

/** URLs the rendered HTML may use. */
export interface ViewUrls {
  /** This page, without query string (for links that change `params`). */
  readonly page: string;
  /** Base of the data API for this table: `GET {rows}` reads pages, `POST` inserts, `PATCH`/`DELETE` by key. */
  readonly rows: string;
  /** Base URL of this plugin's static assets (`assets` of the view definition). */
  readonly assets: string;
  /**
   * The page of another table of the same datasource, with `{table}` where its URL-encoded
   * name goes (e.g. `/d/demo/t/{table}`), for links along foreign keys. Absent when the
   * host has no such pages.
   */
  readonly tablePage?: string;
  /**
   * Where the view's browser code saves its settings for this table (hidden, ordered and
   * sized columns, …): `PUT {settings}` with a JSON object, remembered for the person (an
   * admin's `?default=site` makes them everyone's default) and handed back to `render` as
   * {@link ViewRenderInput.settings}. Absent when the host cannot remember settings.
   */
  readonly settings?: string;
}

/** A view's remembered settings for one table: a JSON object of the view's own making. */
export type ViewSettings = Readonly<Record<string, unknown>>;

/** Everything a view's `render` receives. */
export interface ViewRenderInput {
  /** The table to show. */
  readonly table: TableSchema;
  /** Read access to the table's datasource. */
  readonly data: ViewDataAccess;
  /** Query-string parameters of the page (cursor, sort, filters, chart settings, …). */
  readonly params: Readonly<Record<string, string>>;
  /** URLs for links, API calls and assets. */
  readonly urls: ViewUrls;
  /**
   * The settings the view saved for this table and person (see {@link ViewUrls.settings}),
   * or the site default; absent when none were saved. Check them: they are whatever was saved.
   */
  readonly settings?: ViewSettings;
}

/** What `render` returns: an HTML fragment placed inside the host's page. */
export interface ViewRenderResult {
  /** The HTML fragment. Every value from the data must be escaped. */
  html: string;
  /** Optional page title addition, e.g. "orders (chart)". */
  title?: string;
}

/**
 * A view contributed by a plugin.
 *
 * @example
 * ```ts
 * import { defineView, html, type ViewDefinition } from '@nocoflo/sdk';
 *
 * // A view that lists the first column of a table, with a link to the next page.
 * export const firstColumn: ViewDefinition = defineView({
 *   name: 'first-column',
 *   title: 'First column',
 *   // 0–100, or false: how well this view suits the table (the host offers the best first).
 *   canHandle: (table) => (table.columns.length > 0 ? 10 : false),
 *   assets: ['./assets/first-column.css'],
 *   async render({ table, data, params, urls }) {
 *     const column = table.columns[0]?.name ?? '';
 *     const page = await data.readPage(table.name, { limit: 50, cursor: params.cursor ?? null, columns: [column] });
 *     const items = page.rows.map((row) => html`<li>${String(row[column] ?? 'NULL')}</li>`);
 *     const next = page.nextCursor
 *       ? html`<a href="${urls.page}?cursor=${encodeURIComponent(page.nextCursor)}">Next</a>`
 *       : '';
 *     return { html: html`<ul class="first-column">${items}</ul>${next}`.toString(), title: column };
 *   },
 * });
 * ```
 */
export interface ViewDefinition {
  /** Unique name, e.g. `table`. */
  name: string;
  /** Label for the view switcher, e.g. "Table". */
  title: string;
  /**
   * How well this view can show the table: a score from 0 (cannot) to 100 (ideal), or
   * `false`. The host shows the highest score first.
   */
  canHandle(table: TableSchema): number | false;
  /** Renders the table to an HTML fragment. */
  render(input: ViewRenderInput): Promise<ViewRenderResult> | ViewRenderResult;
  /** Breaks ties between equal scores; higher first. Default 0. */
  priority?: number;
  /**
   * Static files the page should load, relative to the plugin's package folder, e.g.
   * `['./assets/table-view.js', './assets/table-view.css']`. The host serves them under
   * `urls.assets` and adds `<script type="module">` / `<link rel="stylesheet">` tags.
   */
  assets?: readonly string[];
}
