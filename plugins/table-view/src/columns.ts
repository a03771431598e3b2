/**
 * Hidden, reordered and resized columns: the table view's settings for a table, as the host
 * remembers them per person (`settings` of the render input) and the browser script saves
 * them (`PUT urls.settings`). Settings are checked here: unknown columns are dropped, new
 * columns appear at the end, widths stay within bounds, and at least one column shows.
 */
import { type ColumnSchema, html, type SafeHtml, type TableSchema, type ViewSettings } from '@nocoflo/sdk';

/** Narrowest and widest column, in CSS pixels. */
export const COLUMN_WIDTH_RANGE = {
  /** Narrowest width a column can be given. */
  min: 40,
  /** Widest width a column can be given. */
  max: 1200,
} as const;

/** One column's place in the layout. */
export interface ColumnPlacement {
  /** The column. */
  column: ColumnSchema;
  /** Hidden from the grid (still filterable and exported when asked for). */
  hidden: boolean;
  /** Width in CSS pixels, when the person set one. */
  width?: number;
}

/** The grid's columns: every column in display order, and the visible ones. */
export interface ColumnLayout {
  /** Every column of the table, in display order. */
  all: ColumnPlacement[];
  /** The columns shown, in display order. */
  visible: ColumnPlacement[];
  /** Whether the layout differs from the table's own (some column hidden, moved or sized). */
  customised: boolean;
}

/** The saved form of one column's settings. */
interface SavedColumn {
  name?: unknown;
  hidden?: unknown;
  width?: unknown;
}

function clampWidth(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.round(Math.min(COLUMN_WIDTH_RANGE.max, Math.max(COLUMN_WIDTH_RANGE.min, value)));
}

/** The layout the settings ask for, checked against the table. */
export function columnLayout(table: TableSchema, settings: ViewSettings | undefined): ColumnLayout {
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const saved = Array.isArray(settings?.columns) ? (settings.columns as SavedColumn[]) : [];
  const all: ColumnPlacement[] = [];
  const placed = new Set<string>();
  for (const entry of saved) {
    if (typeof entry?.name !== 'string' || placed.has(entry.name)) continue;
    const column = byName.get(entry.name);
    if (!column) continue;
    placed.add(column.name);
    const width = clampWidth(entry.width);
    all.push({ column, hidden: entry.hidden === true, ...(width ? { width } : {}) });
  }
  for (const column of table.columns) if (!placed.has(column.name)) all.push({ column, hidden: false });
  let visible = all.filter((p) => !p.hidden);
  if (visible.length === 0) {
    for (const p of all) p.hidden = false;
    visible = all;
  }
  const customised = all.some(
    (p, i) => p.hidden || p.width !== undefined || p.column.name !== table.columns[i]?.name,
  );
  return { all, visible, customised };
}

/** The inline style of a sized column's header. */
export function widthStyle(width: number | undefined): string | undefined {
  return width === undefined ? undefined : `width:${width}px;min-width:${width}px;max-width:${width}px`;
}

/**
 * The "Columns" panel: per column a checkbox to show it, buttons to move it, and its width;
 * every control a native one, so the panel works with the keyboard alone. The browser script
 * applies changes at once and saves them.
 */
export function renderColumnsPanel(layout: ColumnLayout, settingsUrl: string): SafeHtml {
  const items = layout.all.map(({ column, hidden, width }, i) => {
    const id = `ncf-colw-${i}`;
    return html`<li data-col="${column.name}"><label class="ncf-col-show"><input type="checkbox" ${!hidden && html`checked`} aria-label="Show ${column.name}"> ${column.name}</label><span class="ncf-col-move"><button type="button" data-move="-1" aria-label="Move ${column.name} left" title="Move left">↑</button><button type="button" data-move="1" aria-label="Move ${column.name} right" title="Move right">↓</button></span><label class="ncf-col-width" for="${id}">width</label><input id="${id}" type="number" inputmode="numeric" min="${COLUMN_WIDTH_RANGE.min}" max="${COLUMN_WIDTH_RANGE.max}" step="10" placeholder="auto" value="${width ?? ''}" aria-label="Width of ${column.name} in pixels"></li>`;
  });
  return html`<details class="ncf-columns"${layout.customised && html` data-customised`}><summary>Columns${layout.all.length !== layout.visible.length && html` <small>(${layout.all.length - layout.visible.length} hidden)</small>`}</summary><div class="ncf-columns-panel" data-settings-url="${settingsUrl}" role="group" aria-label="Columns: show, order and width"><ol>${items}</ol><p class="ncf-columns-help">Header cells: Alt+←/→ resizes, Alt+Shift+←/→ moves the column. Drag a header's right edge to resize.</p><button type="button" class="ncf-columns-reset">Reset columns</button> <span class="ncf-columns-status" role="status"></span></div></details>`;
}
