/**
 * An auto-escaping tagged template for building HTML: every interpolated value is escaped
 * unless it is already {@link SafeHtml} (the result of another `html` template, or text
 * passed to {@link unsafeRawHtml} by name). One forgotten `escapeHtml` can no longer become
 * an XSS, because forgetting is the safe default.
 *
 * ```ts
 * const row = (name: string) => html`<li>${name}</li>`;          // name is escaped
 * const list = html`<ul>${names.map(row)}</ul>`;                  // arrays are joined
 * const page = html`<main>${unsafeRawHtml(trustedFragment)}</main>`; // raw only by name
 * ```
 */
import { escapeHtml } from './escape.js';

// A symbol (not a string key), so no JSON value from a database can pass for SafeHtml.
const SAFE: unique symbol = Symbol.for('nocoflo.safeHtml') as never;

/** HTML that is safe to insert as it is: built by {@link html}, or marked by {@link unsafeRawHtml}. */
export interface SafeHtml {
  /** The HTML text. */
  readonly [SAFE]: string;
  /** The HTML text (so a template result can be sent or concatenated as a string). */
  toString(): string;
}

function safe(text: string): SafeHtml {
  return { [SAFE]: text, toString: () => text };
}

/** Whether a value is {@link SafeHtml}. */
export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && SAFE in value;
}

/**
 * One interpolated value as HTML: SafeHtml as it is, arrays item by item, `null`,
 * `undefined` and `false` as nothing (so `${cond && html`…`}` works), anything else escaped.
 */
function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (isSafeHtml(value)) return value[SAFE];
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

/**
 * The auto-escaping HTML template tag.
 *
 * @example
 * ```ts
 * import { defineView, html } from '@nocoflo/sdk';
 *
 * export const namesView = defineView({
 *   name: 'names',
 *   title: 'Names',
 *   canHandle: (table) => (table.columns.some((c) => c.name === 'name') ? 20 : false),
 *   async render({ table, data }) {
 *     const page = await data.readPage(table.name, { limit: 20, columns: ['name'] });
 *     // Every ${…} is escaped unless it is itself an html`…` result; arrays are joined.
 *     const items = page.rows.map((row) => html`<li>${row.name ?? 'NULL'}</li>`);
 *     return { html: html`<ul>${items}</ul>`.toString() };
 *   },
 * });
 * ```
 */
export function html(strings: TemplateStringsArray, ...values: readonly unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return safe(out);
}

/**
 * Marks text as HTML to insert without escaping. Only for HTML that was built safely
 * elsewhere (a view's rendered fragment, an SVG from a chart library); never for data.
 */
export function unsafeRawHtml(text: string): SafeHtml {
  return safe(text);
}

/** Joins HTML fragments with a separator (escaped unless it is SafeHtml). */
export function joinHtml(parts: readonly unknown[], separator: unknown = ''): SafeHtml {
  return safe(parts.map(render).join(render(separator)));
}
