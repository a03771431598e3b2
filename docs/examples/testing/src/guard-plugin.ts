// The plugin the "Testing a plugin" guide tests: it refuses writes to protected tables,
// keeps a log of the writes it let through, and contributes a small view.
import { definePlugin, defineView, escapeHtml } from '@nocoflo/sdk';
import { z } from 'zod';

/** The write log the plugin provides as the `guard.log` service. */
export interface GuardLog {
  entries(): { table: string; operation: string }[];
}

/** Lists a table's columns and their types. */
export const columnsView = defineView({
  name: 'guard-columns',
  title: 'Columns',
  canHandle: (table) => (table.columns.length > 0 ? 5 : false),
  render({ table }) {
    const items = table.columns
      .map(
        (c) =>
          `<li data-column="${escapeHtml(c.name)}">${escapeHtml(c.name)} <code>${escapeHtml(c.type)}</code></li>`,
      )
      .join('');
    return { html: `<ul class="guard-columns">${items}</ul>`, title: `${table.name} (columns)` };
  },
});

export default definePlugin({
  config: z.object({ protectedTables: z.array(z.string()).default([]) }),
  views: [columnsView],
  setup(ctx) {
    const entries: { table: string; operation: string }[] = [];
    ctx.services.provide('guard.log', { entries: () => [...entries] } satisfies GuardLog);
    ctx.tap('beforeWrite', (write) =>
      ctx.config.protectedTables.includes(write.table)
        ? { reason: `${write.table} is protected by the guard plugin.` }
        : undefined,
    );
    ctx.tap('afterWrite', (write, outcome) => {
      if (!outcome.error) entries.push({ table: write.table, operation: write.operation });
    });
  },
});
