// @nocoflo/form-view browser script: saves, inserts and deletes the record through the
// host's data API. The page shows and navigates without it. Loaded as a module (the host's
// content security policy allows no inline script).

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

async function call(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status === 204) return {};
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = payload.error ?? { title: `HTTP ${response.status}`, message: response.statusText };
    throw Object.assign(new Error(error.message), { detail: error });
  }
  return payload;
}

function invalid(column, message) {
  return Object.assign(new Error(message), {
    detail: { title: 'Invalid value', message: `${column}: ${message}`, code: 'NCF_INVALID_VALUE' },
  });
}

/** The value a control holds, in the data API's terms (null when its NULL toggle is on). */
function readValue(control, nullBox) {
  if (nullBox?.checked) return null;
  const kind = control.dataset.kind;
  if (kind === 'checkbox') return control.checked;
  if (kind === 'json') {
    try {
      return JSON.parse(control.value);
    } catch {
      throw invalid(control.name, 'this column needs JSON, e.g. {"a": 1} or [1, 2]');
    }
  }
  if (kind === 'datetime' && /T\d{2}:\d{2}$/.test(control.value)) return `${control.value}:00`;
  return control.value;
}

function setup(root) {
  const form = root.querySelector('form.ncf-record');
  if (!form) return;
  const rowsUrl = root.dataset.rowsUrl;
  const pageUrl = root.dataset.pageUrl;
  const primaryKey = JSON.parse(root.dataset.primaryKey);
  const isNew = root.dataset.mode === 'new';
  const alertBox = root.querySelector('.ncf-alert');
  const saved = root.querySelector('.ncf-saved');
  const controls = [...form.querySelectorAll('[data-col][data-kind]')];
  const nullBoxOf = (control) =>
    form.querySelector(`input.ncf-null[data-null-for="${CSS.escape(control.id)}"]`);

  function showError(error) {
    const detail = error.detail ?? { title: 'Error', message: error.message };
    alertBox.replaceChildren(
      el('strong', { textContent: `${detail.title}: ` }),
      detail.message ?? '',
      ...(detail.hint ? [el('div', { className: 'ncf-hint', textContent: detail.hint })] : []),
    );
    if (detail.code) alertBox.dataset.code = detail.code;
    else delete alertBox.dataset.code;
    alertBox.hidden = false;
    alertBox.focus?.();
  }
  function clearMessages() {
    alertBox.hidden = true;
    alertBox.replaceChildren();
    delete alertBox.dataset.code;
    saved.hidden = true;
  }
  const recordHref = (key) => `${pageUrl}?${new URLSearchParams({ view: 'form', key: JSON.stringify(key) })}`;

  // The NULL toggle disables its input, so a NULL and an empty text stay apart.
  for (const box of form.querySelectorAll('input.ncf-null')) {
    box.addEventListener('change', () => {
      const control = form.querySelector(`#${CSS.escape(box.dataset.nullFor)}`);
      control.disabled = box.checked;
      if (!box.checked) control.focus();
    });
  }

  form.addEventListener('reset', () => {
    clearMessages();
    // After the browser restored the fields, restore the NULL toggles' effect too.
    setTimeout(() => {
      for (const control of controls) {
        const box = nullBoxOf(control);
        if (box) control.disabled = box.checked;
      }
    });
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearMessages();
    try {
      if (isNew) {
        const values = {};
        for (const control of controls) {
          if (control.readOnly) continue;
          const box = nullBoxOf(control);
          // An empty field takes the column's default; NULL must be asked for.
          if (!box?.checked && control.dataset.kind !== 'checkbox' && control.value === '') continue;
          values[control.name] = readValue(control, box);
        }
        const { row } = await call('POST', rowsUrl, { values });
        const key = Object.fromEntries(primaryKey.map((name) => [name, row[name]]));
        location.assign(recordHref(key));
        return;
      }
      const key = JSON.parse(root.dataset.key);
      const changes = {};
      for (const control of controls) {
        if (control.readOnly) continue;
        const field = control.closest('.ncf-field');
        const value = readValue(control, nullBoxOf(control));
        if (JSON.stringify(value) !== field.dataset.original) changes[control.name] = value;
      }
      if (Object.keys(changes).length === 0) {
        saved.textContent = 'Nothing changed.';
        saved.hidden = false;
        return;
      }
      const { row } = await call('PATCH', rowsUrl, { key, changes });
      for (const control of controls) {
        const field = control.closest('.ncf-field');
        if (control.name in row) field.dataset.original = JSON.stringify(row[control.name]);
      }
      const newKey = Object.fromEntries(primaryKey.map((name) => [name, row[name]]));
      root.dataset.key = JSON.stringify(newKey);
      if (JSON.stringify(newKey) !== JSON.stringify(key)) history.replaceState(null, '', recordHref(newKey));
      saved.textContent = `Saved ${Object.keys(changes).join(', ')}.`;
      saved.hidden = false;
    } catch (error) {
      showError(error);
    }
  });

  root.querySelector('button.ncf-delete')?.addEventListener('click', async () => {
    clearMessages();
    if (!confirm('Delete this record? This cannot be undone.')) return;
    try {
      await call('DELETE', rowsUrl, { key: JSON.parse(root.dataset.key) });
      location.assign(root.dataset.afterDelete);
    } catch (error) {
      showError(error);
    }
  });

  // Ctrl+S (or Cmd+S) saves, Escape undoes the edits not yet saved.
  root.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === 'Escape' && event.target.closest?.('form.ncf-record')) {
      form.reset();
    }
  });
}

for (const root of document.querySelectorAll('.ncf-form-view[data-writable]')) setup(root);
