// @nocoflo/table-view browser script: the WAI-ARIA grid keyboard pattern, inline editing,
// adding and deleting rows through the host's data API. The page works without it (paging,
// sorting, filtering are plain links and forms).
const MAX_CELL_CHARS = 200;

/** Text longer than this, or on several lines, is edited in a textarea. */
const LONG_TEXT = 60;

function needsTextarea(text) {
  return text.length > LONG_TEXT || /[\r\n]/.test(text);
}

/**
 * The edited text with the stored value's line ends: a textarea reports CR LF as LF, and a
 * value stored with CR LF keeps them when one word of it is changed.
 */
function keepLineEnds(stored, typed) {
  return stored.includes('\r\n') && !typed.includes('\r') ? typed.replace(/\n/g, '\r\n') : typed;
}

const MOVES = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
  PageUp: [-10, 0],
  PageDown: [10, 0],
};

/**
 * The grid keyboard pattern (https://www.w3.org/WAI/ARIA/apg/patterns/grid/): the table is
 * one tab stop, arrows (and Home, End, PageUp, PageDown, Ctrl+Home, Ctrl+End) move between
 * cells, Enter edits an editable cell or follows the cell's link or button, and focus stays
 * on the cell after an edit ends.
 */
function setupGrid(root) {
  const table = root.querySelector('table.ncf-grid');
  const api = { focusCell() {}, onActivate: () => false };
  if (!table) return api;
  table.setAttribute('role', 'grid');
  const rows = () => [...table.rows].filter((row) => !row.querySelector('.ncf-nodata'));
  const position = (cell) => {
    const list = rows();
    const r = list.indexOf(cell.parentElement);
    return [r, [...cell.parentElement.cells].indexOf(cell), list];
  };
  let active;
  const activate = (cell) => {
    if (!cell || cell === active) return;
    if (active) active.tabIndex = -1;
    active = cell;
    active.tabIndex = 0;
  };
  for (const control of table.querySelectorAll('a, button, input, select, textarea')) control.tabIndex = -1;
  for (const cell of table.querySelectorAll('th, td')) cell.tabIndex = -1;
  const list = rows();
  activate(list[1]?.cells[0] ?? list[0]?.cells[0]);
  api.focusCell = (cell) => {
    activate(cell);
    cell.focus();
  };
  table.addEventListener('focusin', (event) => {
    const cell = event.target.closest('th, td');
    if (cell && table.contains(cell)) activate(cell);
  });
  table.addEventListener('keydown', (event) => {
    const cell = event.target;
    if (!cell.matches?.('th, td')) return;
    const [r, c, all] = position(cell);
    let target;
    if (event.key in MOVES) {
      const [dr, dc] = MOVES[event.key];
      const row = all[Math.min(all.length - 1, Math.max(0, r + dr))];
      target = row?.cells[Math.min(row.cells.length - 1, Math.max(0, c + dc))];
    } else if (event.key === 'Home') {
      target = (event.ctrlKey ? all[0] : all[r])?.cells[0];
    } else if (event.key === 'End') {
      const row = event.ctrlKey ? all[all.length - 1] : all[r];
      target = row?.cells[row.cells.length - 1];
    } else if (event.key === 'Enter' || event.key === 'F2') {
      event.preventDefault();
      if (!api.onActivate(cell)) cell.querySelector('a, button')?.click();
      return;
    } else return;
    event.preventDefault();
    if (target) api.focusCell(target);
  });
  return api;
}

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

/** The SDK's display format (displayText): timestamps with a space, no trailing zeros. */
function cellText(value, type) {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') return JSON.stringify(value);
  const text = String(value);
  if (type !== 'timestamp' && type !== 'timestamptz') return text;
  return text
    .replace(/^(\d{4}-\d{2}-\d{2})T/, '$1 ')
    .replace(/(:\d{2})\.(\d*?)0+(?=$|[Zz+-])/, (_m, s, f) => (f ? `${s}.${f}` : s))
    .replace(/Z$/i, '+00:00');
}

/** Fills a cell with a value, the way the server renders it (NULL distinct from ''). */
function showValue(td, value, type) {
  const text = cellText(value, type);
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

function setupEditing(root, grid) {
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
        if (cell.dataset.col in current)
          showValue(cell, current[cell.dataset.col], columns.get(cell.dataset.col)?.type);
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

  /** The text an editor starts with: the whole value, every character of it. */
  function editorText(value) {
    if (value === null || value === undefined) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  function buildInput(column, text) {
    const label = `New value for ${column.name}`;
    if (column.type === 'boolean') {
      const box = el('input', { type: 'checkbox', checked: /^(true|1)$/i.test(text) });
      box.setAttribute('aria-label', label);
      return { input: box, read: () => String(box.checked), initial: text === '' ? '' : String(box.checked) };
    }
    // An <input> drops every line break it is given: long or multi-line text gets a textarea.
    if (needsTextarea(text)) {
      const lines = text.split('\n').length;
      const area = el('textarea', { rows: Math.min(10, Math.max(3, lines + 1)) });
      area.setAttribute('aria-label', label);
      area.value = text;
      // The textarea normalises CR LF to LF; what it reports now is "unchanged".
      return { input: area, read: () => area.value, initial: area.value };
    }
    const input = el('input', { value: text });
    input.setAttribute('aria-label', label);
    return { input, read: () => input.value, initial: input.value };
  }

  function openEditor(td) {
    if (td.classList.contains('ncf-editing')) return;
    const tr = td.closest('tr');
    const column = columns.get(td.dataset.col);
    const original = JSON.parse(td.dataset.value);
    const text = editorText(original);
    const { input, read, initial } = buildInput(column, text);
    const save = el('button', { type: 'button', textContent: 'Save' });
    const setNull = el('button', { type: 'button', textContent: 'NULL', title: 'Set to NULL' });
    const cancel = el('button', { type: 'button', textContent: 'Cancel' });
    const close = (value) => {
      td.classList.remove('ncf-editing');
      showValue(td, value, column.type);
      grid.focusCell(td);
    };
    const commit = async (value) => {
      clearError();
      const key = JSON.parse(tr.dataset.key);
      for (const b of [save, setNull, cancel]) b.disabled = true;
      try {
        const { row, version } = await call('PATCH', rowsUrl, {
          key,
          changes: { [column.name]: value },
          ...(tr.dataset.version ? { version: tr.dataset.version } : {}),
        });
        if (version) tr.dataset.version = version;
        close(row[column.name]);
        const newKey = {};
        for (const name of Object.keys(key)) newKey[name] = row[name] ?? key[name];
        tr.dataset.key = JSON.stringify(newKey);
        td.classList.add('ncf-saved');
        setTimeout(() => td.classList.remove('ncf-saved'), 1300);
      } catch (error) {
        for (const b of [save, setNull, cancel]) b.disabled = false;
        if (error.detail?.code === 'NCF_ROW_CHANGED') {
          close(original);
          showConflict(tr, td, column, value, error.detail, commit);
        } else {
          // What the person typed stays in the editor, to be corrected or cancelled.
          showError(error);
          input.focus();
        }
      }
    };
    save.addEventListener('click', () => {
      const typed = read();
      // Nothing changed: nothing is sent, and the value stays exactly as stored.
      if (typed === initial) {
        close(original);
        return;
      }
      try {
        void commit(parseInput(column, keepLineEnds(text, typed)));
      } catch (error) {
        showError(error);
      }
    });
    setNull.addEventListener('click', () => {
      if (original === null) close(original);
      else void commit(null);
    });
    cancel.addEventListener('click', () => {
      clearError();
      close(original);
    });
    input.addEventListener('keydown', (event) => {
      event.stopPropagation();
      // Enter saves; Shift+Enter (or Alt+Enter) starts a new line in a textarea.
      if (event.key === 'Enter' && !event.shiftKey && !event.altKey && !event.isComposing) {
        event.preventDefault();
        save.click();
      } else if (event.key === 'Enter' && event.altKey && input.tagName === 'TEXTAREA') {
        event.preventDefault();
        input.setRangeText('\n', input.selectionStart, input.selectionEnd, 'end');
      } else if (event.key === 'Escape') {
        event.preventDefault();
        cancel.click();
      }
    });
    td.classList.add('ncf-editing');
    const buttons = column.nullable ? [input, save, setNull, cancel] : [input, save, cancel];
    const editor = el('div', { className: 'ncf-editor' }, buttons);
    if (input.tagName === 'TEXTAREA') {
      editor.classList.add('ncf-editor-long');
      editor.append(
        el('small', {
          className: 'ncf-editor-hint',
          textContent: 'Enter saves · Shift+Enter: new line · Esc cancels',
        }),
      );
    }
    editor.addEventListener('keydown', (event) => {
      event.stopPropagation();
      if (event.key === 'Escape') cancel.click();
    });
    td.replaceChildren(editor);
    input.focus();
    if (input.select) input.select();
  }

  root.addEventListener('dblclick', (event) => {
    const td = event.target.closest('td.ncf-editable');
    if (td && !event.target.closest('.ncf-editor')) openEditor(td);
  });
  // Touch screens send no double-click: a tap on the cell already selected edits it.
  root.addEventListener('pointerup', (event) => {
    if (event.pointerType !== 'touch') return;
    const td = event.target.closest('td.ncf-editable');
    if (!td || event.target.closest('.ncf-editor')) return;
    if (td.dataset.armed === 'true') openEditor(td);
    else {
      for (const other of root.querySelectorAll('td[data-armed]')) delete other.dataset.armed;
      td.dataset.armed = 'true';
    }
  });
  grid.onActivate = (td) => {
    if (td.matches('td.ncf-editable')) {
      openEditor(td);
      return true;
    }
    return false;
  };

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
      const next = tr.nextElementSibling ?? tr.previousElementSibling;
      const column = button.closest('td').cellIndex;
      tr.remove();
      if (next?.cells[column]) grid.focusCell(next.cells[column]);
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
      const { row } = await call('POST', rowsUrl, { values });
      // The page shows the new row first, marked, and says it was added.
      const key = {};
      for (const name of JSON.parse(root.dataset.primaryKey)) key[name] = row[name] ?? null;
      const next = new URL(location.href);
      next.searchParams.set('added', JSON.stringify(key));
      next.searchParams.delete('cursor');
      location.assign(next);
    } catch (error) {
      showError(error);
    }
  });
}

for (const root of document.querySelectorAll('.ncf-table-view')) {
  // Long text is cut in the grid; "more" shows all of it in place.
  root.addEventListener('click', (event) => {
    const more = event.target.closest('button.ncf-more');
    if (!more) return;
    const td = more.closest('td');
    const full = el('span', { className: 'ncf-full', textContent: more.dataset.full });
    td.replaceChildren(full);
    td.focus();
  });
  const grid = setupGrid(root);
  const added = root.querySelector('tr.ncf-added');
  if (added) {
    added.scrollIntoView({ block: 'center' });
    // The address no longer says "added": a reload shows the table as it is.
    const here = new URL(location.href);
    here.searchParams.delete('added');
    history.replaceState(null, '', here);
  }
  if (root.hasAttribute('data-writable')) setupEditing(root, grid);
}
