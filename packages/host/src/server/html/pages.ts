/**
 * The HTML of the web app's pages: home (datasources and their tables), table page (view
 * switcher and the chosen view's fragment) and admin page (plugins and their buttons).
 * Everything that comes from data, plugins or the URL is escaped here.
 */
import { escapeHtml, type PluginInfo, type SerializedNocofloError, type TableInfo } from '@nocoflo/sdk';
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
        ? '<p class="ncf-muted">No tables.</p>'
        : `<ul class="ncf-tables">${ds.tables
            .map(
              (t) =>
                `<li><a href="${escapeHtml(tablePageUrl(ds.id, t.name))}"><span>${escapeHtml(t.name)}${t.kind === 'view' ? ' <span class="ncf-kind">view</span>' : ''}</span><span class="ncf-muted">${escapeHtml(formatCount(t.rowCountEstimate))}</span></a></li>`,
            )
            .join('')}</ul>`
      : '';
    return `<section class="ncf-card" data-datasource="${escapeHtml(ds.id)}"><header><h2>${escapeHtml(ds.id)}</h2><code>${escapeHtml(ds.displayUrl)}</code></header>${ds.error ? renderErrorBox(ds.error) : tables}</section>`;
  });
  const body =
    datasources.length === 0
      ? '<p>No datasources. Start the server with a URL: <code>nocoflo serve sqlite:./my.db</code>, or <code>nocoflo serve --demo</code>.</p>'
      : cards.join('\n');
  return renderPage({ title: 'Data', body: `<h1>Data</h1>${body}` });
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
}

/** The table page: the switcher and the chosen view. */
export function renderTablePage({
  datasource,
  table,
  views,
  current,
  content,
  notices,
}: TablePageInput): string {
  const page = tablePageUrl(datasource, table);
  const switcher = views
    .map((v) => {
      const here = v.name === current.name;
      return `<a href="${escapeHtml(`${page}?view=${encodeURIComponent(v.name)}`)}" data-view="${escapeHtml(v.name)}"${here ? ' aria-current="page"' : ''} title="${escapeHtml(`${v.plugin} (score ${v.score})`)}">${escapeHtml(v.title)}</a>`;
    })
    .join('');
  const assets = current.definition.assets ?? [];
  const noticeHtml = notices.map((n) => `<p class="ncf-muted" role="status">${escapeHtml(n)}</p>`).join('');
  const main = 'error' in content ? renderErrorBox(content.error) : content.html;
  const body = `<div class="ncf-table-head"><h1>${escapeHtml(table)}</h1></div>
${noticeHtml}<nav class="ncf-switcher" aria-label="Views">${switcher}</nav>
<div class="ncf-view" data-view="${escapeHtml(current.name)}">${main}</div>`;
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
    body: `<h1>${escapeHtml(error.title)}</h1>${renderErrorBox(error)}<p><a href="/">Back to the data</a></p>`,
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
  return `<div data-isolation="${escapeHtml(runtime.isolation)}">${escapeHtml(runtime.isolation)}</div>${
    asks.length ? `<div>asks for ${escapeHtml(asks.join('; '))}</div>` : ''
  }${restarts}${last}`;
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
        ? '<div class="ncf-plugin-error ncf-muted">Use the admin token to see why it failed.</div>'
        : `<div class="ncf-plugin-error" data-code="${escapeHtml(p.error.code)}"><strong>${escapeHtml(p.error.title)}</strong>: ${escapeHtml(p.error.message)}<div class="ncf-hint">${escapeHtml(p.error.hint)}</div></div>`;
    const warnings = p.warnings.map((w) => `<div class="ncf-muted">⚠ ${escapeHtml(w)}</div>`).join('');
    const runtime = p.runtime ? runtimeSummary(p.runtime) : '';
    const buttons = [
      ...actionsFor(p).map(
        (a) =>
          `<button type="button" data-action="${a}" data-plugin="${escapeHtml(p.name)}">${a[0]?.toUpperCase()}${a.slice(1)}</button>`,
      ),
      `<button type="button" data-configure="${escapeHtml(p.name)}">Configure</button>`,
    ].join(' ');
    return `<tr data-plugin="${escapeHtml(p.name)}" data-state="${escapeHtml(p.state)}">
<td><strong>${escapeHtml(p.displayName ?? p.name)}</strong>${p.displayName ? ` <code>${escapeHtml(p.name)}</code>` : ''}${p.description ? `<div class="ncf-muted">${escapeHtml(p.description)}</div>` : ''}${warnings}</td>
<td>${escapeHtml(p.version)}</td>
<td><span class="ncf-state ncf-state-${escapeHtml(p.state)}">${escapeHtml(p.state)}</span>${error}</td>
<td class="ncf-muted">${escapeHtml(contributions.join(', ') || p.provides.join(', '))}</td>
<td class="ncf-muted">${escapeHtml(p.source)}${runtime}</td>
<td class="ncf-actions">${buttons}</td>
</tr>`;
  });
  const body = `<h1>Plugins</h1>
<form class="ncf-token-form" hidden><label>Admin token <input name="token" type="password" autocomplete="off" required></label><button type="submit">Use token</button><span class="ncf-muted">Printed once by <code>nocoflo serve</code> when it was generated; kept in the data folder's <code>admin-token</code> file (or set with NOCOFLO_ADMIN_TOKEN).</span></form>
<div class="ncf-error ncf-admin-alert" role="alert" hidden></div>
<table class="ncf-plugins"><thead><tr><th>Plugin</th><th>Version</th><th>State</th><th>Contributes</th><th>Source</th><th><span class="ncf-muted">Actions</span></th></tr></thead>
<tbody>${rows.join('\n') || '<tr><td colspan="6" class="ncf-muted">No plugins found.</td></tr>'}</tbody></table>
<section class="ncf-card ncf-config" aria-live="polite" hidden></section>`;
  return renderPage({
    title: 'Plugins',
    body,
    section: 'admin',
    crumbs: [{ label: 'Plugins' }],
    scripts: [`${HOST_ASSET_BASE}admin.js`],
  });
}
