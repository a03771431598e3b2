/**
 * Pages of accounts: sign-in, first-run setup, and the admin users page (users, roles,
 * grants, API tokens).
 */
import { escapeHtml, type SerializedNocofloError } from '@nocoflo/sdk';
import type { ApiToken, Grant, User } from '../../accounts/types.js';
import { ROLES } from '../../accounts/types.js';
import { renderErrorBox, renderPage } from './layout.js';

const hidden = (name: string, value: string) =>
  `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`;

/** The sign-in page. */
export function renderSignIn(next: string, error?: SerializedNocofloError, name = ''): string {
  return renderPage({
    title: 'Sign in',
    crumbs: [{ label: 'Sign in' }],
    body: `<h1>Sign in</h1>${error ? renderErrorBox(error) : ''}
<form method="post" action="/sign-in" class="ncf-card ncf-sign-in">${hidden('next', next)}
<p><label>Name <input name="name" autocomplete="username" required value="${escapeHtml(name)}"></label></p>
<p><label>Password <input name="password" type="password" autocomplete="current-password" required></label></p>
<p><button type="submit">Sign in</button></p>
</form>`,
  });
}

/** The one-time setup page that creates the first admin. */
export function renderSetup(token: string, error?: SerializedNocofloError): string {
  return renderPage({
    title: 'Create the first admin',
    crumbs: [{ label: 'Setup' }],
    body: `<h1>Create the first admin</h1>${error ? renderErrorBox(error) : ''}
<p>No one has an account yet. The account made here is an admin: it can add other users, choose their roles and grants, and manage plugins.</p>
<form method="post" action="/setup" class="ncf-card ncf-setup">${hidden('token', token)}
<p><label>Name <input name="name" autocomplete="username" required value="admin"></label></p>
<p><label>Password <input name="password" type="password" autocomplete="new-password" minlength="8" required></label></p>
<p><button type="submit">Create and sign in</button></p>
</form>`,
  });
}

/** What the users page shows for one user. */
export interface UserRow {
  user: User;
  grants: readonly Grant[];
  tokens: readonly ApiToken[];
}

/** What the users page shows. */
export interface UsersPageInput {
  users: readonly UserRow[];
  csrf: string;
  /** Datasource ids, for the grant form. */
  datasources: readonly string[];
  /** A message after an action (e.g. a new token's secret, shown once). */
  notice?: string;
  /** A secret to show once. */
  secret?: string;
  error?: SerializedNocofloError;
}

function roleSelect(current: string): string {
  return `<select name="role">${ROLES.map((r) => `<option${r === current ? ' selected' : ''}>${r}</option>`).join('')}</select>`;
}

/** The admin users page. */
export function renderUsers(input: UsersPageInput): string {
  const csrf = hidden('_csrf', input.csrf);
  const rows = input.users.map(({ user, grants, tokens }) => {
    const base = `/admin/users/${encodeURIComponent(user.name)}`;
    const grantList = grants
      .map(
        (g) =>
          `<li>${escapeHtml(g.datasource)}.${escapeHtml(g.table)}: <strong>${escapeHtml(g.access)}</strong> <form method="post" action="${base}/grants/remove" class="ncf-inline">${csrf}${hidden('datasource', g.datasource)}${hidden('table', g.table)}<button type="submit">Remove</button></form></li>`,
      )
      .join('');
    const tokenList = tokens
      .map(
        (t) =>
          `<li>${escapeHtml(t.name)}${t.role ? ` (${escapeHtml(t.role)})` : ''}${t.expiresAt ? `, expires ${escapeHtml(t.expiresAt)}` : ''} <form method="post" action="${base}/tokens/${encodeURIComponent(t.id)}/revoke" class="ncf-inline">${csrf}<button type="submit">Revoke</button></form></li>`,
      )
      .join('');
    const dsOptions = input.datasources.map((d) => `<option>${escapeHtml(d)}</option>`).join('');
    return `<tr data-user="${escapeHtml(user.name)}" data-role="${escapeHtml(user.role)}">
<td><strong>${escapeHtml(user.name)}</strong><div class="ncf-muted">since ${escapeHtml(user.createdAt.slice(0, 10))}</div></td>
<td><form method="post" action="${base}/role" class="ncf-inline">${csrf}${roleSelect(user.role)}<button type="submit">Set role</button></form></td>
<td><ul class="ncf-grants">${grantList}</ul>
<form method="post" action="${base}/grants" class="ncf-inline">${csrf}<select name="datasource">${dsOptions}</select> <input name="table" value="*" size="10" aria-label="Table (* for all)"> <select name="access"><option>read</option><option>write</option><option>none</option></select><button type="submit">Grant</button></form></td>
<td><ul class="ncf-tokens">${tokenList}</ul>
<form method="post" action="${base}/tokens" class="ncf-inline">${csrf}<input name="name" placeholder="token name" required size="10"> <select name="role"><option value="">its role</option>${ROLES.map((r) => `<option>${r}</option>`).join('')}</select> <input name="expires" type="date" aria-label="Expires"><button type="submit">New token</button></form></td>
<td><form method="post" action="${base}/password" class="ncf-inline">${csrf}<input name="password" type="password" minlength="8" placeholder="new password" required autocomplete="new-password"><button type="submit">Set password</button></form>
<form method="post" action="${base}/remove" class="ncf-inline">${csrf}<button type="submit">Remove</button></form></td>
</tr>`;
  });
  const body = `<h1>Users</h1>${input.error ? renderErrorBox(input.error) : ''}${
    input.notice ? `<p class="ncf-notice" role="status">${escapeHtml(input.notice)}</p>` : ''
  }${
    input.secret
      ? `<p class="ncf-secret" role="status">Copy it now, it is not shown again: <code class="ncf-token-secret">${escapeHtml(input.secret)}</code></p>`
      : ''
  }
<table class="ncf-users"><thead><tr><th>User</th><th>Role</th><th>Grants</th><th>API tokens</th><th></th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<h2>Add a user</h2>
<form method="post" action="/admin/users" class="ncf-card ncf-add-user">${csrf}
<label>Name <input name="name" required></label> <label>Password <input name="password" type="password" minlength="8" required autocomplete="new-password"></label> <label>Role ${roleSelect('viewer')}</label> <button type="submit">Add</button>
</form>
<p class="ncf-muted">Roles: viewer reads, editor also writes, admin also manages plugins, users and the audit trail. A grant narrows a role on one datasource (table <code>*</code>) or one table: <em>read</em> makes it read-only there, <em>none</em> hides it.</p>`;
  return renderPage({ title: 'Users', body, section: 'users', crumbs: [{ label: 'Users' }] });
}
