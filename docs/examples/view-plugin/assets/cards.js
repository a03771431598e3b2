// Browser code of the cards view: edits a text value in place. The page's Content-Security-
// Policy runs no inline script, so this file is an asset the view declares; the host serves
// it and adds <script type="module" src="…"> to the page. The host's csrf.js adds the
// session's CSRF token to every same-origin write made with fetch.

/**
 * Saves one value with the data API: PATCH {rows} with the row's key, the changes and the
 * version of the row as it was shown. Resolves `{ saved: true, row, version }`, or
 * `{ saved: false, row, version }` when someone changed the row since (409
 * NCF_ROW_CHANGED: nothing was written; `row` and `version` are the row now). Any other
 * failure rejects with the API's message.
 */
export async function saveValue({ rowsUrl, key, version, column, value }, fetchImpl = fetch) {
  const response = await fetchImpl(rowsUrl, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ key, changes: { [column]: value }, version }),
  });
  const body = await response.json().catch(() => ({}));
  if (response.ok) return { saved: true, row: body.row, version: body.version };
  if (response.status === 409 && body.error?.code === 'NCF_ROW_CHANGED') {
    return {
      saved: false,
      row: body.error.details?.current ?? null,
      version: body.error.details?.version ?? null,
    };
  }
  throw new Error(body.error?.message ?? `${response.status} ${response.statusText}`);
}

/** A value as the card shows it (the server renders NULL the same way). */
function show(dd, value) {
  dd.textContent = value === null ? 'NULL' : String(value);
  dd.classList.toggle('null', value === null);
}

/** Makes every editable value of the cards in `root` editable: click, type, Enter saves, Escape cancels. */
export function wireCards(root) {
  const section = root.querySelector('section.cards[data-rows]');
  if (!section) return;
  section.addEventListener('click', (event) => {
    const dd = event.target.closest('dd[data-column]');
    const card = dd?.closest('article[data-key]');
    if (!dd || !card || dd.querySelector('input')) return;
    const before = dd.classList.contains('null') ? null : dd.textContent;
    const input = document.createElement('input');
    input.value = before ?? '';
    input.setAttribute('aria-label', `New value of ${dd.dataset.column}`);
    dd.replaceChildren(input);
    input.focus();
    input.addEventListener('keydown', async (key) => {
      if (key.key === 'Escape') return show(dd, before);
      if (key.key !== 'Enter') return;
      try {
        const result = await saveValue({
          rowsUrl: section.dataset.rows,
          key: JSON.parse(card.dataset.key),
          version: card.dataset.version,
          column: dd.dataset.column,
          value: input.value,
        });
        if (result.row === null) return show(dd, before); // the row was deleted meanwhile
        card.dataset.version = result.version;
        show(dd, result.row[dd.dataset.column] ?? null);
        card.title = result.saved
          ? ''
          : 'Someone changed this row: it shows their values now. Edit again to apply yours.';
      } catch (error) {
        card.title = `Not saved: ${error.message}`;
        show(dd, before);
      }
    });
  });
}

if (typeof document !== 'undefined') wireCards(document);
