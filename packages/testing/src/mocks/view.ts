/**
 * A minimal view for tests of the host and of other plugins: it scores every table with a
 * fixed score (or a function), renders a small escaped table, and records its calls.
 */
import {
  escapeHtml,
  type TableSchema,
  type ViewDefinition,
  type ViewRenderInput,
  type ViewRenderResult,
} from '@nocoflo/sdk';

/** Options of {@link createMockView}. */
export interface MockViewOptions {
  /** View name. Default `mock`. */
  name?: string;
  /** Switcher label. Default `Mock`. */
  title?: string;
  /** Score for every table, or a function of the table. Default 1. */
  score?: number | false | ((table: TableSchema) => number | false);
  /** Tie-break priority. */
  priority?: number;
  /** Custom render; default: the first page as an escaped `<table>`. */
  render?: (input: ViewRenderInput) => ViewRenderResult | Promise<ViewRenderResult>;
}

/** The mock view plus what it recorded. */
export interface MockView extends ViewDefinition {
  /** Tables `canHandle` was asked about. */
  readonly canHandleCalls: readonly TableSchema[];
  /** Inputs `render` received. */
  readonly renderCalls: readonly ViewRenderInput[];
}

async function defaultRender({ table, data }: ViewRenderInput): Promise<ViewRenderResult> {
  const page = await data.readPage(table.name, { limit: 50 });
  const head = table.columns.map((c) => `<th>${escapeHtml(c.name)}</th>`).join('');
  const body = page.rows
    .map((row) => `<tr>${table.columns.map((c) => cellHtml(row[c.name])).join('')}</tr>`)
    .join('');
  return {
    html: `<table class="mock-view"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`,
    title: table.name,
  };
}

/** A cell; NULL is marked, so it never reads as an empty string. */
function cellHtml(value: unknown): string {
  if (value === null || value === undefined) return '<td data-null="true"></td>';
  return `<td>${escapeHtml(formatCell(value))}</td>`;
}

function formatCell(value: unknown): string {
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

/**
 * Creates a minimal view that records its calls.
 *
 * @example
 * ```ts
 * import { definePlugin } from '@nocoflo/sdk';
 * import { createMockView, createTestHost } from '@nocoflo/testing';
 * import { expect, it } from 'vitest';
 *
 * it('offers the mock view for tables with columns', async () => {
 *   const view = createMockView({ score: (t) => (t.columns.length > 0 ? 10 : false) });
 *   await using host = await createTestHost({ plugins: [{ name: 'views', plugin: definePlugin({ views: [view] }) }] });
 *   expect(host.views.list().map((v) => v.name)).toEqual(['mock']);
 * });
 * ```
 */
export function createMockView(options: MockViewOptions = {}): MockView {
  const canHandleCalls: TableSchema[] = [];
  const renderCalls: ViewRenderInput[] = [];
  const score = options.score ?? 1;
  const view: MockView = {
    name: options.name ?? 'mock',
    title: options.title ?? 'Mock',
    ...(options.priority === undefined ? {} : { priority: options.priority }),
    canHandleCalls,
    renderCalls,
    canHandle(table) {
      canHandleCalls.push(table);
      return typeof score === 'function' ? score(table) : score;
    },
    render(input) {
      renderCalls.push(input);
      return (options.render ?? defaultRender)(input);
    },
  };
  return view;
}
