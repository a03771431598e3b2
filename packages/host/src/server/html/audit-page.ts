/**
 * The admin audit page: the trail newest first, filters, and a revert button on row writes.
 */
import { escapeHtml, type SerializedNocofloError } from '@nocoflo/sdk';
import type { AuditEntry, AuditFilter } from '../../accounts/types.js';
import { renderErrorBox, renderPage } from './layout.js';

/** What the audit page shows. */
export interface AuditPageInput {
  entries: readonly AuditEntry[];
  filter: AuditFilter;
  csrf: string;
  /** Whether reverting is possible (not on a read-only server). */
  canRevert: boolean;
  /** Days entries are kept (undefined: forever), and whether that comes from the config file. */
  retention?: { days: number | undefined; fromConfig: boolean };
  notice?: string;
  error?: SerializedNocofloError;
}

const json = (value: unknown) => (value === undefined || value === null ? '' : JSON.stringify(value));

/** Whether an entry is a row write that can be reverted. */
export function isRevertible(entry: AuditEntry): boolean {
  return entry.action.startsWith('row.') && entry.datasource !== undefined && entry.key !== undefined;
}

/** The retention form: how many days entries are kept, and pruning now. */
function renderRetention(input: AuditPageInput): string {
  if (!input.retention) return '';
  const { days, fromConfig } = input.retention;
  const csrf = `<input type="hidden" name="_csrf" value="${escapeHtml(input.csrf)}">`;
  const now =
    days === undefined
      ? 'Entries are kept forever.'
      : `Entries older than ${days} days are removed hourly${fromConfig ? ' (set in the config file)' : ''}.`;
  return `<section class="ncf-card ncf-audit-retention"><h2>Retention</h2><p>${escapeHtml(now)} Each removal is recorded here.</p>
<form method="post" action="/admin/audit/retention" class="ncf-inline">${csrf}<label>Keep entries for <input name="days" type="number" min="1" step="1" value="${days ?? ''}" size="6"> days</label> <button type="submit">Save</button> <span class="ncf-muted">(empty: forever)</span></form>
${days === undefined ? '' : `<form method="post" action="/admin/audit/prune" class="ncf-inline">${csrf}<button type="submit">Remove older entries now</button></form>`}</section>`;
}

/** Renders the audit page. */
export function renderAudit(input: AuditPageInput): string {
  const f = input.filter;
  const input_ = (name: keyof AuditFilter, label: string) =>
    `<label>${label} <input name="${name}" value="${escapeHtml(String(f[name] ?? ''))}" size="12"></label>`;
  const rows = input.entries.map((e) => {
    const revert =
      input.canRevert && isRevertible(e)
        ? `<form method="post" action="/admin/audit/${encodeURIComponent(e.id)}/revert" class="ncf-inline"><input type="hidden" name="_csrf" value="${escapeHtml(input.csrf)}"><button type="submit">Revert</button></form>`
        : '';
    return `<tr data-entry="${escapeHtml(e.id)}" data-action="${escapeHtml(e.action)}">
<td class="ncf-muted">${escapeHtml(e.at.replace('T', ' ').slice(0, 19))}</td>
<td>${escapeHtml(e.actor)}</td>
<td><code>${escapeHtml(e.action)}</code></td>
<td>${escapeHtml([e.datasource, e.table].filter(Boolean).join('.'))}</td>
<td><code>${escapeHtml(json(e.key))}</code></td>
<td class="ncf-before"><code>${escapeHtml(json(e.before))}</code></td>
<td class="ncf-after"><code>${escapeHtml(json(e.after ?? e.detail))}</code></td>
<td>${revert}</td>
</tr>`;
  });
  const older = input.entries.at(-1);
  const params = new URLSearchParams(
    Object.entries({ ...f, before: older?.id }).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    ),
  );
  const body = `<h1>Audit trail</h1>${input.error ? renderErrorBox(input.error) : ''}${
    input.notice ? `<p class="ncf-notice" role="status">${escapeHtml(input.notice)}</p>` : ''
  }
<form method="get" action="/admin/audit" class="ncf-card ncf-audit-filter">${input_('actor', 'Who')} ${input_('action', 'Action')} ${input_('datasource', 'Datasource')} ${input_('table', 'Table')} <button type="submit">Filter</button> <a href="/admin/audit">Clear</a></form>
<table class="ncf-audit"><thead><tr><th>When (UTC)</th><th>Who</th><th>Action</th><th>Where</th><th>Key</th><th>Before</th><th>After</th><th></th></tr></thead>
<tbody>${rows.join('\n') || '<tr><td colspan="8" class="ncf-muted">Nothing recorded matches.</td></tr>'}</tbody></table>
${older && input.entries.length >= (f.limit ?? 50) ? `<p><a rel="next" href="/admin/audit?${escapeHtml(params.toString())}">Older entries</a></p>` : ''}
${renderRetention(input)}
<p class="ncf-muted">Every write, sign-in, plugin action and config change is recorded here and never changed. A revert sets the row back to its values before the change, only while the row is still as the change left it; the revert is recorded too.</p>`;
  return renderPage({ title: 'Audit trail', body, section: 'audit', crumbs: [{ label: 'Audit' }] });
}
