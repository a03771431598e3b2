/**
 * The host's own stylesheet and admin-page script, kept in code so the built CLI serves
 * them without locating files on disk.
 */

/** URL prefix of the host's assets. */
export const HOST_ASSET_BASE = '/_assets/host/';

/** The web app's stylesheet: plain CSS, no framework. */
export const HOST_CSS = `
:root { --ncf-text: #1f2430; --ncf-muted: #6b7280; --ncf-line: #e3e6ec; --ncf-bg: #f6f7f9; --ncf-accent: #2f5bd3; --ncf-bad: #b42318; --ncf-good: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ncf-text); background: var(--ncf-bg); }
a { color: var(--ncf-accent); }
button, select, input { font: inherit; }
button { padding: .3rem .75rem; border: 1px solid #c9cfda; border-radius: 6px; background: #fff; cursor: pointer; }
button:hover { border-color: var(--ncf-accent); color: var(--ncf-accent); }
button:disabled { opacity: .5; cursor: default; }
select, input { padding: .25rem .4rem; border: 1px solid #c9cfda; border-radius: 6px; background: #fff; }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef0f4; padding: .05rem .3rem; border-radius: 4px; }
.ncf-header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.25rem; background: #fff; border-bottom: 1px solid var(--ncf-line); }
.ncf-brand { font-weight: 700; color: var(--ncf-text); text-decoration: none; letter-spacing: .02em; }
.ncf-crumbs { display: flex; gap: .4rem; align-items: center; color: var(--ncf-muted); min-width: 0; }
.ncf-crumbs a { color: inherit; text-decoration: none; }
.ncf-crumbs a:hover { color: var(--ncf-accent); }
.ncf-crumbs [aria-current] { color: var(--ncf-text); font-weight: 600; }
.ncf-sep { color: #c4c8d0; }
.ncf-top { margin-left: auto; display: flex; gap: 1rem; }
.ncf-top a { color: var(--ncf-muted); text-decoration: none; }
.ncf-top a[aria-current] { color: var(--ncf-text); font-weight: 600; }
.ncf-main { padding: 1rem 1.25rem 3rem; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 1.35rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
.ncf-muted { color: var(--ncf-muted); }
.ncf-card { background: #fff; border: 1px solid var(--ncf-line); border-radius: 10px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.ncf-card header { display: flex; align-items: baseline; gap: .75rem; flex-wrap: wrap; margin-bottom: .5rem; }
.ncf-tables { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .5rem; }
.ncf-tables a { display: flex; justify-content: space-between; gap: .5rem; padding: .55rem .75rem; border: 1px solid var(--ncf-line); border-radius: 8px; text-decoration: none; color: var(--ncf-text); }
.ncf-tables a:hover { border-color: var(--ncf-accent); }
.ncf-tables .ncf-kind { font-size: .75rem; color: var(--ncf-muted); }
.ncf-switcher { display: flex; gap: .25rem; border-bottom: 1px solid var(--ncf-line); margin-bottom: .75rem; }
.ncf-switcher a { padding: .4rem .9rem; text-decoration: none; color: var(--ncf-muted); border: 1px solid transparent; border-bottom: none; border-radius: 8px 8px 0 0; margin-bottom: -1px; }
.ncf-switcher a[aria-current] { color: var(--ncf-text); background: #fff; border-color: var(--ncf-line); font-weight: 600; }
.ncf-table-head { display: flex; align-items: baseline; gap: .75rem; flex-wrap: wrap; }
.ncf-error { border: 1px solid #f3c1bd; background: #fff4f3; color: var(--ncf-bad); border-radius: 8px; padding: .7rem 1rem; margin: .75rem 0; }
.ncf-error p { margin: .25rem 0 0; color: #5f1b14; }
.ncf-error .ncf-hint { color: var(--ncf-muted); }
.ncf-plugins { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--ncf-line); border-radius: 10px; overflow: hidden; }
.ncf-plugins th, .ncf-plugins td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid #f0f1f4; vertical-align: top; }
.ncf-plugins th { background: #f6f7f9; font-weight: 600; }
.ncf-plugins .ncf-actions { white-space: nowrap; }
.ncf-state { display: inline-block; font-size: .78rem; padding: .05rem .5rem; border-radius: 999px; background: #eef0f4; }
.ncf-state-enabled { background: #dcfae6; color: var(--ncf-good); }
.ncf-state-failed { background: #fee4e2; color: var(--ncf-bad); }
.ncf-state-disabled { background: #f2f4f7; color: var(--ncf-muted); }
.ncf-plugin-error { color: var(--ncf-bad); font-size: .85rem; margin-top: .3rem; max-width: 40rem; }
.ncf-plugin-error .ncf-hint { color: var(--ncf-muted); }
.ncf-token-form { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0 1rem; }
.ncf-token-form input { min-width: 22rem; }
`;

/** The admin page script: enable, disable and reload buttons calling the admin API with the token. */
export const ADMIN_JS = `
const TOKEN_KEY = 'nocoflo.adminToken';
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) {
  sessionStorage.setItem(TOKEN_KEY, fromHash);
  history.replaceState(null, '', location.pathname + location.search);
}
const tokenForm = document.querySelector('.ncf-token-form');
const alertBox = document.querySelector('.ncf-admin-alert');
const showTokenForm = () => { if (tokenForm) tokenForm.hidden = !!sessionStorage.getItem(TOKEN_KEY) && tokenForm.dataset.force !== 'true'; };
showTokenForm();
tokenForm?.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = new FormData(tokenForm).get('token');
  if (value) sessionStorage.setItem(TOKEN_KEY, String(value).trim());
  tokenForm.dataset.force = 'false';
  showTokenForm();
  alertBox.hidden = true;
});
function showError(error) {
  alertBox.replaceChildren();
  const strong = document.createElement('strong');
  strong.textContent = error.title ?? 'Error';
  const message = document.createElement('p');
  message.textContent = error.message ?? '';
  const hint = document.createElement('p');
  hint.className = 'ncf-hint';
  hint.textContent = error.hint ?? '';
  alertBox.append(strong, message, hint);
  if (error.code) alertBox.dataset.code = error.code;
  alertBox.hidden = false;
}
for (const button of document.querySelectorAll('button[data-action]')) {
  button.addEventListener('click', async () => {
    const { action, plugin } = button.dataset;
    const row = button.closest('tr');
    for (const b of row.querySelectorAll('button')) b.disabled = true;
    try {
      const response = await fetch('/admin/plugins/' + encodeURIComponent(plugin) + '/' + action, {
        method: 'POST',
        headers: { authorization: 'Bearer ' + (sessionStorage.getItem(TOKEN_KEY) ?? ''), accept: 'application/json' },
      });
      if (response.ok) { location.reload(); return; }
      const payload = await response.json().catch(() => ({}));
      if (response.status === 401 && tokenForm) { tokenForm.dataset.force = 'true'; tokenForm.hidden = false; }
      showError(payload.error ?? { title: 'HTTP ' + response.status, message: response.statusText });
    } catch (error) {
      showError({ title: 'Network error', message: String(error) });
    }
    for (const b of row.querySelectorAll('button')) b.disabled = false;
  });
}
`;
