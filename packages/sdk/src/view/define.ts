import type { ViewDefinition } from './types.js';

/**
 * Declares a view. Exists for types: it returns its argument unchanged.
 *
 * @example
 * ```ts
 * import { defineView, escapeHtml } from '@nocoflo/sdk';
 * export const countView = defineView({
 *   name: 'count',
 *   title: 'Row count',
 *   canHandle: () => 1,
 *   async render({ table, data }) {
 *     const page = await data.readPage(table.name, { limit: 1 });
 *     return { html: `<p>${escapeHtml(table.name)}: ~${page.estimatedTotal ?? '?'} rows</p>` };
 *   },
 * });
 * ```
 */
export function defineView<const V extends ViewDefinition>(definition: V): V {
  return definition;
}
