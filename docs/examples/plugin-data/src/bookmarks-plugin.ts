// The plugin the "Storing a plugin's own data" guide builds: bookmarks on tables, kept in
// the plugin's own database (ctx.database), created by its migrations, with an API key
// for a webhook kept as a secret config field.
import { definePlugin, type PluginDatabase, secret } from '@nocoflo/sdk';
import { z } from 'zod';

/** A stored bookmark. */
export interface Bookmark {
  id: number;
  table_name: string;
  note: string;
}

/** `$1, $2, …` on PostgreSQL, `?` on SQLite. */
const placeholders = (db: PluginDatabase, count: number): string[] =>
  Array.from({ length: count }, (_, i) => (db.dialect === 'postgres' ? `$${i + 1}` : '?'));

/** Adds a bookmark; returns its id. */
export async function addBookmark(db: PluginDatabase, table: string, note: string): Promise<number> {
  const [a, b, c] = placeholders(db, 3);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO bookmarks (table_name, note, created_at) VALUES (${a}, ${b}, ${c}) RETURNING id`,
    [table, note, new Date().toISOString()],
  );
  return Number(rows[0]?.id);
}

/** The bookmarks of a table, oldest first. */
export async function bookmarksOf(db: PluginDatabase, table: string): Promise<Bookmark[]> {
  const [a] = placeholders(db, 1);
  const { rows } = await db.query<Bookmark>(
    `SELECT id, table_name, note FROM bookmarks WHERE table_name = ${a} ORDER BY id`,
    [table],
  );
  return rows;
}

export default definePlugin({
  config: z.object({
    webhookUrl: z.url().optional(),
    // Stored encrypted, never shown again, redacted from logs.
    webhookToken: secret(z.string().min(16)).optional(),
  }),
  setup(ctx) {
    ctx.registerRoute({
      method: 'GET',
      path: '/tables/:table/bookmarks',
      handler: async ({ params }) => ({ body: await bookmarksOf(ctx.database, params.table ?? '') }),
    });
    ctx.registerRoute({
      method: 'POST',
      path: '/tables/:table/bookmarks',
      handler: async ({ params, body }) => {
        const note = (body as { note?: unknown } | undefined)?.note;
        if (typeof note !== 'string' || note.trim() === '')
          return { status: 400, body: { error: 'note is required' } };
        // Several statements that must happen together go in one transaction.
        const [a, b, c] = placeholders(ctx.database, 3);
        await ctx.database.transaction([
          {
            sql: `INSERT INTO bookmarks (table_name, note, created_at) VALUES (${a}, ${b}, ${c})`,
            params: [params.table ?? '', note.trim(), new Date().toISOString()],
          },
        ]);
        return { status: 201, body: await bookmarksOf(ctx.database, params.table ?? '') };
      },
    });
  },
});
