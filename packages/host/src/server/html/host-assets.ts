/**
 * The host's own stylesheet and admin-page script, kept in code so the built CLI serves
 * them without locating files on disk.
 */

/** URL prefix of the host's assets. */
export const HOST_ASSET_BASE = '/_assets/host/';

/** The web app's stylesheet: plain CSS, no framework. */
export const HOST_CSS = `
:root { color-scheme: light dark; --ncf-text: #1f2430; --ncf-muted: #6b7280; --ncf-line: #e3e6ec; --ncf-bg: #f6f7f9; --ncf-surface: #fff; --ncf-subtle: #f6f7f9; --ncf-hover: #fafbff; --ncf-added: #eefbf1; --ncf-accent: #2f5bd3; --ncf-bad: #b42318; --ncf-good: #067647; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ncf-text); background: var(--ncf-bg); }
a { color: var(--ncf-accent); }
button, select, input { font: inherit; }
button { padding: .3rem .75rem; border: 1px solid #c9cfda; border-radius: 6px; background: var(--ncf-surface, #fff); cursor: pointer; }
button:hover { border-color: var(--ncf-accent); color: var(--ncf-accent); }
button:disabled { opacity: .5; cursor: default; }
select, input { padding: .25rem .4rem; border: 1px solid #c9cfda; border-radius: 6px; background: var(--ncf-surface, #fff); }
code { font: .85em ui-monospace, SFMono-Regular, Menlo, monospace; background: #eef0f4; padding: .05rem .3rem; border-radius: 4px; }
.ncf-header { display: flex; align-items: center; gap: 1rem; padding: .6rem 1.25rem; background: var(--ncf-surface, #fff); border-bottom: 1px solid var(--ncf-line); }
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
.ncf-card { background: var(--ncf-surface, #fff); border: 1px solid var(--ncf-line); border-radius: 10px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.ncf-card header { display: flex; align-items: baseline; gap: .75rem; flex-wrap: wrap; margin-bottom: .5rem; }
.ncf-tables { list-style: none; padding: 0; margin: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .5rem; }
.ncf-tables a { display: flex; justify-content: space-between; gap: .5rem; padding: .55rem .75rem; border: 1px solid var(--ncf-line); border-radius: 8px; text-decoration: none; color: var(--ncf-text); }
.ncf-tables a:hover { border-color: var(--ncf-accent); }
.ncf-tables .ncf-kind { font-size: .75rem; color: var(--ncf-muted); }
.ncf-switcher { display: flex; gap: .25rem; border-bottom: 1px solid var(--ncf-line); margin-bottom: .75rem; }
.ncf-switcher a { padding: .4rem .9rem; text-decoration: none; color: var(--ncf-muted); border: 1px solid transparent; border-bottom: none; border-radius: 8px 8px 0 0; margin-bottom: -1px; }
.ncf-switcher a[aria-current] { color: var(--ncf-text); background: var(--ncf-surface, #fff); border-color: var(--ncf-line); font-weight: 600; }
.ncf-table-head { display: flex; align-items: baseline; gap: .75rem; flex-wrap: wrap; }
.ncf-error { border: 1px solid #f3c1bd; background: #fff4f3; color: var(--ncf-bad); border-radius: 8px; padding: .7rem 1rem; margin: .75rem 0; }
.ncf-error p { margin: .25rem 0 0; color: #5f1b14; }
.ncf-error .ncf-hint { color: #574240; }
.ncf-plugins { width: 100%; border-collapse: collapse; background: var(--ncf-surface, #fff); border: 1px solid var(--ncf-line); border-radius: 10px; overflow: hidden; }
.ncf-plugins th, .ncf-plugins td { text-align: left; padding: .55rem .75rem; border-bottom: 1px solid #f0f1f4; vertical-align: top; }
.ncf-plugins th { background: var(--ncf-subtle, #f6f7f9); font-weight: 600; }
.ncf-plugins .ncf-actions { white-space: nowrap; }
.ncf-state { display: inline-block; font-size: .78rem; padding: .05rem .5rem; border-radius: 999px; background: #eef0f4; }
.ncf-state-enabled { background: #dcfae6; color: var(--ncf-good); }
.ncf-state-failed { background: #fee4e2; color: var(--ncf-bad); }
.ncf-state-disabled { background: #f2f4f7; color: var(--ncf-muted); }
.ncf-plugin-error { color: var(--ncf-bad); font-size: .85rem; margin-top: .3rem; max-width: 40rem; }
.ncf-plugin-error .ncf-hint { color: var(--ncf-muted); }
.ncf-token-form { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0 1rem; }
.ncf-token-form input { min-width: min(22rem, 100%); }
@media (max-width: 720px) {
  .ncf-header { flex-wrap: wrap; gap: .25rem 1rem; padding: .5rem .75rem; }
  .ncf-main { padding: .75rem .75rem 2rem; }
  /* The plugins table becomes one card per plugin, each cell labelled by its column. */
  .ncf-plugins thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .ncf-plugins, .ncf-plugins tbody, .ncf-plugins tr, .ncf-plugins td { display: block; width: 100%; }
  .ncf-plugins tr { border-bottom: 1px solid var(--ncf-line); padding: .4rem 0; }
  .ncf-plugins td { border: none; padding: .2rem .75rem; overflow-wrap: anywhere; }
  .ncf-plugins td[data-label]::before { content: attr(data-label); display: block; font-size: .75rem; color: var(--ncf-muted); }
  .ncf-plugins .ncf-actions { white-space: normal; display: flex; flex-wrap: wrap; gap: .4rem; }
}
.ncf-config { margin-top: 1rem; max-width: 48rem; }
.ncf-config form { display: grid; gap: .75rem; }
.ncf-config fieldset { border: 1px solid var(--ncf-line); border-radius: 8px; padding: .5rem .9rem .8rem; display: grid; gap: .6rem; }
.ncf-config legend { font-weight: 600; padding: 0 .3rem; }
.ncf-field { display: grid; gap: .2rem; }
.ncf-field > span { font-weight: 500; }
.ncf-field input:not([type=checkbox]), .ncf-field select, .ncf-field textarea { width: 100%; }
.ncf-field textarea { font: .85em ui-monospace, SFMono-Regular, Menlo, monospace; min-height: 4rem; padding: .3rem .4rem; border: 1px solid #c9cfda; border-radius: 6px; }
.ncf-field-error { color: var(--ncf-bad); font-size: .85rem; }
.ncf-field [aria-invalid=true] { border-color: var(--ncf-bad); }
.ncf-secret-state { font-size: .78rem; color: var(--ncf-muted); }
.ncf-config-actions { display: flex; gap: .5rem; align-items: center; }
.ncf-config-status { color: var(--ncf-good); }
.ncf-history { font-size: .85rem; color: var(--ncf-muted); margin: .5rem 0 0; padding-left: 1.1rem; }
/* Dark theme: the same page in the colours the operating system asks for. Last, so that it
   overrides the light rules of the same specificity above. */
@media (prefers-color-scheme: dark) {
  :root { --ncf-text: #e6e8ee; --ncf-muted: #a3acbb; --ncf-line: #333a47; --ncf-bg: #121418; --ncf-surface: #1b1e25; --ncf-subtle: #222630; --ncf-hover: #232838; --ncf-added: #143321; --ncf-accent: #8fb0ff; --ncf-bad: #ff8a80; --ncf-good: #6fdc8c; }
  button, select, input, textarea { color: var(--ncf-text); background: var(--ncf-surface); border-color: #4a5263; }
  code { background: #262b36; }
  .ncf-error { background: #2a1715; border-color: #6b2b25; }
  .ncf-error p, .ncf-error .ncf-hint { color: #ffd2cc; }
  .ncf-state { background: #262b36; }
  .ncf-state-enabled { background: #143321; }
  .ncf-state-failed { background: #3a1714; }
  .ncf-state-disabled { background: #222630; }
  .ncf-sep { color: #59606e; }
}
`;

/** The admin page script: enable, disable and reload buttons, and the config editor, calling the admin API with the token. */
export const ADMIN_JS = `
const TOKEN_KEY = 'nocoflo.adminToken';
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) {
  sessionStorage.setItem(TOKEN_KEY, fromHash);
  history.replaceState(null, '', location.pathname + location.search);
}
const tokenForm = document.querySelector('.ncf-token-form');
const alertBox = document.querySelector('.ncf-admin-alert');
// A signed-in admin's session (with the page's CSRF token) is enough; the token form is for the operator's admin token.
const signedIn = !!document.querySelector('meta[name="nocoflo-csrf"]');
const tokenHeader = () => { const token = sessionStorage.getItem(TOKEN_KEY); return token ? { authorization: 'Bearer ' + token } : {}; };
const showTokenForm = () => { if (tokenForm) tokenForm.hidden = (signedIn || !!sessionStorage.getItem(TOKEN_KEY)) && tokenForm.dataset.force !== 'true'; };
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
        headers: { ...tokenHeader(), accept: 'application/json' },
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

// ── Config editor: a form generated from the plugin's JSON Schema (from its zod schema).
// Secret fields (writeOnly) are password inputs that start empty: left empty, the stored
// value is kept; the server validates and answers path-precise issues shown by each field.
const configPanel = document.querySelector('.ncf-config');
const authHeaders = () => ({ ...tokenHeader(), accept: 'application/json' });
const el = (tag, props = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key in node && key !== 'list') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children);
  return node;
};
function resolveRef(root, node) {
  if (node && typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    let target = root;
    for (const part of node.$ref.slice(2).split('/')) target = target?.[part];
    return target ?? node;
  }
  return node ?? {};
}
function fieldKind(node) {
  if (Array.isArray(node.enum)) return 'enum';
  const types = Array.isArray(node.type) ? node.type.filter((t) => t !== 'null') : [node.type];
  if (types.length === 1 && types[0] === 'object' && node.properties) return 'object';
  if (types.length === 1 && ['string', 'number', 'integer', 'boolean'].includes(types[0])) return types[0];
  return 'json';
}
function renderField(root, raw, path, value, secrets, required) {
  const node = resolveRef(root, raw);
  const key = path.join('.');
  const label = node.title ?? path[path.length - 1] ?? 'config';
  const kind = fieldKind(node);
  const help = node.description ? el('small', { className: 'ncf-muted', text: node.description }) : '';
  if (kind === 'object') {
    const requiredKeys = new Set(node.required ?? []);
    const children = Object.entries(node.properties).map(([name, child]) =>
      renderField(root, child, [...path, name], value?.[name], secrets, requiredKeys.has(name)),
    );
    if (path.length === 0) return el('div', { className: 'ncf-config-fields' }, children);
    return el('fieldset', { dataset: { path: key, kind } }, [el('legend', { text: label }), help, ...children]);
  }
  let input;
  const common = { name: key, id: 'cfg-' + key, dataset: { path: key, kind } };
  if (node.writeOnly) {
    const isSet = secrets.includes(key);
    input = el('input', { ...common, type: 'password', autocomplete: 'new-password', placeholder: isSet ? 'set; leave empty to keep it' : 'not set' });
    input.dataset.secret = 'true';
    input.dataset.set = String(isSet);
  } else if (kind === 'enum') {
    input = el('select', common, [
      ...(required ? [] : [el('option', { value: '', text: node.default !== undefined ? '(default: ' + node.default + ')' : '(none)' })]),
      ...node.enum.map((option) => el('option', { value: JSON.stringify(option), text: String(option), selected: value === option })),
    ]);
  } else if (kind === 'boolean') {
    input = el('input', { ...common, type: 'checkbox', checked: value ?? node.default ?? false });
  } else if (kind === 'number' || kind === 'integer') {
    input = el('input', { ...common, type: 'number', step: kind === 'integer' ? '1' : 'any', min: node.minimum, max: node.maximum !== 9007199254740991 ? node.maximum : undefined, value: value ?? '', placeholder: node.default !== undefined ? 'default: ' + node.default : '' });
  } else if (kind === 'string') {
    input = el('input', { ...common, type: 'text', value: value ?? '', placeholder: node.default !== undefined ? 'default: ' + node.default : '' });
  } else {
    input = el('textarea', { ...common, placeholder: 'JSON', value: value === undefined ? '' : JSON.stringify(value, null, 2) });
  }
  if (required) input.required = !node.writeOnly || !secrets.includes(key);
  const state = node.writeOnly ? el('span', { className: 'ncf-secret-state', text: secrets.includes(key) ? 'secret: stored encrypted, never shown' : 'secret: stored encrypted' }) : '';
  return el('label', { className: 'ncf-field', htmlFor: 'cfg-' + key }, [
    el('span', { text: label + (required ? ' *' : '') }),
    input,
    state,
    help,
    el('span', { className: 'ncf-field-error', dataset: { errorFor: key }, hidden: true }),
  ]);
}
function setAt(target, path, value) {
  let node = target;
  for (const part of path.slice(0, -1)) node = node[part] ??= {};
  node[path[path.length - 1]] = value;
}
function collect(form) {
  const out = {};
  for (const input of form.querySelectorAll('[data-path]:not(fieldset)')) {
    const path = input.dataset.path.split('.');
    const kind = input.dataset.kind;
    if (kind === 'boolean') { setAt(out, path, input.checked); continue; }
    const text = input.value;
    if (text === '') continue; // empty: the default applies, or a secret keeps its stored value
    if (kind === 'number' || kind === 'integer') setAt(out, path, Number(text));
    else if (kind === 'enum') setAt(out, path, JSON.parse(text));
    else if (kind === 'json') {
      try { setAt(out, path, JSON.parse(text)); } catch { throw { path, message: 'not valid JSON' }; }
    } else setAt(out, path, text);
  }
  return out;
}
function showIssues(form, issues) {
  for (const box of form.querySelectorAll('.ncf-field-error')) { box.hidden = true; box.textContent = ''; }
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  const general = [];
  for (const issue of issues) {
    let path = issue.path.map(String);
    let box;
    while (path.length > 0 && !(box = form.querySelector('[data-error-for="' + CSS.escape(path.join('.')) + '"]'))) path = path.slice(0, -1);
    if (box) {
      box.textContent = (box.textContent ? box.textContent + '; ' : '') + issue.message;
      box.hidden = false;
      form.querySelector('[data-path="' + CSS.escape(path.join('.')) + '"]')?.setAttribute('aria-invalid', 'true');
    } else general.push((issue.path.join('.') || 'config') + ': ' + issue.message);
  }
  return general;
}
async function openConfig(plugin, notice) {
  const response = await fetch('/admin/plugins/' + encodeURIComponent(plugin) + '/config', { headers: authHeaders() });
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && tokenForm) { tokenForm.dataset.force = 'true'; tokenForm.hidden = false; }
    showError(payload.error ?? { title: 'HTTP ' + response.status, message: response.statusText });
    return;
  }
  alertBox.hidden = true;
  const { schema, config, secrets, changes } = payload;
  const form = el('form', { className: 'ncf-config-form', noValidate: true, dataset: { plugin } });
  if (schema && fieldKind(resolveRef(schema, schema)) === 'object') {
    form.append(renderField(schema, schema, [], config ?? {}, secrets ?? [], true));
  } else {
    form.append(el('label', { className: 'ncf-field' }, [
      el('span', { text: 'Config (JSON): this plugin declares no config schema' }),
      el('textarea', { name: 'config', dataset: { path: '', kind: 'whole' }, value: JSON.stringify(config ?? {}, null, 2) }),
      el('span', { className: 'ncf-field-error', dataset: { errorFor: '' }, hidden: true }),
    ]));
  }
  const status = el('span', { className: 'ncf-config-status', role: 'status', text: notice ?? '' });
  form.append(el('div', { className: 'ncf-config-actions' }, [
    el('button', { type: 'submit', text: 'Save and reload plugin' }),
    el('button', { type: 'button', text: 'Close', onclick: () => { configPanel.hidden = true; location.reload(); } }),
    status,
  ]));
  const history = el('ul', { className: 'ncf-history' }, (changes ?? []).map((c) =>
    el('li', { text: new Date(c.changedAt).toLocaleString() + ' by ' + c.actor + ': ' + (c.fields.length ? c.fields.join(', ') : 'no change') }),
  ));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    status.textContent = '';
    let body;
    try {
      const whole = form.querySelector('[data-kind="whole"]');
      body = whole ? JSON.parse(whole.value || '{}') : collect(form);
    } catch (problem) {
      const general = showIssues(form, [{ path: problem.path ?? [], message: problem.message ?? 'not valid JSON' }]);
      if (general.length) showError({ title: 'Invalid config', message: general.join('; ') });
      return;
    }
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    try {
      const result = await fetch('/admin/plugins/' + encodeURIComponent(plugin) + '/config', {
        method: 'PUT',
        headers: { ...authHeaders(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const answer = await result.json().catch(() => ({}));
      if (result.ok) {
        // Shown afresh from the server: which secrets are now set, and the change just made.
        await openConfig(plugin, 'Saved; ' + plugin + ' is ' + answer.plugin.state + '.');
        return;
      } else {
        const issues = answer.error?.details?.issues ?? [];
        const general = showIssues(form, issues);
        if (!issues.length || general.length) showError(answer.error ?? { title: 'HTTP ' + result.status, message: result.statusText });
        else alertBox.hidden = true;
      }
    } catch (error) {
      showError({ title: 'Network error', message: String(error) });
    }
    submit.disabled = false;
  });
  configPanel.replaceChildren(el('h2', { text: 'Configure ' + plugin }), form, el('h2', { text: 'Changes' }), history);
  configPanel.hidden = false;
  configPanel.scrollIntoView({ block: 'nearest' });
}
for (const button of document.querySelectorAll('button[data-configure]')) {
  button.addEventListener('click', () => void openConfig(button.dataset.configure));
}
`;

/**
 * Sends the page's CSRF token (from `<meta name="nocoflo-csrf">`) with every same-origin
 * write the page's scripts make with `fetch`, so view plugins' browser code needs no
 * change to pass the server's CSRF check.
 */
export const CSRF_JS = `
const token = document.querySelector('meta[name="nocoflo-csrf"]')?.getAttribute('content');
if (token) {
  const original = window.fetch.bind(window);
  const safe = new Set(['GET', 'HEAD', 'OPTIONS']);
  window.fetch = (input, init = {}) => {
    const request = input instanceof Request ? input : undefined;
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const url = new URL(request ? request.url : String(input), location.href);
    if (safe.has(method) || url.origin !== location.origin) return original(input, init);
    const headers = new Headers(init.headers ?? request?.headers ?? undefined);
    if (!headers.has('x-csrf-token')) headers.set('x-csrf-token', token);
    return original(input, { ...init, headers });
  };
}
`;
