// @nocoflo/table-view browser script: hide, reorder and resize the grid's columns from the
// "Columns" panel (checkboxes, move buttons, width fields: all native controls), from a
// header cell with the keyboard (Alt+←/→ resizes, Alt+Shift+←/→ moves) or by dragging a
// header's right edge. Changes apply at once and are saved for the person through the host
// (PUT to the panel's data-settings-url); the server renders the saved layout next time.
const MIN_WIDTH = 40;
const MAX_WIDTH = 1200;
const STEP = 20;

const clamp = (n) => Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, n)));

function setupColumns(root) {
  const panel = root.querySelector('.ncf-columns-panel');
  const table = root.querySelector('table.ncf-grid');
  if (!panel || !table) return;
  const list = panel.querySelector('ol');
  const status = panel.querySelector('.ncf-columns-status');
  /** Cells of hidden columns by row, kept out of the grid (so arrow keys never land on them). */
  const parked = new WeakMap();
  let saving = Promise.resolve();

  const items = () => [...list.children];
  const itemOf = (name) => items().find((li) => li.dataset.col === name);
  const widthOf = (li) => {
    const value = li.querySelector('input[type="number"]').value;
    return value === '' ? undefined : clamp(Number(value));
  };

  function settings() {
    return {
      columns: items().map((li) => {
        const entry = { name: li.dataset.col };
        if (!li.querySelector('input[type="checkbox"]').checked) entry.hidden = true;
        const width = widthOf(li);
        if (width !== undefined) entry.width = width;
        return entry;
      }),
    };
  }

  /** Rows whose cells follow the columns (not the "no rows" row). */
  const gridRows = () => [...table.rows].filter((tr) => tr.querySelector('[data-col]'));

  function apply() {
    const order = items().map((li) => li.dataset.col);
    const shown = new Set(
      items()
        .filter((li) => li.querySelector('input[type="checkbox"]').checked)
        .map((li) => li.dataset.col),
    );
    for (const tr of gridRows()) {
      if (!parked.has(tr)) parked.set(tr, new Map());
      const away = parked.get(tr);
      const cells = new Map(away);
      for (const cell of tr.querySelectorAll(':scope > [data-col]')) cells.set(cell.dataset.col, cell);
      const anchor = [...tr.children].find((cell) => !cell.dataset.col && cell.cellIndex > 0) ?? null;
      for (const name of order) {
        const cell = cells.get(name);
        if (!cell) continue;
        if (shown.has(name)) {
          tr.insertBefore(cell, anchor);
          away.delete(name);
        } else {
          away.set(name, cell);
          cell.remove();
        }
      }
    }
    for (const li of items()) {
      const th = table.querySelector(`thead th[data-col="${CSS.escape(li.dataset.col)}"]`);
      if (!th) continue;
      const width = widthOf(li);
      th.style.width = th.style.minWidth = th.style.maxWidth = width === undefined ? '' : `${width}px`;
    }
    const hidden = order.length - shown.size;
    const summary = root.querySelector('.ncf-columns > summary');
    summary.replaceChildren(
      'Columns',
      ...(hidden
        ? [' ', Object.assign(document.createElement('small'), { textContent: `(${hidden} hidden)` })]
        : []),
    );
    // The export follows the columns shown, in their order.
    const customised =
      hidden > 0 || order.some((name, i) => name !== panel.dataset.tableOrder?.split('\u0000')[i]);
    for (const link of root.querySelectorAll('.ncf-export a[href]')) {
      const url = new URL(link.href, location.href);
      if (customised && !order.some((n) => n.includes(',')))
        url.searchParams.set('columns', order.filter((n) => shown.has(n)).join(','));
      else url.searchParams.delete('columns');
      link.href = url.pathname + url.search;
    }
  }

  /** Whether a column to show has no cells in the page (the server left it out): only a reload brings them. */
  function missingCells() {
    return items().some(
      (li) =>
        li.querySelector('input[type="checkbox"]').checked &&
        !table.querySelector(`thead th[data-col="${CSS.escape(li.dataset.col)}"]`),
    );
  }

  function save(thenReload = false) {
    const body = JSON.stringify(settings());
    status.textContent = 'Saving…';
    saving = saving.then(async () => {
      try {
        const response = await fetch(panel.dataset.settingsUrl, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body,
        });
        if (!response.ok) {
          const payload = await response.json().catch(() => ({}));
          throw new Error(payload.error?.message ?? `HTTP ${response.status}`);
        }
        status.textContent = thenReload ? 'Saved; loading the columns…' : 'Saved';
        root.dataset.columnsSaved = String(Number(root.dataset.columnsSaved ?? 0) + 1);
        if (thenReload) location.reload();
      } catch (error) {
        status.textContent = `Not saved: ${error.message}`;
      }
    });
  }

  const changed = () => {
    // At least one column stays visible.
    const boxes = items().map((li) => li.querySelector('input[type="checkbox"]'));
    if (!boxes.some((b) => b.checked)) boxes[0].checked = true;
    const reload = missingCells();
    apply();
    save(reload);
  };

  function move(name, by) {
    const li = itemOf(name);
    const all = items();
    const to = all.indexOf(li) + by;
    if (!li || to < 0 || to >= all.length) return false;
    if (by < 0) list.insertBefore(li, all[to]);
    else list.insertBefore(li, all[to].nextSibling);
    changed();
    return true;
  }

  function resize(name, width) {
    const li = itemOf(name);
    if (!li) return;
    li.querySelector('input[type="number"]').value = String(clamp(width));
    changed();
  }

  const currentWidth = (name) =>
    widthOf(itemOf(name)) ??
    table.querySelector(`thead th[data-col="${CSS.escape(name)}"]`).getBoundingClientRect().width;

  // The table's own order, to tell a customised layout from the default one.
  panel.dataset.tableOrder = JSON.parse(root.dataset.columns)
    .map((c) => c.name)
    .join('\u0000');

  panel.addEventListener('change', (event) => {
    if (event.target.matches('input')) changed();
  });
  panel.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-move]');
    if (button) {
      const name = button.closest('li').dataset.col;
      move(name, Number(button.dataset.move));
      // Focus stays on the same button of the moved column.
      itemOf(name).querySelector(`button[data-move="${button.dataset.move}"]`).focus();
    }
    if (event.target.closest('.ncf-columns-reset')) {
      const order = panel.dataset.tableOrder.split('\u0000');
      for (const name of order) list.append(itemOf(name));
      for (const li of items()) {
        li.querySelector('input[type="checkbox"]').checked = true;
        li.querySelector('input[type="number"]').value = '';
      }
      changed();
    }
  });

  // Keyboard on a header cell (the grid's arrow keys move focus; with Alt they change the column).
  table.addEventListener(
    'keydown',
    (event) => {
      const th = event.target.closest?.('thead th[data-col]');
      if (!th || !event.altKey || (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight')) return;
      event.preventDefault();
      event.stopPropagation();
      const name = th.dataset.col;
      const by = event.key === 'ArrowLeft' ? -1 : 1;
      if (event.shiftKey) move(name, by);
      else resize(name, currentWidth(name) + by * STEP);
      table.querySelector(`thead th[data-col="${CSS.escape(name)}"]`).focus();
    },
    true,
  );

  // Dragging a header's right edge.
  table.addEventListener('pointerdown', (event) => {
    const handle = event.target.closest('.ncf-resize');
    if (!handle) return;
    event.preventDefault();
    const th = handle.closest('th');
    const name = th.dataset.col;
    const startX = event.clientX;
    const startWidth = th.getBoundingClientRect().width;
    handle.setPointerCapture(event.pointerId);
    const onMove = (e) => {
      const width = clamp(startWidth + e.clientX - startX);
      th.style.width = th.style.minWidth = th.style.maxWidth = `${width}px`;
    };
    const onUp = (e) => {
      handle.removeEventListener('pointermove', onMove);
      handle.removeEventListener('pointerup', onUp);
      resize(name, startWidth + e.clientX - startX);
    };
    handle.addEventListener('pointermove', onMove);
    handle.addEventListener('pointerup', onUp);
  });
}

for (const root of document.querySelectorAll('.ncf-table-view')) setupColumns(root);
