/**
 * The HTML of the web app's pages: home (datasources and their tables), table page (view
 * switcher and the chosen view's fragment) and admin page (plugins and their buttons).
 * Built with the SDK's `html` template: everything that comes from data, plugins or the URL
 * is escaped unless it is HTML a view rendered.
 */
import {
  escapeHtml,
  html,
  joinHtml,
  type PluginInfo,
  type SerializedNocofloError,
  type TableInfo,
  unsafeRawHtml,
} from '@nocoflo/sdk';
import type { ResolvedView } from '../../types.js';
import { HOST_ASSET_BASE } from './host-assets.js';
import { renderErrorBox, renderPage } from './layout.js';

/** URL of a table page. */
export const tablePageUrl = (datasource: string, table: string): string =>
  `/d/${encodeURIComponent(datasource)}/t/${encodeURIComponent(table)}`;

/** URL of a table's rows in the data API. */
export const rowsApiUrl = (datasource: string, table: string): string =>
  `/api/datasources/${encodeURIComponent(datasource)}/tables/${encodeURIComponent(table)}/rows`;

/** URL prefix of a plugin's assets. */
export const pluginAssetBase = (plugin: string): string => `/_assets/plugins/${encodeURIComponent(plugin)}/`;

/** URL of one asset of a view (`./assets/x.js` → `/_assets/plugins/<plugin>/assets/x.js`). */
export const assetUrl = (plugin: string, asset: string): string =>
  pluginAssetBase(plugin) + asset.replace(/^\.\//, '').split('/').map(encodeURIComponent).join('/');

/** One datasource on the home page: its tables, or why they could not be listed. */
export interface HomeDatasource {
  id: string;
  displayUrl: string;
  tables?: TableInfo[];
  error?: SerializedNocofloError;
}

const formatCount = (n: number | undefined): string =>
  n === undefined ? '' : `≈ ${n.toLocaleString('en-US')} rows`;

/** The home page. */
export function renderHome(datasources: readonly HomeDatasource[]): string {
  const cards = datasources.map((ds) => {
    const tables = ds.tables
      ? ds.tables.length === 0
        ? html`<p class="ncf-muted">No tables.</p>`
        : html`<ul class="ncf-tables">${ds.tables.map(
            (t) =>
              html`<li><a href="${tablePageUrl(ds.id, t.name)}"><span>${t.name}${t.kind === 'view' && html` <span class="ncf-kind">view</span>`}</span><span class="ncf-muted">${formatCount(t.rowCountEstimate)}</span></a></li>`,
          )}</ul>`
      : '';
    return html`<section class="ncf-card" data-datasource="${ds.id}"><header><h2>${ds.id}</h2><code>${ds.displayUrl}</code></header>${ds.error ? unsafeRawHtml(renderErrorBox(ds.error)) : tables}</section>`;
  });
  const body =
    datasources.length === 0
      ? html`<p>No datasources. Start the server with a URL: <code>nocoflo serve sqlite:./my.db</code>, or <code>nocoflo serve --demo</code>.</p>`
      : joinHtml(cards, '\n');
  return renderPage({ title: 'Data', body: String(html`<h1>Data</h1>${body}`) });
}

/** What the table page shows. */
export interface TablePageInput {
  datasource: string;
  table: string;
  views: readonly ResolvedView[];
  current: ResolvedView;
  /** The view's HTML, or the error it failed with. */
  content: { html: string; title?: string } | { error: SerializedNocofloError };
  notices: readonly string[];
  /** Parameters every view shares (the filter and search), kept by the view switcher's links. */
  shared?: Readonly<Record<string, string>>;
}

/** The table page: the switcher and the chosen view. */
export function renderTablePage({
  datasource,
  table,
  views,
  current,
  content,
  notices,
  shared = {},
}: TablePageInput): string {
  const page = tablePageUrl(datasource, table);
  const switcher = views.map((v) => {
    const here = v.name === current.name;
    const query = new URLSearchParams({ view: v.name, ...shared });
    return html`<a href="${`${page}?${query}`}" data-view="${v.name}"${here && html` aria-current="page"`} title="${`${v.plugin} (score ${v.score})`}">${v.title}</a>`;
  });
  const assets = current.definition.assets ?? [];
  const noticeHtml = notices.map((n) => html`<p class="ncf-muted" role="status">${n}</p>`);
  // The view's fragment is the view's own HTML (built with the same template by our views).
  const main = unsafeRawHtml('error' in content ? renderErrorBox(content.error) : content.html);
  const body = String(html`<div class="ncf-table-head"><h1>${table}</h1></div>
${noticeHtml}<nav class="ncf-switcher" aria-label="Views">${switcher}</nav>
<div class="ncf-view" data-view="${current.name}">${main}</div>`);
  return renderPage({
    title: 'error' in content ? table : (content.title ?? table),
    body,
    crumbs: [{ label: datasource, href: '/' }, { label: table }],
    styles: assets.filter((a) => a.endsWith('.css')).map((a) => assetUrl(current.plugin, a)),
    scripts: assets.filter((a) => /\.m?js$/.test(a)).map((a) => assetUrl(current.plugin, a)),
  });
}

/** A page that only shows an error (unknown table, datasource that cannot open, …). */
export function renderErrorPage(
  error: SerializedNocofloError,
  crumbs: { label: string; href?: string }[] = [],
): string {
  return renderPage({
    title: error.title,
    body: String(
      html`<h1>${error.title}</h1>${unsafeRawHtml(renderErrorBox(error))}<p><a href="/">Back to the data</a></p>`,
    ),
    crumbs,
  });
}

function actionsFor(plugin: PluginInfo): string[] {
  switch (plugin.state) {
    case 'enabled':
      return ['disable', 'reload'];
    case 'disabled':
    case 'failed':
      return ['enable', 'reload'];
    default:
      return ['reload'];
  }
}

/** Where a plugin runs, what it asks for, and how often it was restarted (last error included). */
function runtimeSummary(runtime: NonNullable<PluginInfo['runtime']>): string {
  const asks = [
    runtime.permissions.addons ? 'native addons' : '',
    runtime.permissions.fsRead.length ? `reads ${runtime.permissions.fsRead.join(', ')}` : '',
    runtime.permissions.env.length ? `env ${runtime.permissions.env.join(', ')}` : '',
  ].filter(Boolean);
  const restarts = runtime.restarts
    ? `<div data-restarts="${runtime.restarts}">restarted ${runtime.restarts}×${runtime.crashLoop ? ' (crash loop)' : ''}</div>`
    : '';
  const last = runtime.lastError
    ? `<div class="ncf-plugin-error" data-last-error="${escapeHtml(runtime.lastError.code)}">last error: ${escapeHtml(runtime.lastError.message)}</div>`
    : '';
  const level = `${runtime.isolation}${runtime.isolationSource === 'operator' ? ' (set by the operator)' : ''}${
    runtime.maxHeapMb !== undefined ? `, ${runtime.maxHeapMb} MB heap` : ''
  }`;
  const approval = runtime.approval
    ? `<div data-approved-by="${escapeHtml(runtime.approval.by)}">approved by ${escapeHtml(runtime.approval.by)} for ${escapeHtml(runtime.approval.version)}${
        runtime.unapproved?.length ? `; not approved: ${escapeHtml(runtime.unapproved.join(', '))}` : ''
      }</div>`
    : '';
  return `<div data-isolation="${escapeHtml(runtime.isolation)}">${escapeHtml(level)}</div>${
    asks.length ? `<div>asks for ${escapeHtml(asks.join('; '))}</div>` : ''
  }${approval}${restarts}${last}`;
}

/** The admin page: every plugin with version, state, error and buttons. */
export function renderAdmin(
  plugins: readonly PluginInfo[],
  options: {
    /** Show each failed plugin's error (the caller holds the admin token). Default false. */
    showErrors?: boolean;
  } = {},
): string {
  const rows = plugins.map((p) => {
    const contributions = [
      ...p.contributions.views.map((v) => `view ${v}`),
      ...p.contributions.datasources.map((d) => `datasource ${d}`),
      ...p.contributions.hooks.map((h) => `hook ${h}`),
    ];
    const error = !p.error
      ? ''
      : !options.showErrors
        ? html`<div class="ncf-plugin-error ncf-muted">Use the admin token to see why it failed.</div>`
        : html`<div class="ncf-plugin-error" data-code="${p.error.code}"><strong>${p.error.title}</strong>: ${p.error.message}<div class="ncf-hint">${p.error.hint}</div></div>`;
    const warnings = p.warnings.map((w) => html`<div class="ncf-muted">⚠ ${w}</div>`);
    // runtimeSummary builds its HTML with escapeHtml itself.
    const runtime = p.runtime ? unsafeRawHtml(runtimeSummary(p.runtime)) : '';
    const buttons = joinHtml(
      [
        ...actionsFor(p).map(
          (a) =>
            html`<button type="button" data-action="${a}" data-plugin="${p.name}">${a[0]?.toUpperCase()}${a.slice(1)}</button>`,
        ),
        html`<button type="button" data-configure="${p.name}">Configure</button>`,
      ],
      ' ',
    );
    return html`<tr data-plugin="${p.name}" data-state="${p.state}">
<td><strong>${p.displayName ?? p.name}</strong>${p.displayName && html` <code>${p.name}</code>`}${p.description && html`<div class="ncf-muted">${p.description}</div>`}${warnings}</td>
<td data-label="Version">${p.version}</td>
<td data-label="State"><span class="ncf-state ncf-state-${p.state}">${p.state}</span>${error}</td>
<td class="ncf-muted" data-label="Contributes">${contributions.join(', ') || p.provides.join(', ')}</td>
<td class="ncf-muted" data-label="Source">${p.source}${runtime}</td>
<td class="ncf-actions">${buttons}</td>
</tr>`;
  });
  const body = String(html`<h1>Plugins</h1>
<form class="ncf-token-form" hidden><label>Admin token <input name="token" type="password" autocomplete="off" required></label><button type="submit">Use token</button><span class="ncf-muted">Printed once by <code>nocoflo serve</code> when it was generated; kept in the data folder's <code>admin-token</code> file (or set with NOCOFLO_ADMIN_TOKEN).</span></form>
<div class="ncf-error ncf-admin-alert" role="alert" hidden></div>
<table class="ncf-plugins"><thead><tr><th>Plugin</th><th>Version</th><th>State</th><th>Contributes</th><th>Source</th><th><span class="ncf-muted">Actions</span></th></tr></thead>
<tbody>${rows.length > 0 ? joinHtml(rows, '\n') : html`<tr><td colspan="6" class="ncf-muted">No plugins found.</td></tr>`}</tbody></table>
<section class="ncf-card ncf-config" aria-live="polite" hidden></section>`);
  return renderPage({
    title: 'Plugins',
    body,
    section: 'admin',
    crumbs: [{ label: 'Plugins' }],
    scripts: [`${HOST_ASSET_BASE}admin.js`],
  });
}
