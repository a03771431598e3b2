// @nocoflo/table-view browser script: inline editing, adding and deleting rows through the
// host's data API. The page works without it (paging, sorting, filtering are plain links).
const MAX_CELL_CHARS = 200;

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function cellText(value) {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Fills a cell with a value, the way the server renders it (NULL distinct from ''). */
function showValue(td, value) {
  const text = cellText(value);
  td.replaceChildren();
  if (text === undefined) {
    td.append(el('span', { className: 'ncf-null', title: 'NULL (no value)', textContent: 'NULL' }));
  } else if (text === '') {
    td.append(el('span', { className: 'ncf-empty', title: 'empty text' }));
  } else {
    td.append(text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text);
  }
  td.dataset.value = JSON.stringify(value ?? null);
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

function setup(root) {
  const rowsUrl = root.dataset.rowsUrl;
  const columns = new Map(JSON.parse(root.dataset.columns).map((c) => [c.name, c]));
  const alertBox = root.querySelector('.ncf-alert');

  function showError(error) {
    const detail = error.detail ?? { title: 'Error', message: error.message };
    alertBox.replaceChildren(
      el('strong', { textContent: `${detail.title}: ` }),
      detail.message ?? '',
      ...(detail.hint ? [el('div', { className: 'ncf-hint', textContent: detail.hint })] : []),
    );
    if (detail.code) alertBox.dataset.code = detail.code;
    alertBox.hidden = false;
  }
  /**
   * Someone changed the row since this page read it (409): show the current values in the
   * row, say what happened, and offer to apply this edit again on top of them.
   */
  function showConflict(tr, td, column, mine, detail, retry) {
    const current = detail.details?.current;
    if (current) {
      for (const cell of tr.querySelectorAll('td[data-col]')) {
        if (cell.dataset.col in current) showValue(cell, current[cell.dataset.col]);
      }
      tr.dataset.version = detail.details.version;
    }
    const again = el('button', {
      type: 'button',
      className: 'ncf-retry',
      textContent: 'Apply my change again',
    });
    again.addEventListener('click', () => {
      clearError();
      void retry(mine);
    });
    alertBox.replaceChildren(
      el('strong', { textContent: `${detail.title}: ` }),
      detail.message ?? '',
      el('div', {
        className: 'ncf-hint',
        textContent: current
          ? `${column.name} is now ${cellText(current[column.name]) ?? 'NULL'}; yours was ${cellText(mine) ?? 'NULL'}.`
          : 'The row was deleted meanwhile.',
      }),
      ...(current ? [again] : []),
    );
    alertBox.dataset.code = detail.code;
    alertBox.hidden = false;
    td.classList.add('ncf-conflict');
  }

  function clearError() {
    alertBox.hidden = true;
    alertBox.replaceChildren();
    delete alertBox.dataset.code;
  }

  /** What the editor's text means for this column type (JSON columns take JSON). */
  function parseInput(column, text) {
    if (column.type === 'json' || column.type === 'array') {
      try {
        return JSON.parse(text);
      } catch {
        throw Object.assign(new Error('Not valid JSON.'), {
          detail: { title: 'Invalid value', message: `${column.name} needs JSON, e.g. {"a": 1} or [1, 2].` },
        });
      }
    }
    return text;
  }

  function openEditor(td) {
    if (td.classList.contains('ncf-editing')) return;
    const tr = td.closest('tr');
    const column = columns.get(td.dataset.col);
    const original = JSON.parse(td.dataset.value);
    const input = el('input', {
      value:
        original === null ? '' : typeof original === 'object' ? JSON.stringify(original) : String(original),
      ariaLabel: `New value for ${column.name}`,
    });
    const save = el('button', { type: 'button', textContent: 'Save' });
    const setNull = el('button', { type: 'button', textContent: 'NULL', title: 'Set to NULL' });
    const cancel = el('button', { type: 'button', textContent: 'Cancel' });
    const restore = () => {
      td.classList.remove('ncf-editing');
      showValue(td, original);
      td.focus();
    };
    const commit = async (value) => {
      clearError();
      const key = JSON.parse(tr.dataset.key);
      try {
        const { row, version } = await call('PATCH', rowsUrl, {
          key,
          changes: { [column.name]: value },
          ...(tr.dataset.version ? { version: tr.dataset.version } : {}),
        });
        if (version) tr.dataset.version = version;
        td.classList.remove('ncf-editing');
        showValue(td, row[column.name]);
        const newKey = {};
        for (const name of Object.keys(key)) newKey[name] = row[name] ?? key[name];
        tr.dataset.key = JSON.stringify(newKey);
        td.classList.add('ncf-saved');
        setTimeout(() => td.classList.remove('ncf-saved'), 1300);
      } catch (error) {
        restore();
        if (error.detail?.code === 'NCF_ROW_CHANGED')
          showConflict(tr, td, column, value, error.detail, commit);
        else showError(error);
      }
    };
    save.addEventListener('click', () => {
      try {
        void commit(parseInput(column, input.value));
      } catch (error) {
        showError(error);
      }
    });
    setNull.addEventListener('click', () => void commit(null));
    cancel.addEventListener('click', restore);
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') save.click();
      if (event.key === 'Escape') restore();
    });
    td.classList.add('ncf-editing');
    const buttons = column.nullable ? [input, save, setNull, cancel] : [input, save, cancel];
    td.replaceChildren(el('div', { className: 'ncf-editor' }, buttons));
    input.focus();
    input.select();
  }

  root.addEventListener('dblclick', (event) => {
    const td = event.target.closest('td.ncf-editable');
    if (td && !event.target.closest('.ncf-editor')) openEditor(td);
  });
  root.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && event.target.matches?.('td.ncf-editable')) openEditor(event.target);
  });

  root.addEventListener('click', async (event) => {
    const button = event.target.closest('button.ncf-delete');
    if (!button) return;
    const tr = button.closest('tr');
    if (!confirm('Delete this row?')) return;
    clearError();
    try {
      await call('DELETE', rowsUrl, {
        key: JSON.parse(tr.dataset.key),
        ...(tr.dataset.version ? { version: tr.dataset.version } : {}),
      });
      tr.remove();
    } catch (error) {
      showError(error);
    }
  });

  const addForm = root.querySelector('.ncf-add-form');
  addForm?.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const values = {};
    try {
      for (const input of addForm.querySelectorAll('input[data-type]')) {
        const column = columns.get(input.name);
        const isNull = addForm.querySelector(`input[data-null][name="${CSS.escape(input.name)}"]`)?.checked;
        if (isNull) values[input.name] = null;
        else if (input.value !== '') values[input.name] = parseInput(column, input.value);
      }
      await call('POST', rowsUrl, { values });
      location.reload();
    } catch (error) {
      showError(error);
    }
  });
}

for (const root of document.querySelectorAll('.ncf-table-view[data-writable]')) setup(root);
